#!/usr/bin/env bash
# The enumerated molecule recipe (configs/MOLECULE_TRIALS.md, "SMILES enumeration") on any data
# set, 3 seeds of the random split: the graph view and the SMILES view trained on 20 random
# writings per molecule for 100 epochs, both with Wildman–Crippen columns (and the fingerprint
# view, for the table), then `cross` warm-started from the two, once with the graph view's head
# and gate (`cross@graph+smiles`) and once with the SMILES view's (`cross@smiles+graph`), and
# `late` warm-started from all three views (`late@graph+smiles+fingerprint`).
# Finished runs are reused. The test table goes to RUNS_DIR/table.md; the validation table the
# choice reads (every view and each view removed) to RUNS_DIR/validation.md.
# Usage: MATFUSE_BIN=<release matfuse> scripts/enumerated-recipe.sh RUNS_DIR DATASET...
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
cd "$(dirname "$0")/.."
runs=$1
shift
C="--set model.descriptors.crippen=true"
V="--set train.smiles_variants=20"
E100="--set train.epochs=100 --set train.patience=100"
for dataset in "$@"; do
  SPLITS=random VARIANTS="graph fingerprint" RECIPE="$C" scripts/molecule-ablation.sh "$runs" "$dataset"
  SPLITS=random VARIANTS=smiles RECIPE="$V $E100 $C" scripts/molecule-ablation.sh "$runs" "$dataset"
  SPLITS=random VARIANTS=cross WARM="graph smiles" RECIPE="$V $C" scripts/molecule-ablation.sh "$runs" "$dataset"
  SPLITS=random VARIANTS=cross WARM="smiles graph" RECIPE="$V $C" scripts/molecule-ablation.sh "$runs" "$dataset"
  SPLITS=random VARIANTS=late WARM="graph smiles fingerprint" RECIPE="$V $C" scripts/molecule-ablation.sh "$runs" "$dataset"
done
python3 scripts/molecule_ablation_table.py "$runs" "$@" > "$runs/table.md"
for dataset in "$@"; do python3 scripts/view_removed_validation.py "$runs" "$dataset"; echo; done > "$runs/validation.md"
echo "wrote $runs/table.md and $runs/validation.md" >&2
