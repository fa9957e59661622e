#!/usr/bin/env bash
# Web-app benchmark (BENCHMARKS.md, "Web app in the browser"): builds the release app into
# target/bench-site/, serves it with `matfuse serve --static-dir` on a free loopback port (the
# precompressed brotli variants, as users get them) and measures download size, cold time to
# first prediction and warm inference latency in headless Chromium, on the CPU path and on
# SwiftShader WebGPU. Prints the Markdown section; with --write it replaces the section in
# BENCHMARKS.md. --baseline DIR also measures another built site (e.g. the previous commit's
# `scripts/build-frontend.sh --release --out DIR`) in the same run, its rows beside this build's.
# --molecules measures molecule mode instead (tests/e2e/bench_molecules.py: the four bundles'
# load, their predictions and their explained answers over the gallery; section web-molecules).
# Usage: scripts/bench-frontend.sh [--write] [--no-build] [--no-webgpu] [--molecules] [--baseline DIR]
# The server binary: $MATFUSE_BIN, else ${CARGO_TARGET_DIR:-target}/ci/matfuse (built if missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
write=0 build=1 bench_args=() baseline="" molecules=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --write) write=1 ;;
    --no-build) build=0 ;;
    --no-webgpu) bench_args+=(--no-webgpu) ;;
    --molecules) molecules=1 ;;
    --baseline) baseline="$(cd "$2" && pwd)"; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
site="$ROOT/target/bench-site"
[[ $build == 1 ]] && scripts/build-frontend.sh --release --out "$site" >&2
bin="${MATFUSE_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/ci/matfuse}"
[[ -x "$bin" ]] || cargo build --profile ci --locked -p backend >&2
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
# serve DIR VAR: starts `matfuse serve` on DIR and, once it answers, sets VAR to its URL (not in
# a subshell, so that the EXIT trap knows the server's pid).
serve() {
  local port data
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  data=$(mktemp -d)
  "$bin" serve --addr "127.0.0.1:$port" --static-dir "$1" --data-dir "$data" >"$data/server.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  printf -v "$2" '%s' "http://127.0.0.1:$port"
}
serve "$site" url
if [[ -n "$baseline" ]]; then
  serve "$baseline" baseline_url
  bench_args+=(--baseline "$baseline=$baseline_url")
fi
if [[ $molecules == 1 ]]; then
  marker=web-molecules
  section="$(python3 tests/e2e/bench_molecules.py "$url" "${bench_args[@]}")"
else
  marker=web-app
  section="$(python3 tests/e2e/bench.py "$site" "$url" tests/e2e/data/srtio3_2x2x1.vasp tests/e2e/data/srtio3_2x2x5.vasp "${bench_args[@]}")"
fi
echo "$section"
if [[ $write == 1 ]]; then
  python3 - "$section" "$marker" <<'PY'
import re, sys
section, marker = sys.argv[1], sys.argv[2]
text = open("BENCHMARKS.md").read()
pattern = re.compile(rf"<!-- bench:{marker} -->.*?<!-- /bench:{marker} -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open("BENCHMARKS.md", "w").write(text)
PY
fi
