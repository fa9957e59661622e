//! Bemis–Murcko scaffolds (J. Med. Chem. 1996), as RDKit's `MurckoScaffold` keeps them: the
//! ring systems and the linkers between them, side chains removed, atoms double-bonded to a kept
//! atom kept (`O=C1CCCCC1` stays). Chemprop's scaffold split groups molecules by it.

use super::{BondOrder, Molecule};

/// The atoms of `molecule`'s scaffold, ascending (empty for an acyclic molecule).
pub fn scaffold_atoms(molecule: &Molecule) -> Vec<usize> {
    let n = molecule.atoms().len();
    let mut kept = vec![true; n];
    let kept_degree = |kept: &[bool], atom: usize| molecule.neighbours(atom).iter().filter(|(b, _)| kept[*b]).count();
    // Side chains: repeatedly drop non-ring atoms with at most one kept neighbour.
    loop {
        let terminal: Vec<usize> =
            (0..n).filter(|&a| kept[a] && !molecule.atoms()[a].in_ring() && kept_degree(&kept, a) <= 1).collect();
        if terminal.is_empty() {
            break;
        }
        terminal.into_iter().for_each(|a| kept[a] = false);
    }
    let core = kept.clone();
    for atom in 0..n {
        let terminal_double_bond = molecule.neighbours(atom).len() == 1
            && molecule
                .neighbours(atom)
                .iter()
                .any(|&(other, bond)| core[other] && molecule.bonds()[bond].kekule_order == BondOrder::Double);
        if !core[atom] && terminal_double_bond {
            kept[atom] = true;
        }
    }
    (0..n).filter(|&a| kept[a]).collect()
}

/// A key equal for molecules with the same scaffold graph (elements, aromaticity, bond orders):
/// Weisfeiler–Lehman refinement of the scaffold's atoms to a fixed point, the sorted labels
/// hashed. `""` for an acyclic molecule (chemprop puts those together as one scaffold).
pub fn scaffold_key(molecule: &Molecule) -> String {
    let atoms = scaffold_atoms(molecule);
    if atoms.is_empty() {
        return String::new();
    }
    let inside = |a: usize| atoms.binary_search(&a).is_ok();
    let mut labels: Vec<u64> = atoms
        .iter()
        .map(|&a| {
            let atom = &molecule.atoms()[a];
            mix(mix(u64::from(atom.element.z()), u64::from(atom.aromatic)), atom.formal_charge as u64)
        })
        .collect();
    let mut classes = distinct(&labels);
    for _ in 0..atoms.len() {
        let refined: Vec<u64> = atoms
            .iter()
            .enumerate()
            .map(|(i, &a)| {
                let mut around: Vec<u64> = molecule
                    .neighbours(a)
                    .iter()
                    .filter(|(b, _)| inside(*b))
                    .map(|&(b, bond)| {
                        let j = atoms.binary_search(&b).expect("scaffold atom");
                        mix(labels[j], molecule.bonds()[bond].order as u64)
                    })
                    .collect();
                around.sort_unstable();
                around.into_iter().fold(labels[i], mix)
            })
            .collect();
        let refined_classes = distinct(&refined);
        labels = refined;
        if refined_classes == classes {
            break;
        }
        classes = refined_classes;
    }
    labels.sort_unstable();
    let hash = labels.into_iter().fold(atoms.len() as u64, mix);
    format!("{}:{hash:016x}", atoms.len())
}

fn distinct(labels: &[u64]) -> usize {
    let mut sorted = labels.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    sorted.len()
}

/// SplitMix64's first output from `seed ⊕ value·γ`: deterministic on every platform.
fn mix(seed: u64, value: u64) -> u64 {
    crate::rng::SplitMix64::new(seed ^ value.wrapping_mul(0x9e37_79b9_7f4a_7c15)).next_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(smiles: &str) -> String {
        scaffold_key(&Molecule::from_smiles(smiles).unwrap())
    }

    fn scaffold_size(smiles: &str) -> usize {
        scaffold_atoms(&Molecule::from_smiles(smiles).unwrap()).len()
    }

    #[test]
    fn side_chains_go_rings_and_linkers_stay() {
        // paracetamol → benzene; diphenylmethane keeps its CH2 linker; ethanol has none
        assert_eq!(scaffold_size("CC(=O)Nc1ccc(O)cc1"), 6);
        assert_eq!(scaffold_size("c1ccccc1Cc1ccccc1"), 13);
        assert_eq!(scaffold_size("CCO"), 0);
        // benzanilide: the amide is a linker and keeps its =O (RDKit: O=C(Nc1ccccc1)c1ccccc1)
        assert_eq!(scaffold_size("O=C(Nc1ccccc1)c1ccccc1"), 15);
        // cyclohexanone keeps its exocyclic =O, methylcyclohexane loses its methyl
        assert_eq!(scaffold_size("O=C1CCCCC1"), 7);
        assert_eq!(scaffold_size("CC1CCCCC1"), 6);
    }

    #[test]
    fn the_key_groups_molecules_by_scaffold_however_written() {
        assert_eq!(key("CC(=O)Nc1ccc(O)cc1"), key("c1ccccc1Cl"));
        assert_eq!(key("Oc1ccc(cc1)Cc1ccccc1"), key("c1ccc(cc1)Cc1ccc(N)cc1"));
        assert_ne!(key("c1ccccc1"), key("C1CCCCC1"));
        assert_ne!(key("c1ccccc1Cc1ccccc1"), key("c1ccccc1CCc1ccccc1"));
        assert_ne!(key("c1ccncc1"), key("c1ccccc1"));
        assert_eq!(key("CCO"), "");
        assert_eq!(key("CCCCCC"), key("OCCN"));
    }
}
