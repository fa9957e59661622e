#!/usr/bin/env bash
# Frontend tests: native unit tests (also in scripts/test.sh), then the component tests (frontend/tests/app.rs; not in scripts/test.sh, whose end-to-end tests check the same flows on the release build) in headless
# Chromium through wasm-bindgen-test-runner and chromedriver (browser flags: frontend/webdriver.json).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=setup.sh
source "$ROOT/scripts/setup.sh" --browser

cd "$ROOT"
cargo test -p frontend --lib
# cargo runs the test binary from the package directory, where webdriver.json lives.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER="$(command -v chromedriver)" WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test -p frontend --profile wasm --target wasm32-unknown-unknown --test app
