//! Aromaticity perception on the Kekulé structure, close to RDKit's default model: a ring is
//! aromatic when every atom can be and its π electrons number 4n+2 (Hückel).
//!
//! Simplification (documented in the module root): rings are the SSSR rings one at a time and
//! pairs of SSSR rings that share a bond (so azulene is found), while RDKit also tries larger
//! combinations of fused rings. Electrons per atom: 1 for a double bond inside the ring system,
//! 0 for an exocyclic double bond to a more electronegative atom (C=O), 2 for a lone pair
//! (pyrrole N, furan O, carbanion), 0 for an empty orbital (B, carbocation); an exocyclic double
//! bond to a less electronegative atom, a triple bond, two double bonds, more than three
//! neighbours (counting H) or a radical make the atom unable to be aromatic.

use super::{BondOrder, Molecule};

/// Replaces the aromaticity as written by the perceived one: atoms of aromatic rings become
/// aromatic, bonds of aromatic rings [`BondOrder::Aromatic`], other bonds their Kekulé order.
pub(crate) fn perceive(molecule: &mut Molecule) {
    for bond in &mut molecule.bonds {
        bond.order = bond.kekule_order;
    }
    for atom in &mut molecule.atoms {
        atom.aromatic = false;
    }
    let electrons: Vec<Option<u32>> = (0..molecule.atoms.len()).map(|a| pi_electrons(molecule, a)).collect();
    let ring_bonds: Vec<Vec<usize>> = molecule.rings.iter().map(|ring| bonds_of_ring(molecule, ring)).collect();
    let huckel = |atoms: &[usize]| {
        atoms.iter().try_fold(0u32, |sum, &a| electrons[a].map(|e| sum + e)).is_some_and(|sum| sum % 4 == 2)
    };
    let mut aromatic: Vec<bool> = molecule.rings.iter().map(|ring| huckel(ring)).collect();
    let count = molecule.rings.len();
    for i in 0..count {
        for j in i + 1..count {
            let fused = ring_bonds[i].iter().any(|b| ring_bonds[j].contains(b));
            if !fused || (aromatic[i] && aromatic[j]) {
                continue;
            }
            let (a, b) = (&molecule.rings[i], &molecule.rings[j]);
            let union: Vec<usize> = a.iter().chain(b.iter().filter(|x| !a.contains(x))).copied().collect();
            if huckel(&union) {
                aromatic[i] = true;
                aromatic[j] = true;
            }
        }
    }
    for (ring, bonds) in molecule.rings.iter().zip(&ring_bonds).zip(&aromatic).filter(|(_, a)| **a).map(|(r, _)| r) {
        for &atom in ring {
            molecule.atoms[atom].aromatic = true;
        }
        for &bond in bonds {
            molecule.bonds[bond].order = BondOrder::Aromatic;
        }
    }
}

fn bonds_of_ring(molecule: &Molecule, ring: &[usize]) -> Vec<usize> {
    (0..ring.len())
        .filter_map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
            molecule.neighbours[a].iter().find(|(n, _)| *n == b).map(|&(_, bond)| bond)
        })
        .collect()
}

/// Elements that may be aromatic (RDKit's default model).
const AROMATIC_ELEMENTS: [u8; 9] = [5, 6, 7, 8, 15, 16, 33, 34, 52];

/// π electrons `atom` gives to a ring it is in, or `None` if it cannot be aromatic.
fn pi_electrons(molecule: &Molecule, atom: usize) -> Option<u32> {
    let a = &molecule.atoms[atom];
    if !a.in_ring() || !AROMATIC_ELEMENTS.contains(&a.element.z()) || molecule.total_degree(atom) > 3 {
        return None;
    }
    let mut multiple =
        molecule.neighbours[atom].iter().filter(|&&(_, b)| molecule.bonds[b].kekule_order != BondOrder::Single);
    match (multiple.next(), multiple.next()) {
        (Some(_), Some(_)) => None,
        (Some(&(partner, bond)), None) => {
            let bond = &molecule.bonds[bond];
            if bond.kekule_order == BondOrder::Triple {
                None
            } else if bond.in_ring {
                Some(1)
            } else {
                let electronegativity = |i: usize| molecule.atoms[i].element.electronegativity().unwrap_or(0.0);
                (electronegativity(partner) > electronegativity(atom)).then_some(0)
            }
        }
        (None, _) => {
            // Electrons left on the atom once its σ bonds and charge are accounted for.
            let sigma = molecule.total_degree(atom) as i32;
            let free = i32::from(a.element.valence_electrons()) - i32::from(a.formal_charge) - sigma;
            match free {
                0 => Some(0),
                f if f >= 2 => Some(2),
                _ => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aromatic_atoms(smiles: &str) -> usize {
        let m = Molecule::from_smiles(smiles).unwrap_or_else(|e| panic!("{smiles}: {e}"));
        m.atoms().iter().filter(|a| a.aromatic).count()
    }

    #[test]
    fn perceives_aromatic_rings_in_kekule_and_aromatic_input() {
        for (smiles, expected) in [
            ("C1=CC=CC=C1", 6),
            ("c1ccccc1", 6),
            ("c1ccc2ccccc2c1", 10),
            ("c1cc[nH]c1", 5),
            ("c1ccoc1", 5),
            ("c1ccsc1", 5),
            ("O=c1cccc[nH]1", 6),
            ("O=c1ccc2ccccc2o1", 10),
            ("O=C1C=CC(=O)C=C1", 0),
            ("C1=CCC=C1", 0),
            ("C1=CC=CC=CC=C1", 0),
            ("c1ccc2cccc2cc1", 10),
            ("C1=CC=C2C=CC=C2C=C1", 10),
            ("Cn1cnc2c1c(=O)n(C)c(=O)n2C", 9),
            ("[cH-]1cccc1", 5),
            ("c1cc[o+]cc1", 6),
            ("C1=CC2=CC=CC2=C1", 0),
            ("CC(C)Cc1ccc(cc1)C(C)C(=O)O", 6),
        ] {
            assert_eq!(aromatic_atoms(smiles), expected, "{smiles}");
        }
    }

    #[test]
    fn aromatic_bonds_stay_inside_aromatic_rings() {
        let m = Molecule::from_smiles("c1ccccc1-c1ccccc1").unwrap();
        let aromatic_bonds = m.bonds().iter().filter(|b| b.order == BondOrder::Aromatic).count();
        assert_eq!(aromatic_bonds, 12);
        assert_eq!(m.bonds()[5].order, BondOrder::Single);
    }
}
