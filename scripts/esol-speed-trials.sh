#!/usr/bin/env bash
# Faster versions of ESOL's shipped recipe tried for issue 23's 2-minute target
# (configs/MOLECULE_TRIALS.md, "Two minutes"), 3 seeds of the random split each through
# scripts/molecule-ablation.sh (finished runs are reused): the graph view as shipped (trained
# once, linked into every trial), then the SMILES view and `cross ← SMILES, graph` (modality
# dropout 0.3) on batches of similar size, with the epochs and learning rate each trial names.
# Each trial's validation table (every view and each view removed) goes to
# RUNS_DIR/TRIAL/validation.md, its test table to RUNS_DIR/TRIAL/table.md.
# Usage: MATFUSE_BIN=<release matfuse> scripts/esol-speed-trials.sh RUNS_DIR
set -euo pipefail
[ $# -eq 1 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
cd "$(dirname "$0")/.."
runs=$1
export MATFUSE_BIN=${MATFUSE_BIN:-${CARGO_TARGET_DIR:-target}/release/matfuse}
C="--set model.descriptors.crippen=true"
V="--set train.smiles_variants=20 --set train.bucket_by_size=true"
D="--set train.modality_dropout=0.3"
E() { echo "--set train.epochs=$1 --set train.patience=$1"; }
SPLITS=random VARIANTS=graph RECIPE="$C" scripts/molecule-ablation.sh "$runs/views" esol
# name | SMILES view settings | fusion settings
trials=(
  "bucketed|$(E 100)|"
  "bucketed-fusion25|$(E 100)|$(E 25)"
  "smiles50-fusion25|$(E 50)|$(E 25)"
  "smiles50-lr2e-3-fusion25|$(E 50) --set train.lr=2e-3|$(E 25)"
)
for trial in "${trials[@]}"; do
  IFS='|' read -r name smiles fusion <<< "$trial"
  dir=$runs/$name
  mkdir -p "$dir/esol/random"
  for seed in 20261205 20261206 20261207; do
    ln -sfn "$(realpath "$runs/views/esol/random/graph-$seed")" "$dir/esol/random/graph-$seed"
  done
  SPLITS=random VARIANTS=smiles RECIPE="$V $C $smiles" scripts/molecule-ablation.sh "$dir" esol
  SPLITS=random VARIANTS=cross WARM="smiles graph" RECIPE="$V $C $D $fusion" scripts/molecule-ablation.sh "$dir" esol
  python3 scripts/view_removed_validation.py "$dir" esol > "$dir/validation.md"
done
for trial in "${trials[@]}"; do echo "${trial%%|*}"; cat "$runs/${trial%%|*}/validation.md"; echo; done
