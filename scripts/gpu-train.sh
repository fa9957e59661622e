#!/usr/bin/env bash
# Time-boxed full-data training on a lent GPU (issue 21, item 6), in one call of the device tool.
# Trains CONFIG on all of mp2018's training split within BUDGET seconds of wall time and packs
# the bundle, logs and learning curve into OUT_DIR/gpu-run.tar.gz (one file: the tool brings
# back at most 8). The schedule is sized to the budget: a 2-epoch probe run measures a steady
# epoch (its first epoch also compiles and autotunes the kernels), then the real run plans as
# many epochs as fit in what is left, and `--time-budget` ends it, finished with its bundle,
# should the estimate be off.
#
# Usage: scripts/gpu-train.sh MATFUSE DATA_DIR OUT_DIR [--device D] [--budget S] [--config C]
#                             [--max-epochs N] [--set KEY=VALUE ...]
#   MATFUSE   the binary, or its .xz (from scripts/gpu-pack.sh: a release build with --features wgpu)
#   DATA_DIR  holds mp2018.csv.gz, mp2022_ehull.csv.gz and the encoder's vocab.txt
#   defaults: --device wgpu --budget 420 --config configs/browser.toml --max-epochs 300, and
#             the equal-epoch trials' recipe (weight decay 1e-5, plainly shuffled batches)
# On the device tool (after scripts/gpu-pack.sh here), carry [".gpu"] and run:
#   bash scripts/gpu-train.sh .gpu/matfuse.xz .gpu/data $OUT
# Tested here on the CPU only with a small budget and a data subset, e.g.
#   scripts/gpu-train.sh target/release/matfuse ../shared/data/all /tmp/gpu-cpu --device cpu \
#     --budget 240 --set data.max_train=2000 --set data.max_val=500 --set data.max_test=500
set -euo pipefail
usage() { sed -n '2,20p' "$0" >&2; exit 2; }
[ $# -ge 3 ] || usage
matfuse=$1 data=$2 out=$3
shift 3
device=wgpu budget=420 config=configs/browser.toml max_epochs=300
sets=(--set train.weight_decay=1e-5 --set train.bucket_by_size=false)
while [ $# -gt 0 ]; do
  case $1 in
    --device) device=$2 ;;
    --budget) budget=$2 ;;
    --config) config=$2 ;;
    --max-epochs) max_epochs=$2 ;;
    --set) sets+=(--set "$2") ;;
    *) echo "unknown option $1" >&2; usage ;;
  esac
  shift 2
done
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for f in mp2018.csv.gz mp2022_ehull.csv.gz vocab.txt; do
  [ -f "$data/$f" ] || { echo "missing $data/$f" >&2; exit 2; }
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ $matfuse == *.xz ]]; then
  if command -v xz >/dev/null; then
    xz -dc "$matfuse" > "$work/matfuse"
  else # the GPU image may lack xz; its python3 has lzma
    python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
      "$matfuse" "$work/matfuse"
  fi
  chmod +x "$work/matfuse"
  matfuse=$work/matfuse
fi
# A bare GPU machine may lack the Vulkan loader wgpu needs: unpack the one gpu-pack.sh fetched.
if [ "$device" = wgpu ] && ! ldconfig -p | grep -q libvulkan; then
  for deb in "$(dirname "$data")"/gl/*.deb; do [ -f "$deb" ] && dpkg -x "$deb" /; done
  ldconfig
  icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  [ -f "$icd" ] && export VK_DRIVER_FILES=$icd
fi
t0=$(date +%s)
elapsed() { echo $(($(date +%s) - t0)); }
log=$out/gpu-train.log
exec > >(tee -a "$log") 2>&1
echo "== $(date -u +%FT%TZ) gpu-train: $config on $device, budget $budget s"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
data_sets=(--set "data.mp2018=$data/mp2018.csv.gz" --set "data.ehull=$data/mp2022_ehull.csv.gz"
  --set "data.vocab=$data/vocab.txt" --set "data.cache=$work/cache")
train() { # RUN_DIR [args...]: one `matfuse train` of CONFIG with the data, recipe and device
  local dir=$1
  shift
  "$matfuse" train --config "$config" "${data_sets[@]}" "${sets[@]}" --device "$device" \
    --run-dir "$dir" --out "$dir/bundle" "$@"
}
# The last completed epoch's wall seconds in RUN_DIR's state.
epoch_seconds() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["history"][-1]["seconds"])' \
    "$1/checkpoint/state.json"
}

echo "== probe: 2 epochs ($(elapsed) s)"
# Planned longer than it runs, so the probe ends unfinished and writes no bundle.
train "$work/probe" --set train.epochs="$max_epochs" --stop-after 2 2>&1 | grep -v '^step' || true
steady=$(epoch_seconds "$work/probe")
left=$((budget - $(elapsed)))
# Keep a tenth of what is left (at least 20 s) for the bundle: test metrics, calibration, index.
epochs=$(python3 -c "import sys; s,l,m=float(sys.argv[1]),float(sys.argv[2]),int(sys.argv[3]); print(max(2,min(m,int(max(l-max(20,l/10),0)//s))))" \
  "$steady" "$left" "$max_epochs")
echo "== steady epoch ${steady} s, ${left} s left: training $epochs epochs ($(elapsed) s)"
cp "$work/probe/checkpoint/state.json" "$out/probe-state.json"

run=$out/run
rm -rf "$run"
train "$run" --set train.epochs="$epochs" --set train.patience="$epochs" --time-budget "$left" 2>&1 |
  grep -v '^step' || true
[ -f "$run/bundle/manifest.json" ] || { echo "no bundle written" >&2; exit 1; }
"$matfuse" curves --run "gpu=$run" --out "$run/learning-curve.svg" || true
echo "== done in $(elapsed) s; bundle $run/bundle"
packed=()
for f in run/bundle run/checkpoint/state.json run/checkpoint/run.json run/learning-curve.svg probe-state.json gpu-train.log; do
  [ -e "$out/$f" ] && packed+=("$f")
done
tar -C "$out" -czf "$out/gpu-run.tar.gz" "${packed[@]}"
ls -la "$out/gpu-run.tar.gz"
