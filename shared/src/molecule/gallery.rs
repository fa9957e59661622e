//! Ten well-known molecules for the classroom: (name, SMILES).

pub const GALLERY: [(&str, &str); 10] = [
    ("water", "O"),
    ("ethanol", "CCO"),
    ("benzene", "c1ccccc1"),
    ("caffeine", "Cn1cnc2c1c(=O)n(C)c(=O)n2C"),
    ("aspirin", "CC(=O)Oc1ccccc1C(=O)O"),
    ("paracetamol", "CC(=O)Nc1ccc(O)cc1"),
    ("ibuprofen", "CC(C)Cc1ccc(cc1)C(C)C(=O)O"),
    ("glucose", "OC[C@H]1OC(O)[C@H](O)[C@@H](O)[C@@H]1O"),
    ("sodium chloride", "[Na+].[Cl-]"),
    ("glycine zwitterion", "[NH3+]CC(=O)[O-]"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::molecule::Molecule;

    #[test]
    fn every_gallery_molecule_parses_with_its_formula() {
        let formulas: Vec<String> = GALLERY.iter().map(|(_, s)| Molecule::from_smiles(s).unwrap().formula()).collect();
        let expected =
            ["H2O", "C2H6O", "C6H6", "C8H10N4O2", "C9H8O4", "C8H9NO2", "C13H18O2", "C6H12O6", "ClNa", "C2H5NO2"];
        assert_eq!(formulas, expected);
    }
}
