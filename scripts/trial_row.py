"""One Markdown row of a validation trial: the best epoch's validation MAE per property and its
early-stopping score, read from a run directory's checkpoint/state.json.
usage: trial_row.py STATE_JSON LABEL SETTINGS [--timing]
(--timing adds the best epoch / epochs run and the training minutes)"""
import json
import sys

state = json.load(open(sys.argv[1]))
best = next(e for e in state["history"] if e["epoch"] == state["best_epoch"])
mae = " | ".join("—" if v is None else f"{v:.3f}" for v in best["val_mae"])
settings = sys.argv[3].replace("--set ", "")
seconds = sum(e["seconds"] for e in state["history"])
row = f"| {sys.argv[2]} | `{settings}` | {mae} | {best['val_score']:.4f} |"
if "--timing" in sys.argv[4:]:
    row += f" {best['epoch']}/{len(state['history'])} | {seconds / 60:.1f} |"
print(row)
