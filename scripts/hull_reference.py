#!/usr/bin/env python3
"""pymatgen's energy above hull and decomposition for 150 mp2018 val rows against the train rows:
the reference `shared::stability` is checked against (tests/tests/hull_pymatgen.rs).

    /work/peer/peer-venv/bin/python scripts/hull_reference.py [DATA_DIR]   # default ../shared/data

The reference: every train row is a PDEntry of its reduced formula whose total energy is
formation_energy_per_atom x the formula's atoms, named by its material_id; every element is a
PDEntry at 0 eV named by its symbol (so it wins ties with a train row of the same element at
0 eV/atom, as pymatgen sorts ties by name). One diagram of all 87 elements is beyond qhull, so
each query gets the PhaseDiagram of its own chemical system (the train entries whose elements all
belong to it): the same lower hull, restricted to the only compositions the query can reach.
The queries: the val rows with two or more elements, in file order, every k-th (k = count // 150).
Writes shared/tests/fixtures/hull/pymatgen_hull.json.
"""

import gzip
import csv
import json
import sys
from importlib.metadata import version
from pathlib import Path

from pymatgen.analysis.phase_diagram import PDEntry, PhaseDiagram
from pymatgen.core import Composition, Element

QUERIES = 150
ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    csv.field_size_limit(1 << 30)
    with gzip.open(data / "mp2018" / "mp2018.csv.gz", "rt", newline="") as f:
        rows = [
            (r["material_id"], r["reduced_formula"], float(r["formation_energy_per_atom"]), r["split"])
            for r in csv.DictReader(f)
        ]
    train = []
    for material_id, formula, energy, split in rows:
        if split == "train":
            composition = Composition(formula)
            entry = PDEntry(composition, energy * composition.num_atoms, name=material_id)
            train.append((frozenset(composition.elements), entry))

    val = [r for r in rows if r[3] == "val" and len(Composition(r[1]).elements) >= 2]
    step = len(val) // QUERIES
    queries = []
    for material_id, formula, energy, _ in val[::step][:QUERIES]:
        composition = Composition(formula)
        system = frozenset(composition.elements)
        references = {el: PDEntry(Composition(el.symbol), 0.0, name=el.symbol) for el in system}
        entries = list(references.values()) + [e for elements, e in train if elements <= system]
        diagram = PhaseDiagram(entries)
        query = PDEntry(composition, energy * composition.num_atoms, name=material_id)
        decomposition, e_above_hull = diagram.get_decomp_and_e_above_hull(query, allow_negative=True)
        is_reference = {id(e) for e in references.values()}
        queries.append({
            "material_id": material_id,
            "reduced_formula": formula,
            "formation_energy_per_atom": energy,
            "e_above_hull": e_above_hull,
            "phases_in_system": len(entries) - len(references),
            "decomposition": sorted(
                (
                    {
                        "id": None if id(entry) in is_reference else entry.name,
                        "formula": entry.composition.reduced_formula,
                        "fraction": amount,
                    }
                    for entry, amount in decomposition.items()
                ),
                key=lambda p: -p["fraction"],
            ),
        })

    out = ROOT / "shared" / "tests" / "fixtures" / "hull" / "pymatgen_hull.json"
    out.write_text(json.dumps({
        "about": "pymatgen energy above hull (eV/atom, allow_negative) of mp2018 val rows against "
                 "the train rows' formation energies, elements at 0; written by scripts/hull_reference.py",
        "pymatgen": version("pymatgen"),
        "train_rows": len(train),
        "queries": queries,
    }, indent=1) + "\n")
    below = sum(q["e_above_hull"] < 0 for q in queries)
    print(f"{len(queries)} queries (every {step}th of {len(val)} multi-element val rows), {below} below the hull -> {out}")


if __name__ == "__main__":
    main()
