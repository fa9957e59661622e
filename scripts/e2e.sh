#!/usr/bin/env bash
# Starts the real backend on a free loopback port serving dist/, runs the browser tests against
# it (tests/e2e/: the smoke test, in-browser predictions against the API on the CPU and WebGPU
# paths, then the app's flows: share links, batch, viewer, what-if, screenshot), and stops it.
# Expects dist/ (scripts/build-frontend.sh) and Chromium (scripts/setup.sh --browser).
# Artifacts (the results-page screenshot) go to target/e2e-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
# scripts/test.sh passes the binary its `cargo test --workspace` already built (same features,
# no second compile of the dependencies); run alone, this builds it.
if [ "${MATFUSE_BIN_BUILT:-}" != 1 ]; then cargo build --profile ci --locked -p backend; fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=target/e2e-server.log
data=target/e2e-data
rm -rf "$data" && mkdir -p "$data" target/e2e-artifacts
"${CARGO_TARGET_DIR:-target}"/ci/matfuse serve --addr "127.0.0.1:$port" --static-dir dist --data-dir "$data" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$log"; echo "server did not start"; exit 1; }
tests/e2e/frontend_smoke.sh "http://127.0.0.1:$port"
# Pasted CIFs: the page's in-browser predictions equal the backend's (model `browser`) on the
# CPU path (no WebGPU adapter, tolerance 1e-4) and on WebGPU (SwiftShader, 1e-3).
python3 tests/e2e/predictions.py "http://127.0.0.1:$port" \
  shared/tests/fixtures/rutile_p42mnm.cif shared/tests/fixtures/zno_p63mc.cif
python3 tests/e2e/predictions.py "http://127.0.0.1:$port" --webgpu shared/tests/fixtures/zno_p63mc.cif
python3 tests/e2e/app_flows.py "http://127.0.0.1:$port" target/e2e-artifacts
