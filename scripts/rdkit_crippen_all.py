#!/usr/bin/env python3
"""RDKit's Wildman–Crippen logP, MR (Crippen.MolLogP, MolMR) and atom types of every molecule of the four
MoleculeNet sets, the reference of the ignored test crippen_agreement_over_data_sets in
shared/tests/molecule_rdkit_descriptors.rs (not a CI fixture: too large to keep). Run:
    /tmp/rdkit-venv/bin/python scripts/rdkit_crippen_all.py > /tmp/crippen_all.json
The data directory is $MATFUSE_DATASETS_DIR, else ../shared/data beside the checkout.
"""

import csv
import json
import sys

import rdkit
from rdkit import Chem, RDLogger
from rdkit.Chem import Crippen

from rdkit_descriptors import crippen_types
from rdkit_reference import DATA, SETS


def main() -> None:
    RDLogger.DisableLog("rdApp.*")
    molecules = []
    for name in SETS:
        with open(DATA / f"{name}.csv", newline="") as f:
            for row in csv.DictReader(f):
                smiles = row["smiles"].strip()
                mol = Chem.MolFromSmiles(smiles)
                if mol is not None:
                    types, h_types = crippen_types(mol)
                    molecules.append(
                        {
                            "set": name,
                            "smiles": smiles,
                            "crippen_logp": round(Crippen.MolLogP(mol), 4),
                            "crippen_mr": round(Crippen.MolMR(mol), 4),
                            "crippen_types": types,
                            "crippen_h_types": h_types,
                        }
                    )
    json.dump({"rdkit_version": rdkit.__version__, "molecules": molecules}, sys.stdout)


if __name__ == "__main__":
    main()
