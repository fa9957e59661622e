//! The molecular graph a directed message-passing network (D-MPNN, chemprop) reads: atom and
//! bond features as flat row-major matrices and the directed edges with their reverses.

use super::Molecule;
use super::features::{ATOM_FEATURES, BOND_FEATURES, atom_features, bond_features};

/// Directed edges: bond `b` gives edge `2b` (its first atom to its second, as written) and edge
/// `2b + 1` (back), so the reverse of edge `e` is `e ^ 1`.
#[derive(Debug, Clone, PartialEq)]
pub struct MolecularGraph {
    /// `num_atoms × ATOM_FEATURES`, row-major.
    pub atom_features: Vec<f32>,
    /// `num_bonds × BOND_FEATURES`, row-major (one row per bond, shared by its two edges).
    pub bond_features: Vec<f32>,
    pub edge_source: Vec<u32>,
    pub edge_target: Vec<u32>,
}

impl MolecularGraph {
    pub fn from_molecule(molecule: &Molecule) -> MolecularGraph {
        let atom_features = (0..molecule.atoms().len())
            .flat_map(|a| atom_features(&molecule.atoms()[a], molecule.total_degree(a)))
            .collect();
        let bond_features = molecule.bonds().iter().flat_map(bond_features).collect();
        let (mut edge_source, mut edge_target) = (Vec::new(), Vec::new());
        for bond in molecule.bonds() {
            let [a, b] = bond.atoms.map(|x| x as u32);
            edge_source.extend([a, b]);
            edge_target.extend([b, a]);
        }
        MolecularGraph { atom_features, bond_features, edge_source, edge_target }
    }

    pub fn num_atoms(&self) -> usize {
        self.atom_features.len() / ATOM_FEATURES
    }

    pub fn num_edges(&self) -> usize {
        self.edge_source.len()
    }

    pub fn atom(&self, atom: usize) -> &[f32] {
        &self.atom_features[atom * ATOM_FEATURES..(atom + 1) * ATOM_FEATURES]
    }

    /// Features of the bond under directed edge `edge`.
    pub fn edge_bond(&self, edge: usize) -> &[f32] {
        let bond = edge / 2;
        &self.bond_features[bond * BOND_FEATURES..(bond + 1) * BOND_FEATURES]
    }

    /// The same bond walked the other way.
    pub fn reverse_edge(edge: usize) -> usize {
        edge ^ 1
    }

    /// For each atom, the edges that end at it (D-MPNN sums these messages).
    pub fn incoming_edges(&self) -> Vec<Vec<usize>> {
        let mut incoming = vec![Vec::new(); self.num_atoms()];
        for (edge, &target) in self.edge_target.iter().enumerate() {
            incoming[target as usize].push(edge);
        }
        incoming
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bond_gives_two_edges_that_reverse_each_other() {
        let m = Molecule::from_smiles("CCO").unwrap();
        let g = MolecularGraph::from_molecule(&m);
        assert_eq!((g.num_atoms(), g.num_edges()), (3, 4));
        assert_eq!((g.edge_source.clone(), g.edge_target.clone()), (vec![0, 1, 1, 2], vec![1, 0, 2, 1]));
        for e in 0..g.num_edges() {
            let r = MolecularGraph::reverse_edge(e);
            assert_eq!((g.edge_source[e], g.edge_target[e]), (g.edge_target[r], g.edge_source[r]));
            assert_eq!(g.edge_bond(e), g.edge_bond(r));
        }
        assert_eq!(g.incoming_edges(), vec![vec![1], vec![0, 3], vec![2]]);
        assert_eq!(g.atom(2)[7], 1.0);
    }

    #[test]
    fn a_single_ion_has_no_edges() {
        let g = MolecularGraph::from_molecule(&Molecule::from_smiles("[Na+]").unwrap());
        assert_eq!((g.num_atoms(), g.num_edges(), g.bond_features.len()), (1, 0, 0));
    }
}
