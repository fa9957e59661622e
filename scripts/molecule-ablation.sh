#!/usr/bin/env bash
# The MoleculeNet ablation of issue 23 (RESULTS_MOLECULES.md): every molecule variant (graph,
# smiles, fingerprint, concat, late, cross) of each data set's shipped configuration, trained
# with 3 seeds on the random 8:1:1 split (a new split per seed) and on the scaffold split (one
# split, 3 initialisations), each measured on its test split; for the fusions, the test metric
# with each view removed (from the bundle's manifest, which `matfuse train` fills). Finished
# runs are reused, so an interrupted ablation continues where it stopped.
# Usage: scripts/molecule-ablation.sh [RUNS_DIR] [DATASET ...]   (default runs/molecule-ablation,
# esol freesolv; also lipo, bace: about 10-15 CPU-minutes per run against ESOL's 1-2)
# Needs a release binary (cargo build --release -p backend) or MATFUSE_BIN. The table is written
# from the runs that have finished; each cell says how many seeds it averages.
# A recipe other than the shipped one: RECIPE="--set key=value ..." trains every run with those
# settings too, VARIANTS="graph late" and SPLITS="random" narrow the runs; the table then goes
# to RUNS_DIR/table.md only (RESULTS_MOLECULES.md keeps the shipped recipe's).
# WARM="graph" (or "graph fingerprint") starts every fusion from those single views' bundles of
# the same data set, split and seed in RUNS_DIR (`[warm_start] bundles`; the views run first, so list them
# in VARIANTS or link finished runs in); such a run is the variant `cross@graph` (its own rows).
# SPLITS may also name scaffold_balanced (chemprop's seeded balanced scaffold split), which a
# classification set whose plain scaffold split leaves one class out of the test part needs.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${MATFUSE_BIN:-${CARGO_TARGET_DIR:-target}/release/matfuse}
runs=${1:-runs/molecule-ablation}
shift || true
datasets=("$@")
[ ${#datasets[@]} -gt 0 ] || datasets=(esol freesolv)
read -r -a variants <<< "${VARIANTS:-graph smiles fingerprint concat late cross}"
read -r -a splits <<< "${SPLITS:-random scaffold}"
read -r -a recipe <<< "${RECIPE:-}"
read -r -a warm_views <<< "${WARM:-}"
seeds=(20261205 20261206 20261207)
for dataset in "${datasets[@]}"; do
  [ -f "configs/mol-$dataset.toml" ] || { echo "no configs/mol-$dataset.toml" >&2; exit 2; }
done
for dataset in "${datasets[@]}"; do
  for split in "${splits[@]}"; do
    for variant in "${variants[@]}"; do
      for seed in "${seeds[@]}"; do
        name=$variant warm=()
        if [ ${#warm_views[@]} -gt 0 ] && [[ " concat late cross " == *" $variant "* ]]; then
          joined="${warm_views[*]}"; name="$variant@${joined// /+}"
          list=""
          for view in "${warm_views[@]}"; do list+="\"$runs/$dataset/$split/$view-$seed/bundle\","; done
          warm=(--set "warm_start.bundles=[${list%,}]")
        fi
        dir="$runs/$dataset/$split/$name-$seed"
        [ -f "$dir/bundle/manifest.json" ] && continue
        mkdir -p "$dir"
        echo "$(date -u +%H:%M:%S) $dataset $split $name seed $seed" >&2
        nice -n 19 "$bin" train --config "configs/mol-$dataset.toml" --set "model.fusion=$variant" \
          --set "train.seed=$seed" --set "data.split=$split" "${recipe[@]}" ${warm[@]+"${warm[@]}"} --run-dir "$dir/run" --out "$dir/bundle" --resume \
          > "$dir/train.log" 2>&1 || { echo "failed: see $dir/train.log" >&2; exit 1; }
      done
    done
  done
done
python3 scripts/molecule_ablation_table.py "$runs" "${datasets[@]}" > "$runs/table.md"
if [ ${#recipe[@]} -gt 0 ] || [ ${#warm_views[@]} -gt 0 ]; then
  echo "wrote $runs/table.md (recipe: ${recipe[*]}; warm start: ${warm_views[*]})" >&2
  exit 0
fi
python3 - "$runs/table.md" <<'PY'
import os, re, sys
out, table = "RESULTS_MOLECULES.md", open(sys.argv[1]).read().rstrip("\n")
text = open(out).read() if os.path.exists(out) else "# Molecule results (issue 23)\n"
pattern = re.compile(r"<!-- results:molecule-ablation -->.*?<!-- /results:molecule-ablation -->", re.S)
text = pattern.sub(lambda _: table, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + table + "\n"
open(out, "w").write(text)
PY
echo "wrote RESULTS_MOLECULES.md" >&2
