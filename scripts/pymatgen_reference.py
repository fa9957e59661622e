#!/usr/bin/env python3
"""pymatgen's reading of the public CIF suites (scripts/fetch-cif-suites.sh), the reference that
shared/tests/io_cif_suites.rs compares matfuse with.

For each file: pymatgen's CifParser (first structure, conventional cell as written, not reduced),
whether the structure is ordered, its atom count, its composition (atoms per element in the cell)
and the space-group number spglib finds at symprec 0.1 Å (matfuse's default tolerance) and 5°.
Regenerate (in an environment with pymatgen; versions are recorded in the output):
    pip install pymatgen==2026.10.24 && scripts/fetch-cif-suites.sh &&
    python3 scripts/pymatgen_reference.py > shared/tests/fixtures/cif_suites_reference.json
"""

import json
import sys
import warnings
from pathlib import Path

import pymatgen.core
import spglib
from pymatgen.io.cif import CifParser
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

SYMPREC = 0.1
ANGLE_TOLERANCE = 5.0
ROOT = Path(__file__).resolve().parent.parent
SUITES = ROOT / ".matfuse" / "cif-suites"


def read(path: Path) -> dict:
    entry = {"suite": path.parent.name, "file": path.name}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            structure = CifParser(str(path)).parse_structures(primitive=False, on_error="raise")[0]
        except Exception as error:  # pymatgen refuses the file: recorded, not compared
            entry.update(status="refused", message=f"{type(error).__name__}: {error}"[:300])
            return entry
    entry["pymatgen_warnings"] = sorted({str(w.message)[:200] for w in caught})
    if not structure.is_ordered:
        entry.update(status="disordered", n_atoms=len(structure))
        return entry
    composition = {str(el): int(round(n)) for el, n in structure.composition.get_el_amt_dict().items()}
    try:
        number = SpacegroupAnalyzer(structure, symprec=SYMPREC, angle_tolerance=ANGLE_TOLERANCE).get_space_group_number()
    except Exception as error:
        entry.update(status="no_symmetry", message=str(error)[:300])
        number = None
    entry.update(status="ordered", n_atoms=len(structure), composition=composition, space_group=number)
    return entry


def main() -> None:
    files = sorted(p for p in SUITES.glob("*/*") if p.suffix.lower() == ".cif")
    if not files:
        sys.exit(f"no CIF files under {SUITES}: run scripts/fetch-cif-suites.sh")
    out = {
        "generator": "scripts/pymatgen_reference.py",
        "pymatgen": pymatgen.core.__version__,
        "spglib": spglib.__version__,
        "symprec": SYMPREC,
        "angle_tolerance": ANGLE_TOLERANCE,
        "files": [read(p) for p in files],
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
