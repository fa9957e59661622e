#!/usr/bin/env bash
# End-to-end smoke test of the web app in headless Chromium.
#
# Usage: tests/e2e/frontend_smoke.sh BASE_URL        (e.g. http://127.0.0.1:8080)
#
# Opens deep links (#example=…, #structure=…), lets the page run for a few seconds of virtual time,
# dumps the rendered DOM and checks formula / space group / parse errors. Prints "N passed, N failed"
# and exits non-zero if any check failed. Needs chromium (apt-get install chromium) and python3.
set -uo pipefail

base="${1:?usage: $0 BASE_URL}"
base="${base%/}"
browser="$(command -v chromium || command -v chromium-browser || true)"
[[ -n "$browser" ]] || { echo "chromium not found (apt-get install -y chromium)" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# Rendered DOM of BASE_URL/#FRAGMENT after JS and WebAssembly ran.
render() {
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d -p "$work")" --virtual-time-budget=10000 \
    --dump-dom "$base/#$1" 2>/dev/null
}

encode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.stdin.read(), safe=""))'; }

# check NAME DOM PATTERN...: every extended regex PATTERN must occur in DOM.
check() {
  local name="$1" dom="$2"; shift 2
  local missing=()
  for pattern in "$@"; do grep -Eq -- "$pattern" <<<"$dom" || missing+=("$pattern"); done
  if [[ ${#missing[@]} -eq 0 ]]; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name: missing ${missing[*]}"
  fi
}

dom="$(render example=nacl)"
check "rock salt by formula link" "$dom" \
  'data-formula="NaCl"' '>Fm-3m<' 'data-space-group="225"' '>Cubic<' 'aria-pressed="true"[^>]*data-example="rock-salt"'

dom="$(render example=corundum)"
check "corundum by id link" "$dom" \
  'data-formula="Al2O3"' '>R-3c<' 'data-space-group="167"' '>Trigonal<'

poscar='Si (diamond)
1.0
0.0 2.715 2.715
2.715 0.0 2.715
2.715 2.715 0.0
Si
2
Direct
0.00 0.00 0.00
0.25 0.25 0.25'
dom="$(render "structure=$(encode <<<"$poscar")")"
check "POSCAR by structure link" "$dom" \
  'data-formula="Si"' '>Fd-3m<' 'data-space-group="227"' 'Read 2 atoms'

broken='data_broken
_cell_length_a   5.64
_cell_length_b   5.64
_cell_length_c   abc
_cell_angle_alpha   90
_cell_angle_beta   90
_cell_angle_gamma   90
loop_
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Na 0 0 0'
dom="$(render "structure=$(encode <<<"$broken")")"
check "broken CIF shows the error line" "$dom" \
  'id="structure-error"' 'data-line="4"' '[Ll]ine 4' 'aria-invalid="true"'

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
