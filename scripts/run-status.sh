#!/usr/bin/env bash
# One line per training run directory: running/paused/stopped/finished, epochs done, the best
# epoch's validation MAE per property, the last epoch's speed and the wall-clock hours so far.
# Usage: scripts/run-status.sh RUN_DIR...
set -euo pipefail
for dir in "$@"; do
  state="stopped"
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    case "$(ps -o stat= -p "$(cat "$dir/pid")")" in T*) state="paused" ;; *) state="running" ;; esac
  fi
  python3 - "$dir" "$state" <<'PY'
import json, os, sys
run, status = sys.argv[1:3]
path = os.path.join(run, "checkpoint", "state.json")
if not os.path.exists(path):
    print(f"{run}: {status}, no epoch finished yet")
    sys.exit()
s = json.load(open(path))
if s["finished"]:
    status = "finished"
h = s["history"]
best = next(e for e in h if e["epoch"] == s["best_epoch"])
mae = " ".join("—" if v is None else f"{v:.4f}" for v in best["val_mae"])
hours = sum(e["seconds"] for e in h) / 3600
print(f"{run}: {status}, epoch {s['epoch']}/{h[-1]['epochs']}, best {s['best_epoch']} (val MAE {mae}; "
      f"score {best['val_score']:.4f}), last epoch {h[-1]['seconds']:.0f} s, {hours:.2f} h so far")
PY
done
