#!/usr/bin/env bash
# One ESOL model in under 2 minutes on 2 cores (issue 23's training-time target): the shipped
# three-step recipe (configs/mol-esol.toml's header) with batches of similar size
# (`train.bucket_by_size`), the SMILES view at 50 epochs and peak learning rate 2e-3 instead of
# 100 at 1e-3, the fusion at 25 epochs instead of 40, and the graph view trained beside the
# SMILES view. Chosen on validation among the fast recipes tried (configs/MOLECULE_TRIALS.md,
# "Two minutes"); it is 3 % behind the shipped recipe on validation, which is why the shipped
# bundle keeps that one. Prints each step's wall time; the bundle is OUT_DIR/esol.
# Usage: MATFUSE_BIN=<release matfuse> scripts/esol-fast.sh OUT_DIR [SEED]
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
cd "$(dirname "$0")/.."
bin=${MATFUSE_BIN:-${CARGO_TARGET_DIR:-target}/release/matfuse}
out=$1
seed=${2:-20261205}
mkdir -p "$out"
common=(--config configs/mol-esol.toml --set "train.seed=$seed" --set model.descriptors.crippen=true)
fast=(--set train.smiles_variants=20 --set train.bucket_by_size=true)
start=$(date +%s.%N)
since() { printf '%.1f' "$(echo "$(date +%s.%N) - $1" | bc)"; }
"$bin" train "${common[@]}" --set model.fusion=graph --run-dir "$out/graph-run" --out "$out/graph" \
  > "$out/graph.log" 2>&1 &
graph=$!
"$bin" train "${common[@]}" "${fast[@]}" --set model.fusion=smiles --set train.epochs=50 --set train.patience=50 \
  --set train.lr=2e-3 --run-dir "$out/smiles-run" --out "$out/smiles" > "$out/smiles.log" 2>&1 \
  || { echo "the SMILES view failed: see $out/smiles.log" >&2; exit 1; }
wait "$graph" || { echo "the graph view failed: see $out/graph.log" >&2; exit 1; }
views=$(since "$start")
fusion_start=$(date +%s.%N)
"$bin" train "${common[@]}" "${fast[@]}" --set train.modality_dropout=0.3 --set train.epochs=25 --set train.patience=25 \
  --set "warm_start.bundles=[\"$out/smiles\",\"$out/graph\"]" --run-dir "$out/esol-run" --out "$out/esol" \
  > "$out/esol.log" 2>&1 || { echo "the fusion failed: see $out/esol.log" >&2; exit 1; }
echo "views (graph beside SMILES) $views s, fusion $(since "$fusion_start") s, total $(since "$start") s: bundle $out/esol"
