"""One Markdown row of a validation trial: the best epoch's validation MAE per property and its
early-stopping score, read from a run directory's checkpoint/state.json.
usage: trial_row.py STATE_JSON LABEL SETTINGS [--timing] [--val-rmse]
(--timing adds the best epoch / epochs run and the training minutes; --val-rmse first adds the
validation RMSE per property from the run's bundle, RUN_DIR/bundle/manifest.json, — where absent)"""
import json
import os
import sys

state = json.load(open(sys.argv[1]))
best = next(e for e in state["history"] if e["epoch"] == state["best_epoch"])
mae = " | ".join("—" if v is None else f"{v:.3f}" for v in best["val_mae"])
settings = sys.argv[3].replace("--set ", "")
seconds = sum(e["seconds"] for e in state["history"])
row = f"| {sys.argv[2]} | `{settings}` | {mae} | {best['val_score']:.4f} |"
if "--val-rmse" in sys.argv[4:]:
    manifest = os.path.join(os.path.dirname(os.path.dirname(sys.argv[1])), "bundle", "manifest.json")
    metrics = json.load(open(manifest))["metrics"] if os.path.exists(manifest) else {}
    # Validation only: the test metrics beside them choose nothing.
    rmse = " | ".join(f"{m['val_rmse']:.3f}" if "val_rmse" in m else "—" for m in metrics.values()) or "—"
    row += f" {rmse} |"
if "--timing" in sys.argv[4:]:
    row += f" {best['epoch']}/{len(state['history'])} | {seconds / 60:.1f} |"
print(row)
