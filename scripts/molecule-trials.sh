#!/usr/bin/env bash
# Regenerates configs/MOLECULE_TRIALS.md: training recipes for the molecule models tried on ESOL,
# each a `matfuse train --config configs/mol-esol.toml` run judged on the VALIDATION split of the
# recorded random 8:1:1 split only. The test split is never read to choose a setting.
# Usage: scripts/molecule-trials.sh [RUNS_DIR] [PARALLEL] (default runs/molecule-trials, 1 at a
# time; finished runs are reused). About 5 min per trial on 2 idle cores. Needs a release binary
# (cargo build --release -p backend) or MATFUSE_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${MATFUSE_BIN:-${CARGO_TARGET_DIR:-target}/release/matfuse}
runs=${1:-runs/molecule-trials}
parallel=${2:-1}
out=configs/MOLECULE_TRIALS.md
config=configs/mol-esol.toml
trials=(
  "shipped recipe|"
  "weight decay 0.05|--set train.weight_decay=0.05"
  "smaller fingerprint MLP and fusion (64)|--set model.fingerprint.hidden=64 --set model.fused=64"
  "one-cycle 3e-3, EMA 0.995|--set train.schedule=one-cycle --set train.lr=3e-3 --set train.ema_decay=0.995"
  "evidential regulariser 0.1|--set train.evidential_lambda=0.1"
  "weight decay 0.05, smaller MLP, EMA 0.995|--set train.weight_decay=0.05 --set model.fingerprint.hidden=64 --set model.fused=64 --set train.ema_decay=0.995"
  "graph view alone (D-MPNN)|--set model.fusion=graph"
  "SMILES view alone|--set model.fusion=smiles"
  "fingerprint view alone|--set model.fusion=fingerprint"
  "D-MPNN 300 wide, smaller MLP|--set model.graph.hidden=300 --set model.fingerprint.hidden=64 --set model.fused=64"
)
nice_level=19
train_args=(--config "$config")
# shellcheck source=trials-common.sh
source scripts/trials-common.sh
run_trials
{
  echo "<!-- trials:esol -->"
  echo "Regenerate: \`scripts/molecule-trials.sh\`. Each row is"
  echo "\`matfuse train --config $config <settings> --run-dir <dir> --resume\`"
  echo "(the shipped ESOL configuration: cross fusion of graph, SMILES and fingerprint, 40 epochs,"
  echo "patience 40, seed 20261205, random 8:1:1 split). Figures are the best epoch's validation MAE"
  echo "(log mol/L) and early-stopping score (MAE / training std; lower is better), that epoch / the"
  echo "epochs run, and the minutes of training (niced, beside other work: minutes are not comparable"
  echo "between rows). The test split chose nothing here."
  echo
  echo "| trial | settings | log S MAE | score | best/epochs | minutes |"
  echo "|---|---|---|---|---|---|"
  trial_rows
  echo "<!-- /trials:esol -->"
} > "$runs/table.md"
# The table replaces its marked part of $out; the discussion around it stays.
python3 - "$out" "$runs/table.md" <<'PY'
import os, re, sys
out, table = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(out).read() if os.path.exists(out) else "# Molecule recipe trials (ESOL, validation split)\n"
pattern = re.compile(r"<!-- trials:esol -->.*?<!-- /trials:esol -->", re.S)
text = pattern.sub(lambda _: table, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + table + "\n"
open(out, "w").write(text)
PY
echo "wrote $out"
