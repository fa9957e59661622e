#!/usr/bin/env bash
# Makes a built web app directory (scripts/build-frontend.sh) cacheable and usable offline:
#   1. content-hashed names for the WebAssembly module, its JS glue, boot.js and style.css
#      (`name-<first 16 hex of sha256>.ext`, which the server caches for a year), with every
#      reference to them rewritten (glue → module, boot.js → glue, index.html → all);
#   2. sw.js from frontend/web/sw.js: the list of files the service worker caches and its
#      version, a hash of all their contents;
#   3. brotli (`.br`, through Node's zlib when node is installed) and gzip (`.gz`) variants of
#      the compressible files, kept when smaller, which the server sends as they are.
#
# Usage: scripts/fingerprint-assets.sh DIR [BROTLI_QUALITY]   (quality 0-11, default 11)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: $0 DIR [BROTLI_QUALITY]}"
quality="${2:-11}"
cd "$out"

# Renames FILE to its content-hashed name and prints the new file name (no directory).
hashed() {
  local dir base stem ext hash
  dir="$(dirname "$1")" base="$(basename "$1")"
  stem="${base%%.*}" ext="${base#*.}"
  hash="$(sha256sum "$1" | cut -c1-16)"
  mv "$1" "$dir/$stem-$hash.$ext"
  echo "$stem-$hash.$ext"
}

# Replaces the literal FROM by TO in FILE, failing when FROM is not there (a build step changed).
rewrite() {
  local file="$1" from="$2" to="$3"
  grep -qF -- "$from" "$file" || { echo "$file no longer contains $from" >&2; exit 1; }
  FROM="$from" TO="$to" perl -pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/g' "$file"
}

# Prints the build's compressed variants under the current directory: `X.br` and `X.gz` beside
# a file `X` (a shipped file that is compressed itself, like models/phases.bin.gz, is no variant).
variants() {
  find . -type f \( -name '*.br' -o -name '*.gz' \) | while read -r f; do
    if [[ -f "${f%.*}" ]]; then echo "$f"; fi
  done
}

rm -f boot-*.js boot-*.js.* style-*.css style-*.css.*
variants | while read -r f; do rm -f "$f"; done

wasm="$(hashed pkg/frontend_bg.wasm)"
rewrite pkg/frontend.js "'frontend_bg.wasm'" "'$wasm'"
glue="$(hashed pkg/frontend.js)"
rewrite boot.js '"/pkg/frontend.js"' "\"/pkg/$glue\""
boot="$(hashed boot.js)"
style="$(hashed style.css)"
rewrite index.html '"/boot.js"' "\"/$boot\""
rewrite index.html '"/style.css"' "\"/$style\""
rewrite index.html '"/pkg/frontend_bg.wasm"' "\"/pkg/$wasm\""

# Everything the page may need offline, found in the directory (so a model file the build adds
# is cached without a list to keep), sorted: the service worker itself and the files only people
# read (the model cards) aside. No compressed variant exists yet (they are written below).
mapfile -t cached < <(find . -type f ! -name sw.js ! -name '*.md' | sed 's#^\./#/#' | LC_ALL=C sort)
version="$(for f in "${cached[@]}"; do sha256sum ".$f"; done | sha256sum | cut -c1-16)"
list="$(printf '"%s",' "${cached[@]}")"
sed -e "s#__MATFUSE_VERSION__#$version#" -e "s#__MATFUSE_PRECACHE__#[${list%,}]#" "$ROOT/frontend/web/sw.js" >sw.js
grep -q "__MATFUSE_" sw.js && { echo "sw.js: a marker was not replaced" >&2; exit 1; }

mapfile -t compressible < <(find . -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' -o -name '*.wasm' \
  -o -name '*.json' -o -name '*.txt' -o -name '*.md' -o -name '*.svg' -o -name '*.webmanifest' -o -name '*.bpk' \))
for f in "${compressible[@]}"; do
  gzip -9 -k -f -n "$f"
  [[ $(wc -c <"$f.gz") -lt $(wc -c <"$f") ]] || rm "$f.gz"
done
if command -v node >/dev/null; then
  node -e '
    const zlib = require("zlib"), fs = require("fs");
    const quality = Number(process.argv[1]);
    for (const f of process.argv.slice(2)) {
      const plain = fs.readFileSync(f);
      const br = zlib.brotliCompressSync(plain, { params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: plain.length } });
      if (br.length < plain.length) fs.writeFileSync(f + ".br", br);
    }' "$quality" "${compressible[@]}"
else
  echo "note: node is not installed, so no brotli variants (gzip only)" >&2
fi
echo "service worker version $version caches ${#cached[@]} files"
