#!/usr/bin/env bash
# Training throughput side by side in one run (issue 21, item 2): for each matfuse binary given,
# `matfuse train` on the first N mp2018 training rows (200 validation rows, 3 epochs, batch 64)
# with the `graph` and the shipped `browser` configuration, then — when a peer set-up is given —
# the reference CGCNN (txie-93/cgcnn, PyTorch; ../shared/tools/peer/cgcnn_speed.py) on the same
# rows. Prints one Markdown table (structures/s of the last epoch, validation included for
# matfuse, training only for the reference, as each tool reports it).
#
# usage: scripts/bench-training.sh N BIN... [-- PEER_PYTHON CGCNN_WORKTREE]
#   e.g. scripts/bench-training.sh 2000 /tmp/matfuse-old target/release/matfuse -- peer-venv/bin/python cgcnn
# Run on an otherwise idle machine; work files go to target/bench-training/.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=$1; shift
bins=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do bins+=("$1"); shift; done
[ "${1:-}" = -- ] && shift
peer_python=${1:-}; peer_repo=${2:-}
out=target/bench-training
mkdir -p "$out"
data=${MATFUSE_DATASETS_DIR:-../shared/data}

echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u +%F). Rows: first $rows mp2018 training rows, 200 validation rows, batch 64."
echo
echo "| trainer | configuration | structures/s (last of 3 epochs) |"
echo "|---|---|---:|"
for bin in "${bins[@]}"; do
  for config in graph browser; do
    set -- --config configs/browser.toml --set data.max_train="$rows" --set data.max_val=200 --set train.epochs=3
    [ "$config" = graph ] && set -- "$@" --set model.fusion=graph
    run="$out/$(basename "$bin")-$config"
    rm -rf "$run"
    "$bin" train "$@" --run-dir "$run" >"$run.log" 2>&1
    rate=$(grep -E '^epoch +3/' "$run.log" | sed -E 's/.*, ([0-9]+) structures\/s.*/\1/')
    echo "| matfuse \`$bin\` | $config | $rate |"
  done
done
if [ -n "$peer_python" ]; then
  "$peer_python" ../shared/tools/peer/cgcnn_speed.py "$peer_repo" "$data" "$out/peer" "$rows" >"$out/peer.log" 2>&1
  rate=$(grep -E '^epoch 1:' "$out/peer.log" | sed -E 's/epoch 1: ([0-9.]+) .*/\1/')
  echo "| reference CGCNN (PyTorch $("$peer_python" -c 'import torch; print(torch.__version__)'), $(grep -o 'threads [0-9]*' "$out/peer.log")) | graph (its own model) | $rate |"
fi
