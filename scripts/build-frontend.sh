#!/usr/bin/env bash
# Builds the web app into a static directory that `matfuse serve --static-dir DIR` serves, or
# that any static file host serves with no backend:
#   DIR/index.html, DIR/style-<hash>.css, DIR/boot-<hash>.js, DIR/pkg/frontend-<hash>.js,
#   DIR/pkg/frontend_bg-<hash>.wasm (content-hashed names, scripts/fingerprint-assets.sh),
#   DIR/sw.js (the service worker), DIR/manifest.webmanifest, DIR/icons/,
#   DIR/models/browser/{manifest.json,model.bpk,vocab.txt,ood.json,MODEL_CARD.md} (the model the page runs)
#   DIR/models/browser/{neighbours.json,neighbours.bin} (its training materials: similar materials, the
#   out-of-distribution score and the map; fetched lazily)
#   DIR/models/{phases.json,phases.bin.gz} (known phases for energy above hull, fetched lazily)
#   DIR/models/molecules/<esol|freesolv|lipo|bace>/ (molecule mode's bundles, fetched lazily)
#
# Usage: scripts/build-frontend.sh [--release] [--out DIR]     (default DIR: dist/)
# --release also optimises the module with `wasm-opt -O1` from npm's binaryen (installed into
# target/tools/ on first use; skipped with a note when npm cannot install it). Measured on one
# build of the module (2026-12-05, 2 cores): -O1 takes 116 s and gives 17.7 MB raw, 4.02 MB gzip;
# -Os 430 s, 16.4 MB, 4.32 MB; -Oz ~7 min, 15.0 MB, 4.31 MB. The server sends it compressed, so
# -O1 is also the smallest download. Regenerate: wasm-bindgen --target web --no-typescript --out-dir /tmp/wb
# target/wasm32-unknown-unknown/wasm/frontend.wasm, then for o in -O1 -Os -Oz: /usr/bin/time
# target/tools/node_modules/.bin/wasm-opt $o <the --enable flags below> -o /tmp/wb/o.wasm /tmp/wb/frontend_bg.wasm
# and gzip -9 -c /tmp/wb/o.wasm | wc -c.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BINARYEN_VERSION=132   # Debian's binaryen 108 produces modules that crash at load

profile=debug
out="$ROOT/dist"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --release) profile=release; shift ;;
    --out) out="$2"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

# wasm32 target and wasm-bindgen-cli at the pinned version.
# shellcheck source=setup.sh
source "$ROOT/scripts/setup.sh"

# Prints the path of wasm-opt, installing it if npm works; prints nothing when unavailable.
ensure_wasm_opt() {
  local tools="$ROOT/target/tools" bin="$ROOT/target/tools/node_modules/.bin/wasm-opt"
  if [[ ! -x "$bin" ]] && command -v npm >/dev/null; then
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-save --no-audit --no-fund "binaryen@$BINARYEN_VERSION" >&2 \
      || echo "npm could not install binaryen" >&2
  fi
  if [[ -x "$bin" ]]; then echo "$bin"; fi
}

cargo_args=(build -p frontend --lib --target wasm32-unknown-unknown)
# --release builds with the size-optimised `wasm` profile (Cargo.toml).
[[ "$profile" == release ]] && cargo_args+=(--profile wasm)
(cd "$ROOT" && cargo "${cargo_args[@]}")

mkdir -p "$out"
out="$(cd "$out" && pwd)"
target_dir="${CARGO_TARGET_DIR:-$ROOT/target}"
rm -rf "$out/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$out/pkg" \
  "$target_dir/wasm32-unknown-unknown/$([[ $profile == release ]] && echo wasm || echo debug)/frontend.wasm"

bg="$out/pkg/frontend_bg.wasm"
if [[ "$profile" == release ]]; then
  wasm_opt="$(ensure_wasm_opt)"
  if [[ -n "$wasm_opt" ]]; then
    # Enable the features rustc uses by default for wasm32-unknown-unknown.
    "$wasm_opt" -O1 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd -o "$bg.opt" "$bg"
    mv "$bg.opt" "$bg"
  else
    echo "note: wasm-opt unavailable, the module is not size-optimised" >&2
  fi
fi

cp "$ROOT/index.html" "$out/index.html"
cp "$ROOT/frontend/style.css" "$out/style.css"
cp "$ROOT/frontend/web/boot.js" "$ROOT/frontend/web/manifest.webmanifest" "$out/"
rm -rf "$out/icons" && cp -r "$ROOT/frontend/web/icons" "$out/icons"
# The shipped browser model, fetched by the page from its own origin (sha256-checked there).
model="$out/models/browser"
rm -rf "$model" && mkdir -p "$model"
cp "$ROOT"/models/weights/browser/{manifest.json,model.bpk,vocab.txt,ood.json,MODEL_CARD.md} "$model/"
# Its neighbour index, fetched by the page only after its first prediction (sha256-checked
# against neighbours.json); without one (`matfuse ood --dims 12` writes it) the page keeps the
# centre distance and shows no similar materials or map. The backend's full index
# (neighbours_full.bin, several MB) is never copied: the page has no use for it.
if [[ -f "$ROOT/models/weights/browser/neighbours.json" ]]; then
  cp "$ROOT"/models/weights/browser/{neighbours.json,neighbours.bin} "$model/"
fi
# The reference phases for energy above hull, fetched by the page only after its first
# prediction (sha256-checked against phases.json).
cp "$ROOT"/models/weights/{phases.json,phases.bin.gz} "$out/models/"
# The molecule bundles (esol, freesolv, lipo, bace), fetched by the page only when molecule mode
# is first used (each file sha256-checked against its manifest there).
rm -rf "$out/models/molecules"
if [[ -d "$ROOT/models/weights/molecules" ]]; then
  cp -r "$ROOT/models/weights/molecules" "$out/models/molecules"
fi

# Content-hashed names, the service worker's file list, brotli and gzip variants (brotli's
# best quality for release builds; a quick one otherwise).
"$ROOT/scripts/fingerprint-assets.sh" "$out" "$([[ $profile == release ]] && echo 11 || echo 4)"

echo "built the $profile frontend into $out"
for f in "$out"/pkg/frontend_bg-*.wasm "$out"/pkg/frontend-*.js "$out"/style-*.css "$out/index.html" "$model/model.bpk" "$model/vocab.txt" "$model/manifest.json" "$model/ood.json" "$out/models/phases.bin.gz"; do
  printf '  %-36s %9s bytes %9s gzip %9s br\n' "${f#"$out"/}" "$(wc -c <"$f")" "$(wc -c 2>/dev/null <"$f.gz" || echo -)" "$(wc -c 2>/dev/null <"$f.br" || echo -)"
done
