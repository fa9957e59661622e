#!/usr/bin/env bash
# Starts the real backend on a free loopback port serving dist/, runs the browser tests against
# it, and stops it. Expects dist/ (scripts/build-frontend.sh) and Chromium (scripts/setup.sh --browser).
set -euo pipefail
cd "$(dirname "$0")/.."
# scripts/test.sh passes the binary its `cargo test --workspace` already built (same features,
# no second compile of the dependencies); run alone, this builds it.
if [ "${MATFUSE_BIN_BUILT:-}" != 1 ]; then cargo build --profile ci --locked -p backend; fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=target/e2e-server.log
"${CARGO_TARGET_DIR:-target}"/ci/matfuse serve --addr "127.0.0.1:$port" --static-dir dist >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$log"; echo "server did not start"; exit 1; }
tests/e2e/frontend_smoke.sh "http://127.0.0.1:$port"
