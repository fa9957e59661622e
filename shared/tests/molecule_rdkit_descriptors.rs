//! matfuse's 2-D descriptors against RDKit's on the 200 MoleculeNet molecules of
//! `fixtures/molecules/rdkit_descriptors.json` (made by `scripts/rdkit_descriptors.py`).
//!
//! Tolerances: molecular weight 0.05 g/mol (standard atomic weights differ in the last digits
//! between tables), TPSA 0.01 Å², fractions 1e-6, counts exact. Each descriptor must agree on
//! every molecule except the few listed in [`ALLOWED_DIFFERENCES`], each with its reason.

use serde_json::Value;
use shared::molecule::Molecule;
use shared::molecule::descriptors::{DESCRIPTOR_NAMES, Descriptors};

/// (descriptor, molecules allowed to differ from RDKit).
const ALLOWED_DIFFERENCES: &[(&str, usize)] = &[];

fn tolerance(name: &str) -> f64 {
    match name {
        "mol_weight" => 0.05,
        "tpsa" => 0.01,
        "fraction_csp3" | "aromatic_proportion" => 1e-6,
        _ => 0.0,
    }
}

#[test]
fn descriptors_agree_with_rdkit() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/molecules/rdkit_descriptors.json");
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let molecules = fixture["molecules"].as_array().unwrap();
    assert_eq!(molecules.len(), 200);
    let mut differing: Vec<Vec<String>> = vec![Vec::new(); DESCRIPTOR_NAMES.len()];
    for entry in molecules.iter().filter(|m| m["status"] == "ok") {
        let smiles = entry["smiles"].as_str().unwrap();
        let ours = Descriptors::of(&Molecule::from_smiles(smiles).unwrap()).values();
        for (d, name) in DESCRIPTOR_NAMES.iter().enumerate() {
            let theirs = entry[name].as_f64().unwrap();
            if (ours[d] - theirs).abs() > tolerance(name) + 1e-9 {
                differing[d].push(format!("{smiles}: {} vs RDKit {theirs}", ours[d]));
            }
        }
    }
    let mut failures = Vec::new();
    for (d, name) in DESCRIPTOR_NAMES.iter().enumerate() {
        let allowed = ALLOWED_DIFFERENCES.iter().find(|(n, _)| n == name).map_or(0, |&(_, k)| k);
        eprintln!("{name}: {} of {} molecules differ", differing[d].len(), molecules.len());
        for line in &differing[d] {
            eprintln!("  {line}");
        }
        if differing[d].len() > allowed {
            failures.push(format!("{name}: {} differ (allowed {allowed})", differing[d].len()));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}
