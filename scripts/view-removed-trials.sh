#!/usr/bin/env bash
# Fusions tried for issue 23's view-removed target on one data set's validation split
# (configs/MOLECULE_TRIALS.md, "View removed"): each warm-started from the single
# views an enumerated-recipe RUNS directory already holds (scripts/enumerated-recipe.sh; linked,
# not retrained), 3 seeds through scripts/molecule-ablation.sh (finished runs are reused), then
# each one's validation metric with every view and with each view removed
# (scripts/view_removed_validation.py) into TRIALS_DIR/validation.md. The test split is not read.
# Usage: MATFUSE_BIN=<release matfuse> scripts/view-removed-trials.sh ENUMERATED_RUNS TRIALS_DIR DATASET
set -euo pipefail
[ $# -eq 3 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
cd "$(dirname "$0")/.."
views=$(realpath "$1")
trials=$2
dataset=$3
export MATFUSE_BIN=${MATFUSE_BIN:-${CARGO_TARGET_DIR:-target}/release/matfuse}
V="--set train.smiles_variants=20 --set model.descriptors.crippen=true"
D="--set train.modality_dropout=0.3"
# name | variant | warm-start views, the first one's head (and, for cross, the gate) first | extra settings
rows=(
  "late3|late|graph smiles fingerprint|"
  "fingerprint-first|cross|fingerprint graph smiles|"
  "cross3|cross|graph smiles fingerprint|"
  "smiles-first-dropout|cross|smiles graph|$D"
  "late3-dropout|late|graph smiles fingerprint|$D"
)
donors=()
for seed in 20261205 20261206 20261207; do
  for view in graph smiles fingerprint; do
    [ -d "$views/$dataset/random/$view-$seed/bundle" ] || { echo "no $view-$seed in $views/$dataset/random: run scripts/enumerated-recipe.sh first" >&2; exit 1; }
    donors+=("$views/$dataset/random/$view-$seed")
  done
done
for row in "${rows[@]}"; do
  IFS='|' read -r name variant warm extra <<< "$row"
  dir="$trials/$name/$dataset/random"
  mkdir -p "$dir"
  for donor in "${donors[@]}"; do ln -sfn "$donor" "$dir/$(basename "$donor")"; done
  SPLITS=random VARIANTS=$variant WARM="$warm" RECIPE="$V $extra" scripts/molecule-ablation.sh "$trials/$name" "$dataset"
done
for row in "${rows[@]}"; do
  IFS='|' read -r name _ _ extra <<< "$row"
  echo "## $name${extra:+ ($extra)}"
  python3 scripts/view_removed_validation.py "$trials/$name" "$dataset"
  echo
done > "$trials/validation.md"
echo "wrote $trials/validation.md" >&2
