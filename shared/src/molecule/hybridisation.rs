//! Conjugated bonds and hybridisation, following RDKit's `setConjugation` and
//! `setHybridization`.

use super::{BondOrder, Hybridisation, Molecule};

/// Sets [`super::Bond::conjugated`] then [`super::Atom::hybridisation`].
pub(crate) fn perceive(molecule: &mut Molecule) {
    mark_conjugated_bonds(molecule);
    for atom in 0..molecule.atoms.len() {
        molecule.atoms[atom].hybridisation = hybridisation(molecule, atom);
    }
}

/// RDKit's candidates for conjugation: no halogens; the first two rows, and heavier atoms with
/// neither five nor six valence electrons, chalcogens only with one neighbour (counting H), so
/// that P, S and Se substituents do not become conjugated.
fn conjugation_candidate(molecule: &Molecule, atom: usize) -> bool {
    let element = molecule.atoms[atom].element;
    let outer = element.valence_electrons();
    element.group() != 17
        && (element.z() <= 10 || (outer != 5 && outer != 6) || (outer == 6 && molecule.total_degree(atom) < 2))
}

/// Electrons not used in bonds or taken by the charge (Kekulé bond orders).
fn free_electrons(molecule: &Molecule, atom: usize) -> i32 {
    let a = &molecule.atoms[atom];
    let valence: i32 = molecule.neighbours[atom]
        .iter()
        .map(|&(_, b)| i32::from(molecule.bonds[b].kekule_order.valence()))
        .sum::<i32>()
        + i32::from(a.hydrogens);
    i32::from(a.element.valence_electrons()) - valence - i32::from(a.formal_charge)
}

/// A conjugation partner: a candidate with at most three neighbours (counting H) that has a lone
/// pair or a multiple bond to share (so B, Al, Na and CH₃ are not).
fn conjugation_partner(molecule: &Molecule, atom: usize) -> bool {
    let multiple_bond = molecule.neighbours[atom].iter().any(|&(_, b)| molecule.bonds[b].order != BondOrder::Single);
    molecule.total_degree(atom) <= 3
        && conjugation_candidate(molecule, atom)
        && (multiple_bond || free_electrons(molecule, atom) >= 2)
}

/// Aromatic bonds are conjugated; so is a multiple bond at an atom with 2–3 neighbours (counting
/// H), together with each other bond of that atom to a conjugation partner.
fn mark_conjugated_bonds(molecule: &mut Molecule) {
    for bond in &mut molecule.bonds {
        bond.conjugated = bond.order == BondOrder::Aromatic;
    }
    for atom in 0..molecule.atoms.len() {
        let substituents = molecule.total_degree(atom);
        if !conjugation_candidate(molecule, atom) || !(2..=3).contains(&substituents) {
            continue;
        }
        let neighbours = &molecule.neighbours[atom];
        for &(_, first) in neighbours {
            if molecule.bonds[first].order == BondOrder::Single {
                continue;
            }
            for &(other, second) in neighbours {
                if second != first && conjugation_partner(molecule, other) {
                    molecule.bonds[first].conjugated = true;
                    molecule.bonds[second].conjugated = true;
                }
            }
        }
    }
}

/// Steric number (neighbours + H + lone pairs) mapped to sp…sp3d2; an atom with a steric number
/// of 4 and a conjugated bond is sp2 (amide N, the OH of an acid), unless it has more than three
/// neighbours.
fn hybridisation(molecule: &Molecule, atom: usize) -> Hybridisation {
    let a = &molecule.atoms[atom];
    let degree = molecule.total_degree(atom) as i32;
    let orbitals =
        if a.element.z() <= 1 || a.element.z() >= 89 { degree } else { degree + free_electrons(molecule, atom) / 2 };
    match orbitals {
        i32::MIN..=1 => Hybridisation::S,
        2 => Hybridisation::Sp,
        3 => Hybridisation::Sp2,
        4 => {
            let conjugated = molecule.neighbours[atom].iter().any(|&(_, b)| molecule.bonds[b].conjugated);
            if degree > 3 || !conjugated { Hybridisation::Sp3 } else { Hybridisation::Sp2 }
        }
        5 => Hybridisation::Sp3d,
        6 => Hybridisation::Sp3d2,
        _ => Hybridisation::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Hybridisation::*;

    fn hybridisations(smiles: &str) -> Vec<Hybridisation> {
        Molecule::from_smiles(smiles).unwrap().atoms().iter().map(|a| a.hybridisation).collect()
    }

    #[test]
    fn hybridisation_follows_rdkit() {
        assert_eq!(hybridisations("CC#N"), vec![Sp3, Sp, Sp]);
        assert_eq!(hybridisations("CC(=O)O"), vec![Sp3, Sp2, Sp2, Sp2]);
        assert_eq!(hybridisations("CCO"), vec![Sp3, Sp3, Sp3]);
        assert_eq!(hybridisations("c1ccccc1N"), vec![Sp2; 7]);
        assert_eq!(hybridisations("c1cc[nH]c1"), vec![Sp2; 5]);
        assert_eq!(hybridisations("CS(=O)(=O)C"), vec![Sp3, Sp3, Sp2, Sp2, Sp3]);
        assert_eq!(hybridisations("[Na+].[Cl-]"), vec![S, Sp3]);
        assert_eq!(hybridisations("F[S](F)(F)(F)(F)F")[1], Sp3d2);
        assert_eq!(hybridisations("C[NH3+]"), vec![Sp3, Sp3]);
    }

    #[test]
    fn conjugation_follows_rdkit() {
        let conjugated = |smiles: &str| -> Vec<bool> {
            Molecule::from_smiles(smiles).unwrap().bonds().iter().map(|b| b.conjugated).collect()
        };
        assert_eq!(conjugated("C=CC=C"), vec![true, true, true]);
        assert_eq!(conjugated("C=CCC=C"), vec![false, false, false, false]);
        assert_eq!(conjugated("CC(=O)N"), vec![false, true, true]);
        assert_eq!(conjugated("c1ccccc1C"), vec![true, true, true, true, true, false, true]);
        assert_eq!(conjugated("C=CCl"), vec![false, false]);
        assert_eq!(conjugated("C=CS"), vec![false, false]);
        assert_eq!(conjugated("C=C[S-]"), vec![true, true]);
        assert_eq!(conjugated("C=CB(C)C"), vec![false, false, false, false]);
        assert_eq!(conjugated("CC(=O)[O-]"), vec![false, true, true]);
    }
}
