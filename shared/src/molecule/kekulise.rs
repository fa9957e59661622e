//! Kekulisation: choosing which aromatic bonds are double so that every aromatic atom that
//! needs a double bond gets exactly one — a perfect matching, found with Edmonds' blossom
//! algorithm (aromatic systems hold odd rings, so a bipartite matching would not do).

use super::{BondOrder, Molecule, SmilesError, SmilesErrorKind};
use std::collections::VecDeque;

const NONE: usize = usize::MAX;

/// Sets every aromatic bond's [`super::Bond::kekule_order`] to single or double; errors on the
/// first atom that needs a double bond and cannot get one.
pub(crate) fn kekulise(molecule: &mut Molecule, needs_double_bond: &[bool]) -> Result<(), SmilesError> {
    // The graph to match: atoms that need a double bond, joined by aromatic bonds.
    let mut local = vec![NONE; molecule.atoms.len()];
    let atoms: Vec<usize> = (0..molecule.atoms.len()).filter(|&a| needs_double_bond[a]).collect();
    for (i, &atom) in atoms.iter().enumerate() {
        local[atom] = i;
    }
    let mut adjacency = vec![Vec::new(); atoms.len()];
    for bond in &molecule.bonds {
        let [a, b] = bond.atoms;
        if bond.order == BondOrder::Aromatic && local[a] != NONE && local[b] != NONE {
            adjacency[local[a]].push(local[b]);
            adjacency[local[b]].push(local[a]);
        }
    }
    let mate = maximum_matching(&adjacency);
    if let Some(unmatched) = mate.iter().position(|&m| m == NONE) {
        let culprit = likely_culprit(molecule, atoms[unmatched]);
        let atom = &molecule.atoms[culprit];
        return Err(SmilesError::new(atom.position, SmilesErrorKind::Kekulisation { symbol: atom.symbol() }));
    }
    for bond in &mut molecule.bonds {
        if bond.order == BondOrder::Aromatic {
            let [a, b] = bond.atoms.map(|x| local[x]);
            let double = a != NONE && b != NONE && mate[a] == b;
            bond.kekule_order = if double { BondOrder::Double } else { BondOrder::Single };
        }
    }
    Ok(())
}

/// The atom to blame for a failed kekulisation of the aromatic system around `unmatched`: its
/// first aromatic nitrogen written without H (the usual mistake, `n1cccc1` for pyrrole), else
/// `unmatched` itself.
fn likely_culprit(molecule: &Molecule, unmatched: usize) -> usize {
    let mut system = vec![unmatched];
    let mut next = 0;
    while next < system.len() {
        let atom = system[next];
        next += 1;
        for &(neighbour, bond) in &molecule.neighbours[atom] {
            if molecule.bonds[bond].order == BondOrder::Aromatic && !system.contains(&neighbour) {
                system.push(neighbour);
            }
        }
    }
    system.sort_unstable();
    let bare_nitrogen = |&&a: &&usize| {
        let atom = &molecule.atoms[a];
        atom.element.z() == 7 && atom.hydrogens == 0 && molecule.degree(a) == 2
    };
    system.iter().find(bare_nitrogen).copied().unwrap_or(unmatched)
}

/// A maximum matching of a general graph: `mate[v]` is v's partner or [`NONE`]. A greedy
/// matching first, then Edmonds' augmenting paths with blossom contraction, O(V³).
fn maximum_matching(adjacency: &[Vec<usize>]) -> Vec<usize> {
    let n = adjacency.len();
    let mut mate = vec![NONE; n];
    // Greedy start, fewest free neighbours first, so most atoms are matched before searching.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&v| adjacency[v].len());
    for &v in &order {
        if mate[v] == NONE
            && let Some(&w) = adjacency[v].iter().filter(|&&w| mate[w] == NONE).min_by_key(|&&w| adjacency[w].len())
        {
            mate[v] = w;
            mate[w] = v;
        }
    }
    let mut search = BlossomSearch::new(n);
    for root in 0..n {
        if mate[root] == NONE
            && let Some(end) = search.augmenting_path(adjacency, &mate, root)
        {
            let mut v = end;
            while v != NONE {
                let parent = search.parent[v];
                let next = mate[parent];
                mate[v] = parent;
                mate[parent] = v;
                v = next;
            }
        }
    }
    mate
}

