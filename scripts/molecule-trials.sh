#!/usr/bin/env bash
# Regenerates configs/MOLECULE_TRIALS.md: training recipes for the molecule models tried on ESOL
# (and the winners confirmed on FreeSolv), each a `matfuse train --config configs/mol-DATASET.toml`
# run judged on the VALIDATION split of the recorded random 8:1:1 split only. The test split is
# never read to choose a setting.
# Usage: scripts/molecule-trials.sh [RUNS_DIR] [PARALLEL] [DATASET] (default runs/molecule-trials,
# 1 at a time, esol; DATASET freesolv runs its shorter list into its own table; finished runs
# are reused). 1-5 min per ESOL trial on 2 idle cores. Needs a release binary
# (cargo build --release -p backend) or MATFUSE_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${MATFUSE_BIN:-${CARGO_TARGET_DIR:-target}/release/matfuse}
runs=${1:-runs/molecule-trials}
parallel=${2:-1}
dataset=${3:-esol}
out=configs/MOLECULE_TRIALS.md
config=configs/mol-$dataset.toml
g="--set model.fusion=graph"
# chemprop 2.3's training defaults: MSE, plain shuffled batches of 64, Noam 1e-4 → 1e-3 → 1e-4
# over 50 epochs (2 warm-up), Adam without clipping or weight decay; its network: D-MPNN and FFN
# 300 wide, ReLU.
chemprop_recipe="--set train.loss=mse --set train.bucket_by_size=false --set train.schedule=noam --set train.epochs=50 --set train.patience=50 --set train.batch_size=64 --set train.grad_clip=0 --set train.weight_decay=0"
chemprop_net="--set model.graph.hidden=300 --set model.fused=300 --set model.ffn.activation=relu"
descriptors="--set model.descriptors.enabled=true"
esol_trials=(
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
  # Issue 23: chemprop's defaults one at a time on the graph view, then together.
  "graph: MSE loss|$g --set train.loss=mse"
  "graph: batches not bucketed by size|$g --set train.bucket_by_size=false"
  "graph: Noam schedule, 50 epochs|$g --set train.schedule=noam --set train.epochs=50 --set train.patience=50"
  "graph: no clipping, no weight decay|$g --set train.grad_clip=0 --set train.weight_decay=0"
  "graph: norm aggregation|$g --set model.graph.pooling=norm"
  "graph: chemprop widths (300) and ReLU FFN|$g $chemprop_net"
  "graph: chemprop recipe|$g $chemprop_recipe"
  "graph: chemprop recipe and network|$g $chemprop_recipe $chemprop_net"
  "graph: chemprop recipe and network, descriptors|$g $chemprop_recipe $chemprop_net $descriptors"
  # Then the two levers found (plain shuffled batches, descriptors) with our evidential loss,
  # and on late fusion.
  "graph: not bucketed, descriptors|$g --set train.bucket_by_size=false $descriptors"
  "graph: not bucketed, chemprop network, descriptors|$g --set train.bucket_by_size=false $chemprop_net $descriptors"
  "graph: chemprop recipe but evidential loss, network, descriptors|$g $chemprop_recipe --set train.loss=evidential $chemprop_net $descriptors"
  "late: not bucketed|--set model.fusion=late --set train.bucket_by_size=false"
  "late: not bucketed, descriptors|--set model.fusion=late --set train.bucket_by_size=false $descriptors"
  "late: chemprop recipe and network, descriptors|--set model.fusion=late $chemprop_recipe $chemprop_net $descriptors"
)
freesolv_trials=(
  "shipped recipe|"
  "graph view alone (D-MPNN)|$g"
  "graph: batches not bucketed by size|$g --set train.bucket_by_size=false"
  "graph: not bucketed, chemprop network, descriptors|$g --set train.bucket_by_size=false $chemprop_net $descriptors"
  "graph: chemprop recipe and network, descriptors|$g $chemprop_recipe $chemprop_net $descriptors"
)
case $dataset in
  esol) trials=("${esol_trials[@]}") ;;
  freesolv) trials=("${freesolv_trials[@]}"); runs="$runs/freesolv" ;;
  *) echo "no trials for '$dataset' (esol, freesolv)" >&2; exit 2 ;;
esac
nice_level=19
train_args=(--config "$config")
# shellcheck source=trials-common.sh
source scripts/trials-common.sh
run_trials
{
  echo "<!-- trials:$dataset -->"
  echo "Regenerate: \`scripts/molecule-trials.sh RUNS 1 $dataset\`. Each row is"
  echo "\`matfuse train --config $config <settings> --run-dir <dir> --resume\`"
  echo "(the shipped $dataset configuration: cross fusion of graph, SMILES and fingerprint, 40 epochs,"
  echo "patience 40, seed 20261205, random 8:1:1 split). Figures are the best epoch's validation MAE"
  echo "(task units), early-stopping score (MAE / training std; lower is better) and RMSE, that epoch / the"
  echo "epochs run, and the minutes of training (niced, beside other work: minutes are not comparable"
  echo "between rows). The test split chose nothing here."
  echo
  echo "| trial | settings | MAE | score | RMSE | best/epochs | minutes |"
  echo "|---|---|---|---|---|---|---|"
  for entry in "${trials[@]}"; do
    python3 scripts/trial_row.py "$(dir_of "${entry%%|*}")/checkpoint/state.json" "${entry%%|*}" "${entry#*|}" --val-rmse --timing
  done
  echo "<!-- /trials:$dataset -->"
} > "$runs/table-$dataset.md"
# The table replaces its marked part of $out; the discussion around it stays.
python3 - "$out" "$runs/table-$dataset.md" "$dataset" <<'PY'
import os, re, sys
out, table, dataset = sys.argv[1], open(sys.argv[2]).read().rstrip("\n"), sys.argv[3]
text = open(out).read() if os.path.exists(out) else "# Molecule recipe trials (validation split)\n"
pattern = re.compile(rf"<!-- trials:{dataset} -->.*?<!-- /trials:{dataset} -->", re.S)
text = pattern.sub(lambda _: table, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + table + "\n"
open(out, "w").write(text)
PY
echo "wrote $out"
