#!/usr/bin/env bash
# Runs every test: unit, property, snapshot, whole-data (needs ../shared/data; fails under
# CI=true without it), fuzz-corpus replay and the end-to-end browser tests of the served app.
# Installs what it needs first (scripts/setup.sh). The web app's wasm-bindgen component tests
# (frontend/tests/app.rs, scripts/test-frontend.sh) are not run here: their own fat-LTO build of
# the page took ~7 of a cold run's CPU-minutes, and the end-to-end tests check the same things
# on the release build (tests/e2e/app_flows.py: the editor, the viewer, what-if, share links;
# predictions.py: the page's predictions equal the backend's).
# Usage: scripts/test.sh
#
# The three builds run side by side: the native tests, the web app's WebAssembly (its fat-LTO
# link and wasm-opt use one core each) and the tools (wasm-bindgen-cli compiles from source on a
# fresh machine). Their logs are in target/ci-logs/; a failed one is printed. The cargo tests
# start as soon as the native build is done; the browser tests once the web app is. A table of
# the steps' times ends the output.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=setup.sh
source scripts/setup.sh --functions
# CI explores the same property-test cases every run (a red CI must be reproducible);
# elsewhere each run draws new ones. Failures found are kept in */proptest-regressions/.
if [ "${CI:-}" = true ]; then export PROPTEST_RNG_SEED="${PROPTEST_RNG_SEED:-20261125}"; fi
logs=target/ci-logs
rm -rf "$logs" && mkdir -p "$logs"
steps=()
started=$(date +%s)
# step NAME SECONDS_SINCE: records one row of the closing table.
step() { steps+=("| $1 | $(( $(date +%s) - $2 )) |"); }
# finish PID NAME: waits for a background build and prints its log if it failed.
finish() {
  if ! wait "$1"; then
    echo "== FAILED: $2 (log: $logs/$2.log)"
    tail -n 80 "$logs/$2.log"
    exit 1
  fi
}

echo "== formatting (rustfmt.toml)"
t=$(date +%s)
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
cargo fmt --all --check
setup_wasm_target
setup_encoder   # the cargo tests read its vocabulary and weights
scripts/fetch-cif-suites.sh   # the public CIF suites compared with pymatgen
step "formatting, wasm32 target, text encoder, CIF suites" "$t"

echo "== building side by side: tools, web app (log: $logs/web.log), native tests"
t=$(date +%s)
(
  setup_wasm_bindgen
  setup_browser
  touch "$logs/tools.done"
) >"$logs/tools.log" 2>&1 &
tools=$!
(
  set -e
  cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm --locked
  # wasm-bindgen comes from the tools job.
  while [ ! -f "$logs/tools.done" ]; do
    kill -0 "$tools" 2>/dev/null || { echo "the tools job failed"; exit 1; }
    sleep 5
  done
  scripts/build-frontend.sh --release --out dist
) >"$logs/web.log" 2>&1 &
web=$!
cargo test --workspace --profile ci --locked --no-run 2>&1 | tee "$logs/native.log" | grep -E '^(error|warning: unused)|Finished' || true
if ! grep -q Finished "$logs/native.log"; then
  tail -n 80 "$logs/native.log"
  echo "== FAILED: the native test build"
  exit 1
fi
step "native test build (tools and web app building beside it)" "$t"

echo "== cargo tests (profile ci: optimised, with debug assertions; the web app may still be building)"
t=$(date +%s)
cargo test --workspace --profile ci --locked 2>&1 | tee target/cargo-test.log
grep -E '^test result:' target/cargo-test.log | awk '{p+=$4; f+=$6} END {print "cargo tests: " p " passed, " f " failed"}'
step "cargo tests" "$t"

echo "== PostgreSQL replicas (scripts/test-postgres.sh: a throwaway cluster, two replicas; ~1 min warm)"
t=$(date +%s)
scripts/test-postgres.sh
step "PostgreSQL replicas" "$t"

t=$(date +%s)
finish "$tools" tools
finish "$web" web
grep -E 'Finished|built the|bytes' "$logs/web.log"
step "waiting for the tools and the web app" "$t"

echo "== end-to-end: the served app in headless Chromium"
t=$(date +%s)
MATFUSE_BIN_BUILT=1 scripts/e2e.sh
step "end-to-end" "$t"

echo "== times (s)"
echo "| step | s |"
echo "|---|---:|"
printf '%s\n' "${steps[@]}"
echo "| all | $(( $(date +%s) - started )) |"
