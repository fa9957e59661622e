#!/usr/bin/env bash
# Starts the real backend on a free loopback port serving dist/, runs the browser tests against
# it (tests/e2e/: the smoke test, in-browser predictions against the API on the CPU and WebGPU
# paths, then the app's flows: share links, batch, viewer, what-if, screenshot; then the trust
# flows: materials like this one, the out-of-distribution level, the training map and what to
# compute next; then
# molecule mode: paste, predict against the API, gallery, SMILES error, share links; then lesson
# links; then accessibility: axe-core audit, keyboard only, screen-reader text, two viewport widths),
# and stops it.
# Expects dist/ (scripts/build-frontend.sh) and Chromium (scripts/setup.sh --browser).
# Artifacts (the results-page screenshot, the 390 / 1,400 px layouts) go to target/e2e-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
# scripts/test.sh passes the binary its `cargo test --workspace` already built (same features,
# no second compile of the dependencies); run alone, this builds it.
if [ "${MATFUSE_BIN_BUILT:-}" != 1 ]; then cargo build --profile ci --locked -p backend; fi
# The page's full-fusion view needs a `server` model on the backend: the shipped one in
# models/weights/server. In a checkout without it, a small one is trained here (120 structures,
# 1 epoch, about a minute): the check is that the page's numbers equal the backend's.
data=target/e2e-data
rm -rf "$data" && mkdir -p "$data/models" target/e2e-artifacts
full_fusion=--full-fusion
if [ ! -f models/weights/server/manifest.json ]; then
  if [ -f ../shared/data/mp2018/mp2018.csv.gz ] && [ -f .matfuse/encoders/all-MiniLM-L6-v2/model.safetensors ]; then
    mkdir -p target/e2e-server
    "${CARGO_TARGET_DIR:-target}"/ci/matfuse train --config configs/server.toml --set train.epochs=1 \
      --set data.max_train=120 --set data.max_val=40 --set data.max_test=40 --set data.cache=target/e2e-server/cache \
      --run-dir target/e2e-server/run --out "$data/models/server" >target/e2e-server/train.log 2>&1 \
      || { cat target/e2e-server/train.log; echo "training the e2e server model failed"; exit 1; }
  elif [ "${CI:-}" = true ]; then
    echo "CI=true but ../shared/data or the MiniLM encoder is missing (scripts/fetch-encoder.sh)"; exit 1
  else
    echo "SKIPPED: the full-fusion check (no ../shared/data or no MiniLM encoder)"; full_fusion=
  fi
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=target/e2e-server.log
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
# CPU path (no WebGPU adapter, tolerance 1e-4) and on WebGPU (SwiftShader, 1e-3); on the CPU
# path the full-fusion values beside them equal the backend's with model `server`.
python3 tests/e2e/predictions.py "http://127.0.0.1:$port" $full_fusion \
  shared/tests/fixtures/rutile_p42mnm.cif shared/tests/fixtures/zno_p63mc.cif
python3 tests/e2e/predictions.py "http://127.0.0.1:$port" --webgpu shared/tests/fixtures/zno_p63mc.cif
python3 tests/e2e/app_flows.py "http://127.0.0.1:$port" target/e2e-artifacts
# Offline after the first visit (service worker), markup in a share link shown as text, and the
# device choice (SwiftShader's software WebGPU adapter is not chosen).
python3 tests/e2e/offline_flows.py "http://127.0.0.1:$port" dist shared/tests/fixtures/rutile_p42mnm.cif
python3 tests/e2e/trust_flows.py "http://127.0.0.1:$port"
python3 tests/e2e/molecule_flows.py "http://127.0.0.1:$port"
# Lesson links: build, share (fragment and /s/{id}), step through in guess-first mode, print.
python3 tests/e2e/lesson_flows.py "http://127.0.0.1:$port"
# Accessibility: the axe-core audit of the main views, the keyboard-only flow, the words a screen
# reader says, and the layout at 390 and 1,400 px wide (screenshots in the artifacts). axe-core
# comes from npm, pinned, in its own prefix (npm install --no-save prunes a prefix's other
# packages, such as build-frontend.sh's binaryen).
AXE_CORE_VERSION=4.14.1
axe_prefix=target/tools/axe-core-$AXE_CORE_VERSION
if [ ! -f "$axe_prefix/node_modules/axe-core/axe.min.js" ]; then
  mkdir -p "$axe_prefix"
  npm install --prefix "$axe_prefix" --no-save --no-audit --no-fund "axe-core@$AXE_CORE_VERSION" \
    || { echo "npm could not install axe-core@$AXE_CORE_VERSION (needed by tests/e2e/a11y_flows.py)"; exit 1; }
fi
python3 tests/e2e/a11y_flows.py "http://127.0.0.1:$port" target/e2e-artifacts "$axe_prefix/node_modules/axe-core/axe.min.js"
