#!/usr/bin/env bash
# Builds the web app into a static directory that `matfuse serve --static-dir DIR` serves:
#   DIR/index.html, DIR/style.css, DIR/pkg/frontend.js, DIR/pkg/frontend_bg.wasm
#
# Usage: scripts/build-frontend.sh [--release] [--out DIR]     (default DIR: dist/)
# --release also shrinks the module with `wasm-opt -Oz` when npm's binaryen can be installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FRONTEND_ROOT="$ROOT"
# shellcheck source=setup-frontend.sh
source "$ROOT/scripts/setup-frontend.sh"

profile=debug
out="$ROOT/dist"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --release) profile=release; shift ;;
    --out) out="$2"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"

ensure_wasm_target
ensure_wasm_bindgen

cargo_args=(build -p frontend --lib --target wasm32-unknown-unknown)
[[ "$profile" == release ]] && cargo_args+=(--release)
(cd "$ROOT" && cargo "${cargo_args[@]}")

target_dir="${CARGO_TARGET_DIR:-$ROOT/target}"
wasm="$target_dir/wasm32-unknown-unknown/$profile/frontend.wasm"
rm -rf "$out/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$out/pkg" "$wasm"

bg="$out/pkg/frontend_bg.wasm"
if [[ "$profile" == release ]]; then
  wasm_opt="$(ensure_wasm_opt)"
  if [[ -n "$wasm_opt" ]]; then
    # The features rustc enables by default for wasm32-unknown-unknown.
    "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      -o "$bg.opt" "$bg"
    mv "$bg.opt" "$bg"
  else
    echo "note: wasm-opt not available; the module is not size-optimised" >&2
  fi
fi

cp "$ROOT/index.html" "$out/index.html"
cp "$ROOT/frontend/style.css" "$out/style.css"

echo "built $profile frontend into $out"
for f in "$bg" "$out/pkg/frontend.js" "$out/style.css" "$out/index.html"; do
  printf '  %-22s %10s bytes  %9s gzip\n' "${f#"$out"/}" "$(wc -c <"$f")" "$(gzip -9 -c "$f" | wc -c)"
done
