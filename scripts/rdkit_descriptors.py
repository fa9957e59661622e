#!/usr/bin/env python3
"""RDKit's 2-D descriptors of the 200 MoleculeNet molecules of scripts/rdkit_reference.py, the
reference that shared/tests/molecule_rdkit_descriptors.rs compares shared::molecule::descriptors
with: MolWt, heavy atoms, NumHDonors, NumHAcceptors, NumRotatableBonds (strict), aromatic and
aliphatic rings, FractionCSP3, aromatic proportion, formal charge, halogens, NumHeteroatoms and
TPSA (N and O), and Wildman–Crippen logP and MR (Crippen.MolLogP, MolMR) with each atom's
Crippen type and the type of the hydrogens on it (crippen_types, crippen_h_types: null without
hydrogens), read from _CalcCrippenContribs on the molecule with hydrogens added. Regenerate (RDKit's version is recorded in the output):
    python3 -m venv /tmp/rdkit-venv && /tmp/rdkit-venv/bin/pip install rdkit &&
    /tmp/rdkit-venv/bin/python scripts/rdkit_descriptors.py \
        > shared/tests/fixtures/molecules/rdkit_descriptors.json
The data directory is $MATFUSE_DATASETS_DIR, else ../shared/data beside the checkout.
"""

from rdkit import Chem
from rdkit.Chem import Crippen, Descriptors, rdMolDescriptors

from rdkit_reference import write_fixture


def crippen_types(mol) -> tuple[list[str], list]:
    """Each atom's Crippen type and that of its hydrogens (all of an atom's share one type)."""
    with_h = Chem.AddHs(mol)
    labels = [""] * with_h.GetNumAtoms()
    rdMolDescriptors._CalcCrippenContribs(with_h, force=True, atomTypeLabels=labels)
    h_types = []
    for atom in mol.GetAtoms():
        added = {
            labels[n.GetIdx()]
            for n in with_h.GetAtomWithIdx(atom.GetIdx()).GetNeighbors()
            if n.GetIdx() >= mol.GetNumAtoms()
        }
        assert len(added) <= 1, (Chem.MolToSmiles(mol), atom.GetIdx(), added)
        h_types.append(added.pop() if added else None)
    return labels[: mol.GetNumAtoms()], h_types


def describe(data_set: str, smiles: str) -> dict:
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return {"set": data_set, "smiles": smiles, "status": "refused"}
    heavy = mol.GetNumHeavyAtoms()
    aromatic = sum(atom.GetIsAromatic() for atom in mol.GetAtoms())
    types, h_types = crippen_types(mol)
    return {
        "set": data_set,
        "smiles": smiles,
        "status": "ok",
        "mol_weight": round(Descriptors.MolWt(mol), 4),
        "heavy_atoms": heavy,
        "h_donors": Descriptors.NumHDonors(mol),
        "h_acceptors": Descriptors.NumHAcceptors(mol),
        "rotatable_bonds": Descriptors.NumRotatableBonds(mol),
        "aromatic_rings": rdMolDescriptors.CalcNumAromaticRings(mol),
        "aliphatic_rings": rdMolDescriptors.CalcNumAliphaticRings(mol),
        "fraction_csp3": round(rdMolDescriptors.CalcFractionCSP3(mol), 6),
        "aromatic_proportion": round(aromatic / heavy, 6) if heavy else 0.0,
        "formal_charge": Chem.GetFormalCharge(mol),
        "halogens": sum(atom.GetAtomicNum() in (9, 17, 35, 53, 85) for atom in mol.GetAtoms()),
        "heteroatoms": Descriptors.NumHeteroatoms(mol),
        "tpsa": round(Descriptors.TPSA(mol), 4),
        "crippen_logp": round(Crippen.MolLogP(mol), 4),
        "crippen_mr": round(Crippen.MolMR(mol), 4),
        "crippen_types": types,
        "crippen_h_types": h_types,
    }


if __name__ == "__main__":
    write_fixture(describe)
