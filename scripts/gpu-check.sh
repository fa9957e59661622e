#!/usr/bin/env bash
# GPU check (BENCHMARKS.md, "On a GPU"): on a machine with a GPU and a matfuse built with
# `cargo build --release -p backend --features wgpu`, measures the shipped `browser` model on
# wgpu and on the CPU (`matfuse bench model`), checks that the same weights give the same
# predictions on both (1,000 mp2018 test structures; target: within 1e-3 in property units) and
# times real training epochs of configs/browser.toml on wgpu at batch 64 and 256.
# Every step is time-boxed; logs and tables go to OUT_DIR.
# Usage: scripts/gpu-check.sh MATFUSE_BINARY DATA_DIR OUT_DIR
#   DATA_DIR holds mp2018.csv.gz, mp2022_ehull.csv.gz and the encoder's vocab.txt.
set -uo pipefail
[ $# -eq 3 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
matfuse=$1 data=$2 out=$3
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p "$out"
t0=$(date +%s)
elapsed() { echo "$(($(date +%s) - t0)) s"; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 | tee "$out/gpu.txt"

bench() { # DEVICE TIMEOUT
  echo "== bench model on $1 ($(elapsed))"
  timeout "$2" "$matfuse" bench model --model models/weights/browser --data "$data/mp2018.csv.gz" \
    --device "$1" --out "$out/BENCH.md" >"$out/bench-$1.log" 2>&1
  echo "rc=$?"; tail -n 9 "$out/bench-$1.log"
}
bench wgpu 180
bench cpu 90

# The first 1,000 test rows of mp2018, predicted on both devices.
python3 - "$data/mp2018.csv.gz" "$out/test1000.csv" <<'PY'
import csv, gzip, sys
csv.field_size_limit(10**9)
rows = [r for r in csv.DictReader(gzip.open(sys.argv[1], "rt")) if r["split"] == "test"][:1000]
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["material_id", "cif"])
    w.writerows([r["material_id"], r["cif"]] for r in rows)
PY
for device in wgpu cpu; do
  echo "== predict 1,000 test structures on $device ($(elapsed))"
  timeout 120 "$matfuse" predict --model models/weights/browser --csv "$out/test1000.csv" --device "$device" \
    --out "$out/pred-$device.csv" || echo "rc=$?"
done
python3 - "$out/pred-wgpu.csv" "$out/pred-cpu.csv" <<'PY' | tee "$out/agreement.txt"
import csv, sys
gpu, cpu = (list(csv.DictReader(open(p))) for p in sys.argv[1:3])
assert len(gpu) == len(cpu), (len(gpu), len(cpu))
print(f"{len(gpu)} structures; |wgpu - cpu| per column (the CSV has 4 decimals):")
for column in [c for c in gpu[0] if c not in ("id", "formula", "error")]:
    d = [abs(float(a[column]) - float(b[column])) for a, b in zip(gpu, cpu) if a[column] and b[column]]
    print(f"  {column}: max {max(d):.2g}, mean {sum(d) / len(d):.2g}")
PY

for batch in 64 256; do
  echo "== train configs/browser.toml on wgpu, batch $batch, 2 epochs ($(elapsed))"
  rm -rf "$out/run-$batch"
  timeout 240 "$matfuse" train --config configs/browser.toml --set train.epochs=2 --set train.batch_size=$batch \
    --set data.mp2018="$data/mp2018.csv.gz" --set data.ehull="$data/mp2022_ehull.csv.gz" --set data.vocab="$data/vocab.txt" \
    --device wgpu --run-dir "$out/run-$batch" --out "$out/run-$batch/bundle" >"$out/train-wgpu-$batch.log" 2>&1
  echo "rc=$?"; grep '^epoch' "$out/train-wgpu-$batch.log"
done
echo "== done ($(elapsed))"
