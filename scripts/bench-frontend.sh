#!/usr/bin/env bash
# Web-app benchmark (BENCHMARKS.md, "Web app in the browser"): builds the release app into
# target/bench-site/, serves it as static files (no backend) on a free loopback port and measures
# download size, cold time to first prediction and warm inference latency in headless Chromium,
# on the CPU path and on SwiftShader WebGPU. Prints the Markdown section; with --write it
# replaces the section in BENCHMARKS.md.
# Usage: scripts/bench-frontend.sh [--write] [--no-build] [--no-webgpu]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
write=0 build=1 bench_args=()
for arg in "$@"; do
  case "$arg" in
    --write) write=1 ;;
    --no-build) build=0 ;;
    --no-webgpu) bench_args+=(--no-webgpu) ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
site="$ROOT/target/bench-site"
[[ $build == 1 ]] && scripts/build-frontend.sh --release --out "$site" >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done
section="$(python3 tests/e2e/bench.py "$site" "http://127.0.0.1:$port" tests/e2e/data/srtio3_2x2x1.vasp tests/e2e/data/srtio3_2x2x5.vasp "${bench_args[@]}")"
echo "$section"
if [[ $write == 1 ]]; then
  python3 - "$section" <<'PY'
import re, sys
section = sys.argv[1]
text = open("BENCHMARKS.md").read()
pattern = re.compile(r"<!-- bench:web-app -->.*?<!-- /bench:web-app -->", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section + "\n"
open("BENCHMARKS.md", "w").write(text)
PY
fi
