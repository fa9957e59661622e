#!/usr/bin/env bash
# Installs what is needed, builds the web app and the server, then runs `matfuse serve` on
# http://127.0.0.1:8080 (override with MATFUSE_ADDR). Extra arguments go to `matfuse serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
scripts/build-frontend.sh --release --out dist
cargo build --release --locked -p backend
exec target/release/matfuse serve --static-dir dist "$@"
