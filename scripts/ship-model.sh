#!/usr/bin/env bash
# Installs a trained bundle as a shipped model in models/weights/<id>/ (id from its manifest):
#   - ood.json: the training data's out-of-distribution statistics (`matfuse ood`);
#   - eval_ids.txt: the fixed 200 mp2018 test ids (the first 200 test rows in file order) and
#     check_200.json: what `matfuse eval --ids` printed on them (backend/tests/shipped_models.rs
#     re-runs it and requires the same MAE within 5 %);
#   - MODEL_CARD.md: the card `train` wrote, plus the training run's epochs (from the run
#     directory's checkpoint) and the 200-id check.
#   - the nearest-neighbour indexes: for `browser` the page's 12-dimension index with its t-SNE
#     map and the backend's full one (`--dims 12 --full-index --map tsne`, README), for other
#     models the full index; OOD_ARGS="..." replaces those flags;
#   - phases.json's record of the better energy-above-hull estimator on validation (`hull-eval
#     --record`).
# Usage: scripts/ship-model.sh BUNDLE_DIR RUN_DIR
#   e.g. scripts/ship-model.sh /work/runs/server/bundle /work/runs/server
# Needs ../shared/data and, for a `server` model, the MiniLM encoder (scripts/fetch-encoder.sh).
# Then regenerate what pins the weights: `MATFUSE_UPDATE_FIXTURES=1 cargo test -p frontend --test
# browser_model_native` (browser) and the API snapshots (`INSTA_UPDATE=always cargo test -p backend`).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { sed -n '2,18p' "$0"; exit 2; }
bundle=$1 run=$2
bin=${MATFUSE_BIN:-${CARGO_TARGET_DIR:-target}/ci/matfuse}
[ -x "$bin" ] || cargo build --profile ci --locked -p backend
data=../shared/data
id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$bundle/manifest.json")
target=models/weights/$id
staging=$target.staging
rm -rf "$staging" && cp -r "$bundle" "$staging"

if [ -n "${OOD_ARGS+set}" ]; then read -r -a ood_args <<< "$OOD_ARGS"
elif [ "$id" = browser ]; then ood_args=(--dims 12 --full-index --map tsne)
else ood_args=()
fi
"$bin" ood --model "$staging" --ehull "$data/mp2022_ehull/mp2022_ehull.csv.gz" ${ood_args[@]+"${ood_args[@]}"}
python3 - "$data/mp2018/mp2018.csv.gz" "$staging/eval_ids.txt" <<'EOF'
import csv, gzip, sys
csv.field_size_limit(1 << 30)
with gzip.open(sys.argv[1], "rt", newline="") as f:
    ids = [row["material_id"] for row in csv.DictReader(f) if row["split"] == "test"][:200]
open(sys.argv[2], "w").write("\n".join(ids) + "\n")
EOF
"$bin" eval --model "$staging" --data "$data/mp2018/mp2018.csv.gz" --ids "$staging/eval_ids.txt" --json \
  >"$staging/check_200.json"

python3 - "$staging" "$run/checkpoint/state.json" "$id" <<'EOF'
import json, sys
staging, state_file, model_id = sys.argv[1:]
state = json.load(open(state_file))
check = json.load(open(f"{staging}/check_200.json"))
card = open(f"{staging}/MODEL_CARD.md").read().rstrip("\n")
seconds = sorted(e["seconds"] for e in state["history"])
median = seconds[len(seconds) // 2]
out = [card, "", "## Training run", "",
       f"Best validation epoch {state['best_epoch']}; checkpoints are kept outside git (the run directory).",
       f"Training time: {len(seconds)} epochs, {sum(seconds) / 3600:.1f} h of wall time in all, "
       f"{len(seconds) * median / 3600:.1f} h at the median epoch's {median:.0f} s (pauses and other jobs "
       "on the same cores lengthen some epochs; the `s` column below).", "",
       "| epoch | train loss | val MAE formation (eV/atom) | val MAE band gap (eV) | val MAE ehull (eV/atom) | val MAE Fermi (eV) | s |",
       "|---|---|---|---|---|---|---|"]
for e in state["history"]:
    mae = " | ".join(f"{m:.4f}" for m in e["val_mae"])
    out.append(f"| {e['epoch']} | {e['train_loss']:.3f} | {mae} | {e['seconds']:.0f} |")
out += ["", "## Reproducibility check", "",
        "`eval_ids.txt` lists 200 fixed mp2018 test ids (the first 200 test rows in file order); `check_200.json` is what",
        f"`matfuse eval --model models/weights/{model_id} --data ../shared/data/mp2018/mp2018.csv.gz --ids models/weights/{model_id}/eval_ids.txt --json` printed. "
        "`cargo test` (backend/tests/shipped_models.rs) re-runs it and requires the same MAE within 5 %.", "",
        "| property | n | MAE | RMSE | R² | Spearman ρ |", "|---|---|---|---|---|---|"]
for name, m in sorted(check["metrics"].items()):
    out.append(f"| {name} | {m['n']:.0f} | {m['mae']:.4f} | {m['rmse']:.4f} | {m['r2']:.3f} | {m['spearman']:.3f} |")
open(f"{staging}/MODEL_CARD.md", "w").write("\n".join(out) + "\n")
EOF

rm -rf "$target" && mv "$staging" "$target"
"$bin" hull-eval --model "$target" --split val --record
echo "shipped $target: $(du -sh "$target" | cut -f1), $(gzip -c "$target"/*.bpk | wc -c) bytes of gzipped weights"
