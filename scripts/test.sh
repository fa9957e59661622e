#!/usr/bin/env bash
# Runs every test: unit, property, snapshot, whole-data (needs ../shared/data; fails under
# CI=true without it), fuzz-corpus replay, and the end-to-end browser test of the served app.
# Installs what it needs first (scripts/setup.sh). Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh --browser

echo "== building the web app"
scripts/build-frontend.sh --release --out dist

echo "== cargo tests (profile ci: optimised, with debug assertions)"
cargo test --workspace --profile ci --locked 2>&1 | tee target/cargo-test.log
grep -E '^test result:' target/cargo-test.log | awk '{p+=$4; f+=$6} END {print "cargo tests: " p " passed, " f " failed"}'

echo "== end-to-end: the served app in headless Chromium"
scripts/e2e.sh
