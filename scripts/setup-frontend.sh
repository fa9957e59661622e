#!/usr/bin/env bash
# Installs the frontend toolchain: the wasm32 target, wasm-bindgen-cli at the exact version in
# Cargo.lock and (optional) wasm-opt from npm's binaryen. Sourced by build-frontend.sh; run it
# directly to install everything up front (add --browser for headless Chromium, for the e2e tests).
#
# wasm-opt comes from npm's `binaryen@132` into target/tools/ (Debian's binaryen 108 produces
# modules that crash at load). Everything is idempotent.
set -euo pipefail

FRONTEND_ROOT="${FRONTEND_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
FRONTEND_TOOLS="$FRONTEND_ROOT/target/tools"
BINARYEN_VERSION=132

# The wasm-bindgen version pinned in Cargo.lock (the CLI must match it exactly).
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' \
    "$FRONTEND_ROOT/Cargo.lock" 2>/dev/null | grep . || echo 0.2.130
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown
}

ensure_wasm_bindgen() {
  local want; want="$(wasm_bindgen_version)"
  if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $want" ]]; then
    echo "installing wasm-bindgen-cli $want (about 8 minutes on 2 cores)…" >&2
    # Not --locked: its lockfile pins a crate version the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

# Prints the path of wasm-opt, installing it if npm works; prints nothing when unavailable.
ensure_wasm_opt() {
  local bin="$FRONTEND_TOOLS/node_modules/.bin/wasm-opt"
  if [[ ! -x "$bin" ]] && command -v npm >/dev/null; then
    mkdir -p "$FRONTEND_TOOLS"
    npm install --prefix "$FRONTEND_TOOLS" --no-save --no-audit --no-fund \
      "binaryen@$BINARYEN_VERSION" >&2 || echo "npm could not install binaryen; skipping wasm-opt" >&2
  fi
  if [[ -x "$bin" ]]; then echo "$bin"; fi
}

ensure_chromium() {
  command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
    || apt-get install -y chromium
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  ensure_wasm_target
  ensure_wasm_bindgen
  wasm_opt="$(ensure_wasm_opt)"
  echo "wasm-opt: ${wasm_opt:-not available}"
  if [[ "${1:-}" == "--browser" ]]; then ensure_chromium; fi
fi
