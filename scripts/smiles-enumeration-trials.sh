#!/usr/bin/env bash
# SMILES enumeration trials on ESOL's validation split (configs/MOLECULE_TRIALS.md, "SMILES
# enumeration"): the SMILES view trained on random writings of each training molecule
# (train.smiles_variants), then fusions warm-started from it, each measured with every view and
# with the graph removed. 3 seeds each through scripts/molecule-ablation.sh (finished runs are
# reused); prints the validation table. The test split is not read.
# Usage: MATFUSE_BIN=<release matfuse> scripts/smiles-enumeration-trials.sh RUNS_DIR
set -euo pipefail
[ $# -eq 1 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
cd "$(dirname "$0")/.."
runs=$1
bin=${MATFUSE_BIN:-${CARGO_TARGET_DIR:-target}/release/matfuse}
export MATFUSE_BIN=$bin
seeds=(20261205 20261206 20261207)
ablate() { # DIR VARIANTS WARM RECIPE...
  local dir=$1 variants=$2 warm=$3
  shift 3
  SPLITS=random VARIANTS="$variants" WARM="$warm" RECIPE="$*" scripts/molecule-ablation.sh "$runs/$dir" esol
}
link_views() { # FROM TO VIEW...
  local from=$1 to=$2
  shift 2
  mkdir -p "$runs/$to/esol/random"
  for seed in "${seeds[@]}"; do
    for view in "$@"; do ln -sfn "$(realpath "$runs/$from/esol/random/$view-$seed")" "$runs/$to/esol/random/$view-$seed"; done
  done
}
C="--set model.descriptors.crippen=true"
V="--set train.smiles_variants=20"
E100="--set train.epochs=100 --set train.patience=100"
# The SMILES view: as shipped (the no-op --set keeps the ablation from writing RESULTS_MOLECULES.md).
ablate smiles-e40 smiles "" --set train.epochs=40
ablate smiles-e100 smiles "" $E100
ablate smiles-v20-e40 smiles "" $V
ablate smiles-v20-e100 smiles "" $V $E100
ablate smiles-v20-e150-crippen smiles "" $V --set train.epochs=150 --set train.patience=150 $C
ablate smiles-v20-e100-h128-crippen smiles "" $V $E100 --set model.smiles.hidden=128 --set model.smiles.layers=3 $C
# Donors: the graph view (shipped recipe) and the enumerated SMILES view, without and with Crippen.
ablate views graph "" --set train.epochs=40
link_views smiles-v20-e100 views smiles
ablate views cross "graph smiles" $V
ablate views-crippen "graph fingerprint" "" $C
ablate views-crippen smiles "" $V $E100 $C
ablate views-crippen cross "graph smiles" $V $C
for trial in "stand-in:cross:graph smiles:--set train.stand_in_weight=1" "single-view:cross:graph smiles:--set train.single_view=0.3" \
  "dropout:cross:graph smiles:--set train.modality_dropout=0.4" \
  "late:late:graph smiles:" "late3:late:graph smiles fingerprint:" "cross3:cross:graph smiles fingerprint:" \
  "smiles-first:cross:smiles graph:"; do
  IFS=: read -r name variant warm extra <<< "$trial"
  link_views views-crippen "crippen-$name" graph smiles fingerprint
  ablate "crippen-$name" "$variant" "$warm" $V $C $extra
done

rmse() { # BUNDLE [VIEW REMOVED]
  "$bin" eval --json --model "$1" ${2:+--without "$2"} 2>/dev/null | python3 -c \
    'import json, sys; p = [p for p in json.load(sys.stdin) if p["part"] == "validation"][0]["metrics"]; print(next(iter(p.values()))["rmse"])'
}
row() { # LABEL DIR NAME [FUSION]
  local all=() without=()
  for seed in "${seeds[@]}"; do
    all+=("$(rmse "$runs/$2/esol/random/$3-$seed/bundle")")
    [ -n "${4:-}" ] && without+=("$(rmse "$runs/$2/esol/random/$3-$seed/bundle" graph)")
  done
  python3 - "$1" "${#without[@]}" "${all[@]}" "${without[@]}" <<'PY'
import statistics as s, sys
label, n_without, values = sys.argv[1], int(sys.argv[2]), [float(v) for v in sys.argv[3:]]
all_, without = values[:3], values[3:]
cell = lambda v: f"{s.mean(v):.3f} ± {s.stdev(v):.3f}"
per_seed = ", ".join(f"{v:.3f}" for v in without)
print(f"| {label} | {cell(all_)} | {cell(without) if without else '–'} | {per_seed or '–'} |")
PY
}
echo "| model (ESOL, validation RMSE, 3 seeds) | every view | without the graph | per seed, without the graph |"
echo "|---|---:|---:|---|"
row "SMILES view, 40 epochs (shipped recipe)" smiles-e40 smiles
row "SMILES view, 100 epochs" smiles-e100 smiles
row "SMILES view, 20 writings, 40 epochs" smiles-v20-e40 smiles
row "SMILES view, 20 writings, 100 epochs" smiles-v20-e100 smiles
row "SMILES view, 20 writings, 100 epochs, Crippen" views-crippen smiles
row "SMILES view, 20 writings, 150 epochs, Crippen" smiles-v20-e150-crippen smiles
row "SMILES view, 20 writings, 100 epochs, 128 wide, 3 layers, Crippen" smiles-v20-e100-h128-crippen smiles
row "graph view (shipped recipe)" views graph
row "cross ← graph, SMILES (20 writings)" views "cross@graph+smiles" fusion
row "graph view, Crippen" views-crippen graph
row "fingerprint view, Crippen" views-crippen fingerprint
row "cross ← graph, SMILES, Crippen" views-crippen "cross@graph+smiles" fusion
row "… with the stand-in term (weight 1)" crippen-stand-in "cross@graph+smiles" fusion
row "… with single views (0.3)" crippen-single-view "cross@graph+smiles" fusion
row "… with modality dropout 0.4 (not 0.15)" crippen-dropout "cross@graph+smiles" fusion
row "late ← graph, SMILES, Crippen" crippen-late "late@graph+smiles" fusion
row "late ← graph, SMILES, fingerprint, Crippen" crippen-late3 "late@graph+smiles+fingerprint" fusion
row "cross ← graph, SMILES, fingerprint, Crippen" crippen-cross3 "cross@graph+smiles+fingerprint" fusion
row "cross ← SMILES, graph (the SMILES view's head), Crippen" crippen-smiles-first "cross@smiles+graph" fusion
