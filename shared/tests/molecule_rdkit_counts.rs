//! matfuse's SMILES reader against RDKit on 200 MoleculeNet molecules
//! (`fixtures/molecules/rdkit_counts.json`, made by `scripts/rdkit_reference.py`).
//!
//! Everything must agree exactly: counts (atoms, bonds, hydrogens, SSSR rings, charge, elements),
//! per-atom hydrogens and ring bonds, and — printed as rates so a future difference is measured,
//! not just reported — per-atom aromaticity and hybridisation, per-bond conjugation and the
//! radius-2 Morgan identifiers with their counts.

use serde_json::Value;
use shared::molecule::fingerprint::MorganFingerprint;
use shared::molecule::{Hybridisation, Molecule};
use std::collections::BTreeMap;

fn fixture() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/molecules/rdkit_counts.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn numbers(value: &Value) -> Vec<i64> {
    value.as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect()
}

fn rdkit_name(h: Hybridisation) -> &'static str {
    match h {
        Hybridisation::S => "S",
        Hybridisation::Sp => "SP",
        Hybridisation::Sp2 => "SP2",
        Hybridisation::Sp3 => "SP3",
        Hybridisation::Sp3d => "SP3D",
        Hybridisation::Sp3d2 => "SP3D2",
        Hybridisation::Other => "UNSPECIFIED",
    }
}

/// Agreement of one per-item property: (items equal, items).
#[derive(Default)]
struct Rate {
    equal: usize,
    total: usize,
    molecules_differing: Vec<String>,
}

impl Rate {
    fn add<T: PartialEq>(&mut self, smiles: &str, ours: &[T], theirs: &[T]) {
        let equal = ours.iter().zip(theirs).filter(|(a, b)| a == b).count();
        self.equal += equal;
        self.total += theirs.len();
        if equal != theirs.len() || ours.len() != theirs.len() {
            self.molecules_differing.push(smiles.to_string());
        }
    }

    fn percent(&self) -> f64 {
        100.0 * self.equal as f64 / self.total.max(1) as f64
    }
}

#[test]
fn counts_agree_with_rdkit() {
    let fixture = fixture();
    let molecules = fixture["molecules"].as_array().unwrap();
    assert_eq!(molecules.len(), 200);
    let mut mismatches = Vec::new();
    let (mut aromatic, mut hybridisation, mut conjugated, mut morgan) =
        (Rate::default(), Rate::default(), Rate::default(), Rate::default());
    for entry in molecules {
        let smiles = entry["smiles"].as_str().unwrap();
        let m = match Molecule::from_smiles(smiles) {
            Ok(m) => m,
            Err(e) => {
                mismatches.push(format!("{smiles}: {e}"));
                continue;
            }
        };
        let mut elements = BTreeMap::<String, i64>::new();
        for atom in m.atoms() {
            *elements.entry(atom.element.symbol().to_string()).or_default() += 1;
        }
        let folded_h: usize = m.atoms().iter().map(|a| usize::from(a.hydrogens)).sum();
        if folded_h > 0 {
            *elements.entry("H".into()).or_default() += folded_h as i64;
        }
        let theirs_elements: BTreeMap<String, i64> =
            entry["elements"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_i64().unwrap())).collect();
        let counts = [
            ("heavy atoms", m.heavy_atom_count() as i64, &entry["heavy_atoms"]),
            ("atoms", m.atoms().len() as i64, &entry["atoms"]),
            ("bonds", m.bonds().len() as i64, &entry["bonds"]),
            ("hydrogens", m.hydrogen_count() as i64, &entry["hydrogens"]),
            ("SSSR rings", m.rings().len() as i64, &entry["sssr"]),
            ("formal charge", i64::from(m.formal_charge()), &entry["formal_charge"]),
        ];
        for (what, ours, theirs) in counts {
            if Some(ours) != theirs.as_i64() {
                mismatches.push(format!("{smiles}: {what} {ours}, RDKit {theirs}"));
            }
        }
        if elements != theirs_elements {
            mismatches.push(format!("{smiles}: elements {elements:?}, RDKit {theirs_elements:?}"));
        }
        let hydrogens: Vec<i64> = m.atoms().iter().map(|a| i64::from(a.hydrogens)).collect();
        if hydrogens != numbers(&entry["atom_hydrogens"]) {
            mismatches.push(format!("{smiles}: per-atom hydrogens {hydrogens:?}"));
        }
        let in_ring: Vec<i64> = m.bonds().iter().map(|b| i64::from(b.in_ring)).collect();
        if in_ring != numbers(&entry["bond_in_ring"]) {
            mismatches.push(format!("{smiles}: ring bonds {in_ring:?}"));
        }
        let ours: Vec<i64> = m.atoms().iter().map(|a| i64::from(a.aromatic)).collect();
        aromatic.add(smiles, &ours, &numbers(&entry["atom_aromatic"]));
        let ours: Vec<&str> = m.atoms().iter().map(|a| rdkit_name(a.hybridisation)).collect();
        let theirs: Vec<&str> =
            entry["atom_hybridisation"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        hybridisation.add(smiles, &ours, &theirs);
        let ours: Vec<i64> = m.bonds().iter().map(|b| i64::from(b.conjugated)).collect();
        conjugated.add(smiles, &ours, &numbers(&entry["bond_conjugated"]));
        let ours: Vec<[i64; 2]> =
            MorganFingerprint::new(&m).identifiers().iter().map(|&(id, n)| [i64::from(id), i64::from(n)]).collect();
        let theirs: Vec<[i64; 2]> = entry["morgan2"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| [p[0].as_i64().unwrap(), p[1].as_i64().unwrap()])
            .collect();
        morgan.add(smiles, std::slice::from_ref(&ours), &[theirs]);
    }
    println!("RDKit {}: {} molecules", fixture["rdkit_version"], molecules.len());
    for (name, rate, unit) in [
        ("aromatic flags", &aromatic, "atoms"),
        ("hybridisation", &hybridisation, "atoms"),
        ("conjugation", &conjugated, "bonds"),
        ("Morgan identifiers (radius 2, with counts)", &morgan, "molecules"),
    ] {
        println!(
            "{name}: {}/{} {unit} agree ({:.2} %); molecules differing: {:?}",
            rate.equal,
            rate.total,
            rate.percent(),
            rate.molecules_differing
        );
    }
    assert!(mismatches.is_empty(), "{} disagreements with RDKit:\n{}", mismatches.len(), mismatches.join("\n"));
    assert!(aromatic.percent() >= 100.0, "aromatic flags agree on {:.2} % of atoms", aromatic.percent());
    assert!(hybridisation.percent() >= 100.0, "hybridisation agrees on {:.2} % of atoms", hybridisation.percent());
    assert!(conjugated.percent() >= 100.0, "conjugation agrees on {:.2} % of bonds", conjugated.percent());
    assert!(morgan.percent() >= 100.0, "Morgan identifiers agree on {:.2} % of molecules", morgan.percent());
}
