#!/usr/bin/env python3
"""RDKit's reading of 200 MoleculeNet SMILES, the reference that
shared/tests/molecule_rdkit_counts.rs compares matfuse's SMILES reader with.

Picks 50 molecules from each of esol, freesolv, lipophilicity and bace (every k-th row, k = rows
// 50, starting at row 0) and records, after RDKit's default MolFromSmiles (sanitised, plain H
removed): heavy atoms, bonds, total hydrogens, aromatic atoms, SSSR ring count, formal charge sum,
atoms per element (H included), per-atom aromaticity, hybridisation and hydrogen count, per-bond
conjugation and ring membership, and the radius-2 Morgan identifiers with counts
(GetMorganFingerprint, unfolded). Regenerate (RDKit's version is recorded in the output):
    python3 -m venv /tmp/rdkit-venv && /tmp/rdkit-venv/bin/pip install rdkit &&
    /tmp/rdkit-venv/bin/python scripts/rdkit_reference.py \
        > shared/tests/fixtures/molecules/rdkit_counts.json
The data directory is $MATFUSE_DATASETS_DIR, else ../shared/data beside the checkout.
"""

import csv
import json
import os
import sys
from collections import Counter
from pathlib import Path

import rdkit
from rdkit import Chem, RDLogger
from rdkit.Chem import rdMolDescriptors

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("MATFUSE_DATASETS_DIR", ROOT.parent / "shared" / "data")) / "moleculenet"
SETS = ["esol", "freesolv", "lipophilicity", "bace"]
PER_SET = 50


def pick(name: str) -> list[str]:
    with open(DATA / f"{name}.csv", newline="") as f:
        rows = [row["smiles"].strip() for row in csv.DictReader(f)]
    step = len(rows) // PER_SET
    return rows[::step][:PER_SET]


def morgan_identifiers(mol) -> list[list[int]]:
    from rdkit.Chem import rdFingerprintGenerator

    generator = rdFingerprintGenerator.GetMorganGenerator(radius=2)
    counts = generator.GetSparseCountFingerprint(mol).GetNonzeroElements()
    return [[int(k), int(v)] for k, v in sorted(counts.items())]


def describe(data_set: str, smiles: str) -> dict:
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return {"set": data_set, "smiles": smiles, "status": "refused"}
    with_h = Chem.AddHs(mol)
    elements = Counter(atom.GetSymbol() for atom in with_h.GetAtoms())
    return {
        "set": data_set,
        "smiles": smiles,
        "status": "ok",
        "heavy_atoms": mol.GetNumHeavyAtoms(),
        "atoms": mol.GetNumAtoms(),
        "bonds": mol.GetNumBonds(),
        "hydrogens": elements.get("H", 0),
        "aromatic_atoms": sum(atom.GetIsAromatic() for atom in mol.GetAtoms()),
        "rings": rdMolDescriptors.CalcNumRings(mol),
        "sssr": len(Chem.GetSSSR(mol)),
        "formal_charge": Chem.GetFormalCharge(mol),
        "elements": dict(sorted(elements.items())),
        "atom_aromatic": [int(atom.GetIsAromatic()) for atom in mol.GetAtoms()],
        "atom_hybridisation": [str(atom.GetHybridization()) for atom in mol.GetAtoms()],
        "atom_hydrogens": [atom.GetTotalNumHs() for atom in mol.GetAtoms()],
        "bond_conjugated": [int(bond.GetIsConjugated()) for bond in mol.GetBonds()],
        "bond_in_ring": [int(bond.IsInRing()) for bond in mol.GetBonds()],
        "morgan2": morgan_identifiers(mol),
    }


def write_fixture(describe_one) -> None:
    """Writes `describe_one(set, smiles)` of every picked molecule to stdout as the fixture."""
    RDLogger.DisableLog("rdApp.*")
    molecules = [describe_one(name, smiles) for name in SETS for smiles in pick(name)]
    # One molecule per line: small diffs when RDKit or the selection changes.
    lines = ",\n".join(json.dumps(m, separators=(",", ":")) for m in molecules)
    header = json.dumps({"rdkit_version": rdkit.__version__, "per_set": PER_SET})[:-1]
    sys.stdout.write(f'{header}, "molecules": [\n{lines}\n]}}\n')


if __name__ == "__main__":
    write_fixture(describe)
