#!/usr/bin/env bash
# Where a training step's time goes (issue 21, item 1): records `matfuse train` under `perf`
# (sampling at 199 Hz with DWARF call stacks) on the `graph` and `browser` configurations and
# prints, for each, the share of the training loop's samples per part of the network and loop
# (scripts/profile_breakdown.py). Needs Debian's `linux-perf`.
#
# usage: scripts/profile-training.sh [MATFUSE_BINARY] [TRAIN_ROWS]
#   MATFUSE_BINARY defaults to target/release/matfuse; TRAIN_ROWS (default 2000) training rows,
#   200 validation rows, 3 epochs. Run from the repository root; work files go to target/profile/.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/matfuse}
rows=${2:-2000}
command -v perf >/dev/null || { echo "perf is missing: apt-get install linux-perf" >&2; exit 1; }
out=target/profile
mkdir -p "$out"
for config in graph browser; do
  set -- --config configs/browser.toml --set data.max_train="$rows" --set data.max_val=200 --set train.epochs=3
  [ "$config" = graph ] && set -- "$@" --set model.fusion=graph
  rm -rf "$out/run-$config"
  perf record -q -F 199 -e cpu-clock --call-graph dwarf,32768 -o "$out/$config.perf" \
    "$bin" train "$@" --run-dir "$out/run-$config" >"$out/$config.log" 2>&1
  grep -E '^epoch' "$out/$config.log" | tail -n 1
  perf script -i "$out/$config.perf" 2>/dev/null | python3 scripts/profile_breakdown.py "$config, $(basename "$bin")"
  echo
done
