#!/usr/bin/env bash
# Starts or resumes a long training run in the background, niced, appending to RUN_DIR/train.log;
# every epoch checkpoints into RUN_DIR, so after any interruption the same command continues it
# (the run's identity — configuration and --set values — must not change; see models::train).
# Usage: scripts/long-run.sh CONFIG RUN_DIR [--set KEY=VALUE ...]
#   e.g. scripts/long-run.sh configs/browser.toml ../runs/browser-long --set train.epochs=150
# Status: scripts/run-status.sh RUN_DIR...   Pause/continue: kill -STOP/-CONT "$(cat RUN_DIR/pid)"
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
config=$1 dir=$2
shift 2
cd "$(dirname "$0")/.."
bin=${MATFUSE_BIN:-${CARGO_TARGET_DIR:-target}/release/matfuse}
mkdir -p "$dir"
if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
  echo "already running (pid $(cat "$dir/pid"))" >&2
  exit 1
fi
printf '%s\n' "$(date -u +%FT%TZ) $bin train --config $config --run-dir $dir --out $dir/bundle --resume $*" >> "$dir/commands.log"
nohup nice -n 19 "$bin" train --config "$config" --run-dir "$dir" --out "$dir/bundle" --resume "$@" \
  >> "$dir/train.log" 2>&1 < /dev/null &
echo $! > "$dir/pid"
echo "started pid $! — log $dir/train.log, status: scripts/run-status.sh $dir"
