//! Explicit `[H]` atoms folded into the heavy atom they bond to, as RDKit's default
//! `MolFromSmiles` does, so `[H]OC` and `OC` give the same graph.

use super::{Atom, Bond, BondOrder};

/// Removes every plain hydrogen atom (no isotope, no charge, one single bond to a non-hydrogen)
/// and adds it to its neighbour's hydrogen count; atoms and bonds keep their order.
pub(crate) fn fold_explicit_hydrogens(mut atoms: Vec<Atom>, bonds: Vec<Bond>) -> (Vec<Atom>, Vec<Bond>) {
    let mut degree = vec![0usize; atoms.len()];
    for bond in &bonds {
        degree[bond.atoms[0]] += 1;
        degree[bond.atoms[1]] += 1;
    }
    let plain_hydrogen =
        |a: &Atom| a.element.z() == 1 && a.isotope.is_none() && a.formal_charge == 0 && a.hydrogens == 0;
    let mut folded = vec![false; atoms.len()];
    for bond in &bonds {
        for (h, heavy) in [(bond.atoms[0], bond.atoms[1]), (bond.atoms[1], bond.atoms[0])] {
            let foldable = plain_hydrogen(&atoms[h]) && degree[h] == 1 && atoms[heavy].element.z() != 1;
            if foldable && bond.order == BondOrder::Single {
                folded[h] = true;
                atoms[heavy].hydrogens = atoms[heavy].hydrogens.saturating_add(1);
            }
        }
    }
    if !folded.contains(&true) {
        return (atoms, bonds);
    }
    let mut new_index = vec![usize::MAX; atoms.len()];
    let mut kept_atoms = Vec::with_capacity(atoms.len());
    for (index, atom) in atoms.into_iter().enumerate() {
        if !folded[index] {
            new_index[index] = kept_atoms.len();
            kept_atoms.push(atom);
        }
    }
    let kept_bonds = bonds
        .into_iter()
        .filter(|b| !folded[b.atoms[0]] && !folded[b.atoms[1]])
        .map(|b| Bond { atoms: b.atoms.map(|a| new_index[a]), ..b })
        .collect();
    (kept_atoms, kept_bonds)
}

#[cfg(test)]
mod tests {
    use crate::molecule::Molecule;

    #[test]
    fn plain_hydrogens_fold_and_special_ones_stay() {
        let m = Molecule::from_smiles("[H]OC([H])([H])[H]").unwrap();
        assert_eq!((m.atoms().len(), m.hydrogen_count()), (2, 4));
        assert_eq!(m.atoms()[1].hydrogens, 3);
        let m = Molecule::from_smiles("[2H]C([2H])([2H])[2H]").unwrap();
        assert_eq!((m.atoms().len(), m.heavy_atom_count(), m.hydrogen_count()), (5, 1, 4));
        assert_eq!(Molecule::from_smiles("[H][H]").unwrap().atoms().len(), 2);
        assert_eq!(Molecule::from_smiles("[H+]").unwrap().atoms().len(), 1);
        assert_eq!(Molecule::from_smiles("[H-].[Na+]").unwrap().formula(), "HNa");
    }
}
