//! E/Z of double bonds from the `/` `\` marks of their neighbours.
//!
//! Simplification: the CIP priority of a substituent is approximated by its atomic number, then
//! mass, then the atomic numbers of its own neighbours (hydrogens included), one sphere deep; a
//! tie there leaves the bond without stereo. Double bonds in rings are left without stereo.

use super::{BondDirection, BondOrder, DoubleBondStereo, Molecule};
use std::cmp::Ordering;

pub(crate) fn perceive(molecule: &mut Molecule) {
    for index in 0..molecule.bonds.len() {
        let bond = molecule.bonds[index];
        if bond.order != BondOrder::Double || bond.in_ring {
            continue;
        }
        let [a, b] = bond.atoms;
        let (Some(side_a), Some(side_b)) = (marked_side(molecule, a, b), marked_side(molecule, b, a)) else {
            continue;
        };
        let cis = side_a == side_b;
        molecule.bonds[index].stereo = if cis { DoubleBondStereo::Z } else { DoubleBondStereo::E };
    }
}

/// For the double-bond end `end` (partner `other`): +1 or −1 for the side of its
/// higher-priority substituent, from the first substituent with a direction mark; `None` when
/// no substituent is marked or the two substituents tie.
fn marked_side(molecule: &Molecule, end: usize, other: usize) -> Option<i8> {
    let substituents: Vec<(usize, usize)> =
        molecule.neighbours[end].iter().copied().filter(|&(atom, _)| atom != other).collect();
    let &(marked, bond) = substituents.iter().find(|&&(_, b)| molecule.bonds[b].direction != BondDirection::None)?;
    let bond = &molecule.bonds[bond];
    let up = bond.direction == BondDirection::Up;
    // `/` read from a to b puts b above a.
    let above = if bond.atoms[0] == end { up } else { !up };
    let side = if above { 1 } else { -1 };
    let unmarked =
        substituents.iter().find(|&&(atom, _)| atom != marked).map(|&(atom, _)| priority(molecule, atom, end));
    let unmarked = match (unmarked, molecule.atoms[end].hydrogens) {
        (Some(p), _) => Some(p),
        (None, 0) => None,
        (None, _) => Some(hydrogen_priority()),
    };
    match unmarked.map(|p| priority(molecule, marked, end).partial_cmp(&p)) {
        None | Some(Some(Ordering::Greater)) => Some(side),
        Some(Some(Ordering::Less)) => Some(-side),
        _ => None,
    }
}

/// (atomic number, mass, neighbours' atomic numbers in descending order) seen from `from`.
type Priority = (u8, f64, Vec<u8>);

fn priority(molecule: &Molecule, atom: usize, from: usize) -> Priority {
    let a = &molecule.atoms[atom];
    let mut neighbours: Vec<u8> = molecule.neighbours[atom]
        .iter()
        .filter(|&&(n, _)| n != from)
        .map(|&(n, _)| molecule.atoms[n].element.z())
        .chain(std::iter::repeat_n(1, usize::from(a.hydrogens)))
        .collect();
    neighbours.sort_unstable_by(|x, y| y.cmp(x));
    (a.element.z(), a.mass(), neighbours)
}

fn hydrogen_priority() -> Priority {
    (1, 1.008, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stereo(smiles: &str) -> Vec<DoubleBondStereo> {
        let m = Molecule::from_smiles(smiles).unwrap();
        m.bonds().iter().filter(|b| b.order == BondOrder::Double).map(|b| b.stereo).collect()
    }

    #[test]
    fn reads_e_and_z_from_direction_marks() {
        use DoubleBondStereo::*;
        assert_eq!(stereo("F/C=C/F"), vec![E]);
        assert_eq!(stereo("F/C=C\\F"), vec![Z]);
        assert_eq!(stereo("F\\C=C/F"), vec![Z]);
        assert_eq!(stereo("C(\\F)=C/F"), vec![E]);
        assert_eq!(stereo("FC=CF"), vec![None]);
        // The marked methyl is outranked by Cl: the priorities flip the reading.
        assert_eq!(stereo("C/C(Cl)=C/C"), vec![Z]);
        assert_eq!(stereo("C/C(C)=C/C"), vec![None]);
    }
}
