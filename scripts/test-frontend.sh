#!/usr/bin/env bash
# Frontend tests: native unit tests, then the component tests in headless Chromium
# (wasm-bindgen-test-runner + chromedriver; browser flags in frontend/webdriver.json).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FRONTEND_ROOT="$ROOT"
# shellcheck source=setup-frontend.sh
source "$ROOT/scripts/setup-frontend.sh"
ensure_wasm_target
ensure_wasm_bindgen
command -v chromedriver >/dev/null || apt-get install -y chromium-driver

cd "$ROOT"
cargo test -p frontend --lib
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER="$(command -v chromedriver)" WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test -p frontend --target wasm32-unknown-unknown --test app