struct BlossomSearch {
    parent: Vec<usize>,
    base: Vec<usize>,
    used: Vec<bool>,
    blossom: Vec<bool>,
}

impl BlossomSearch {
    fn new(n: usize) -> Self {
        BlossomSearch { parent: vec![NONE; n], base: (0..n).collect(), used: vec![false; n], blossom: vec![false; n] }
    }

    /// Breadth-first search for an augmenting path from the free vertex `root`; returns the
    /// free vertex it ends at, with `parent` links leading back.
    fn augmenting_path(&mut self, adjacency: &[Vec<usize>], mate: &[usize], root: usize) -> Option<usize> {
        let n = adjacency.len();
        self.parent.fill(NONE);
        self.used.fill(false);
        for (i, base) in self.base.iter_mut().enumerate() {
            *base = i;
        }
        self.used[root] = true;
        let mut queue = VecDeque::from([root]);
        while let Some(v) = queue.pop_front() {
            for &to in &adjacency[v] {
                if self.base[v] == self.base[to] || mate[v] == to {
                    continue;
                }
                if to == root || (mate[to] != NONE && self.parent[mate[to]] != NONE) {
                    let common = self.lowest_common_base(mate, v, to);
                    self.blossom.fill(false);
                    self.mark_path(mate, v, common, to);
                    self.mark_path(mate, to, common, v);
                    for i in 0..n {
                        if self.blossom[self.base[i]] {
                            self.base[i] = common;
                            if !self.used[i] {
                                self.used[i] = true;
                                queue.push_back(i);
                            }
                        }
                    }
                } else if self.parent[to] == NONE {
                    self.parent[to] = v;
                    if mate[to] == NONE {
                        return Some(to);
                    }
                    self.used[mate[to]] = true;
                    queue.push_back(mate[to]);
                }
            }
        }
        None
    }

    fn lowest_common_base(&self, mate: &[usize], mut a: usize, mut b: usize) -> usize {
        let mut seen = vec![false; mate.len()];
        loop {
            a = self.base[a];
            seen[a] = true;
            if mate[a] == NONE {
                break;
            }
            a = self.parent[mate[a]];
        }
        loop {
            b = self.base[b];
            if seen[b] {
                return b;
            }
            b = self.parent[mate[b]];
        }
    }

    fn mark_path(&mut self, mate: &[usize], mut v: usize, base: usize, mut child: usize) {
        while self.base[v] != base {
            self.blossom[self.base[v]] = true;
            self.blossom[self.base[mate[v]]] = true;
            self.parent[v] = child;
            child = mate[v];
            v = self.parent[mate[v]];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doubles(smiles: &str) -> usize {
        let m = Molecule::from_smiles(smiles).unwrap();
        m.bonds().iter().filter(|b| b.kekule_order == BondOrder::Double).count()
    }

    #[test]
    fn kekulises_rings_and_fused_systems() {
        assert_eq!(doubles("c1ccccc1"), 3);
        assert_eq!(doubles("c1ccc2ccccc2c1"), 5);
        assert_eq!(doubles("c1cc[nH]c1"), 2);
        assert_eq!(doubles("Cn1cnc2c1c(=O)n(C)c(=O)n2C"), 4);
        assert_eq!(doubles("c1ccc2c(c1)ccc1ccccc12"), 7);
        assert_eq!(doubles("c1ccc2cc3ccccc3cc2c1"), 7);
        assert_eq!(doubles("c1cc2ccc3cccc4ccc(c1)c2c34"), 8);
    }

    #[test]
    fn impossible_kekule_structures_are_errors() {
        for smiles in ["c1cccc1", "n1cccc1", "c1ccc2c(c1)cc1ccccc21"] {
            let e = Molecule::from_smiles(smiles).unwrap_err();
            assert!(matches!(e.kind, SmilesErrorKind::Kekulisation { .. }), "{smiles}: {e}");
        }
        assert_eq!(Molecule::from_smiles("Cc1ccn2c1cnc2").unwrap_err().position, 10);
    }

    #[test]
    fn blossoms_are_handled() {
        // A 5-ring with a pendant path: greedy can fail, augmenting through the blossom works.
        let adjacency = vec![vec![1, 4], vec![0, 2], vec![1, 3], vec![2, 4], vec![3, 0, 5], vec![4]];
        let mate = maximum_matching(&adjacency);
        assert!(mate.iter().all(|&m| m != NONE));
    }
}
