#!/usr/bin/env bash
# Runs every test: unit, property, snapshot, whole-data (needs ../shared/data; fails under
# CI=true without it), fuzz-corpus replay, and the end-to-end browser test of the served app.
# Installs what it needs first (scripts/setup.sh). Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh --browser
# CI explores the same property-test cases every run (a red CI must be reproducible);
# elsewhere each run draws new ones. Failures found are kept in */proptest-regressions/.
if [ "${CI:-}" = true ]; then export PROPTEST_RNG_SEED="${PROPTEST_RNG_SEED:-20261125}"; fi

echo "== formatting (rustfmt.toml)"
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
cargo fmt --all --check

echo "== building the web app"
scripts/build-frontend.sh --release --out dist

echo "== cargo tests (profile ci: optimised, with debug assertions)"
mkdir -p target
cargo test --workspace --profile ci --locked 2>&1 | tee target/cargo-test.log
grep -E '^test result:' target/cargo-test.log | awk '{p+=$4; f+=$6} END {print "cargo tests: " p " passed, " f " failed"}'

echo "== web-app component tests in headless Chromium (wasm-bindgen-test)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER="$(command -v chromedriver)" WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test -p frontend --profile wasm --target wasm32-unknown-unknown --test app

echo "== end-to-end: the served app in headless Chromium"
MATFUSE_BIN_BUILT=1 scripts/e2e.sh
