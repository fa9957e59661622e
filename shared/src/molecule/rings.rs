//! Ring perception: ring bonds (those that are no bridge), the smallest ring through each atom,
//! and the smallest set of smallest rings (SSSR, a minimum cycle basis).

use super::Molecule;
use std::collections::VecDeque;

/// Sets [`super::Bond::in_ring`], [`super::Atom::smallest_ring`] and the molecule's SSSR.
pub(crate) fn perceive(molecule: &mut Molecule) {
    let in_ring = ring_bonds(molecule);
    for (bond, &ring) in molecule.bonds.iter_mut().zip(&in_ring) {
        bond.in_ring = ring;
    }
    let mut candidates: Vec<Vec<usize>> = Vec::new();
    for (index, bond) in molecule.bonds.iter().enumerate() {
        if !in_ring[index] {
            continue;
        }
        let [a, b] = bond.atoms;
        let cycle = shortest_path(molecule, &in_ring, a, b, index).expect("a ring bond closes a cycle");
        let size = cycle.len().min(usize::from(u16::MAX)) as u16;
        for atom in [a, b] {
            let smallest = &mut molecule.atoms[atom].smallest_ring;
            *smallest = Some(smallest.map_or(size, |s| s.min(size)));
        }
        candidates.push(cycle);
    }
    molecule.rings = smallest_set_of_smallest_rings(molecule, &in_ring, candidates);
}

/// `true` for each bond that lies on a cycle (is no bridge), by an iterative Tarjan search.
fn ring_bonds(molecule: &Molecule) -> Vec<bool> {
    let n = molecule.atoms.len();
    let mut in_ring = vec![true; molecule.bonds.len()];
    let (mut order, mut low) = (vec![usize::MAX; n], vec![0usize; n]);
    let mut counter = 0;
    for root in 0..n {
        if order[root] != usize::MAX {
            continue;
        }
        // (atom, bond it was reached by, next neighbour to look at)
        let mut stack = vec![(root, usize::MAX, 0usize)];
        order[root] = counter;
        low[root] = counter;
        counter += 1;
        while let Some(&mut (atom, via, ref mut next)) = stack.last_mut() {
            if let Some(&(neighbour, bond)) = molecule.neighbours[atom].get(*next) {
                *next += 1;
                if bond == via {
                    continue;
                }
                if order[neighbour] == usize::MAX {
                    order[neighbour] = counter;
                    low[neighbour] = counter;
                    counter += 1;
                    stack.push((neighbour, bond, 0));
                } else {
                    low[atom] = low[atom].min(order[neighbour]);
                }
            } else {
                stack.pop();
                if let Some(&(parent, _, _)) = stack.last() {
                    low[parent] = low[parent].min(low[atom]);
                    if low[atom] > order[parent] {
                        in_ring[via] = false;
                    }
                }
            }
        }
    }
    in_ring
}

/// Shortest path from `from` to `to` over ring bonds other than `skip`, as atoms `[from, …, to]`.
fn shortest_path(molecule: &Molecule, in_ring: &[bool], from: usize, to: usize, skip: usize) -> Option<Vec<usize>> {
    let mut parent = vec![usize::MAX; molecule.atoms.len()];
    parent[from] = from;
    let mut queue = VecDeque::from([from]);
    while let Some(atom) = queue.pop_front() {
        if atom == to {
            let mut path = vec![to];
            while *path.last().unwrap() != from {
                path.push(parent[*path.last().unwrap()]);
            }
            path.reverse();
            return Some(path);
        }
        for &(neighbour, bond) in &molecule.neighbours[atom] {
            if bond != skip && in_ring[bond] && parent[neighbour] == usize::MAX {
                parent[neighbour] = atom;
                queue.push_back(neighbour);
            }
        }
    }
    None
}

/// Bonds of a cycle given as atoms in ring order, as a bit set over bond indices.
fn bond_set(molecule: &Molecule, cycle: &[usize]) -> Vec<u64> {
    let mut bits = vec![0u64; molecule.bonds.len().div_ceil(64)];
    for (i, &atom) in cycle.iter().enumerate() {
        let next = cycle[(i + 1) % cycle.len()];
        if let Some(&(_, bond)) = molecule.neighbours[atom].iter().find(|(n, _)| *n == next) {
            bits[bond / 64] |= 1 << (bond % 64);
        }
    }
    bits
}

/// Picks the shortest linearly independent cycles (over GF(2) on bonds) until there are as many
/// as the cycle rank; falls back to Horton's candidate set when the per-bond shortest cycles do
/// not span the cycle space (cage molecules).
fn smallest_set_of_smallest_rings(
    molecule: &Molecule,
    in_ring: &[bool],
    mut candidates: Vec<Vec<usize>>,
) -> Vec<Vec<usize>> {
    let ring_atoms = molecule.neighbours.iter().filter(|n| n.iter().any(|&(_, b)| in_ring[b])).count();
    let ring_bonds = in_ring.iter().filter(|&&r| r).count();
    if ring_bonds == 0 {
        return Vec::new();
    }
    let rank = ring_bonds + ring_system_count(molecule, in_ring) - ring_atoms;
    let mut basis = GaussianBasis::default();
    let mut rings = Vec::new();
    for horton in [false, true] {
        if horton {
            candidates = horton_candidates(molecule, in_ring);
        }
        candidates.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        candidates.dedup();
        for cycle in candidates.drain(..) {
            if rings.len() == rank {
                break;
            }
            if basis.insert(bond_set(molecule, &cycle)) {
                rings.push(cycle);
            }
        }
        if rings.len() == rank {
            break;
        }
    }
    rings
}

/// Connected components of the graph made of ring bonds only.
fn ring_system_count(molecule: &Molecule, in_ring: &[bool]) -> usize {
    let mut seen = vec![false; molecule.atoms.len()];
    let mut count = 0;
    for start in 0..molecule.atoms.len() {
        if seen[start] || !molecule.neighbours[start].iter().any(|&(_, b)| in_ring[b]) {
            continue;
        }
        count += 1;
        seen[start] = true;
        let mut stack = vec![start];
        while let Some(atom) = stack.pop() {
            for &(neighbour, bond) in &molecule.neighbours[atom] {
                if in_ring[bond] && !seen[neighbour] {
                    seen[neighbour] = true;
                    stack.push(neighbour);
                }
            }
        }
    }
    count
}

/// Horton's candidates: for every atom r and ring bond x–y, the cycle r→x, x–y, y→r along
/// shortest paths when the two paths meet only at r.
fn horton_candidates(molecule: &Molecule, in_ring: &[bool]) -> Vec<Vec<usize>> {
    let n = molecule.atoms.len();
    let mut cycles = Vec::new();
    for root in 0..n {
        let mut parent = vec![usize::MAX; n];
        parent[root] = root;
        let mut queue = VecDeque::from([root]);
        while let Some(atom) = queue.pop_front() {
            for &(neighbour, bond) in &molecule.neighbours[atom] {
                if in_ring[bond] && parent[neighbour] == usize::MAX {
                    parent[neighbour] = atom;
                    queue.push_back(neighbour);
                }
            }
        }
        let path_to_root = |mut atom: usize| {
            let mut path = vec![atom];
            while atom != root {
                atom = parent[atom];
                path.push(atom);
            }
            path
        };
        for (bond, b) in molecule.bonds.iter().enumerate() {
            let [x, y] = b.atoms;
            if !in_ring[bond] || parent[x] == usize::MAX || parent[x] == y || parent[y] == x {
                continue;
            }
            let (to_x, to_y) = (path_to_root(x), path_to_root(y));
            if to_x.iter().filter(|a| to_y.contains(a)).count() != 1 {
                continue;
            }
            let mut cycle: Vec<usize> = to_x.into_iter().rev().collect();
            cycle.extend(to_y.into_iter().take_while(|&a| a != root));
            cycles.push(cycle);
        }
    }
    cycles
}

/// Rows in echelon form over GF(2), for testing independence.
#[derive(Default)]
struct GaussianBasis {
    rows: Vec<(usize, Vec<u64>)>,
}

impl GaussianBasis {
    /// Adds `row` if it is independent of the rows so far; says whether it was.
    fn insert(&mut self, mut row: Vec<u64>) -> bool {
        for (pivot, basis_row) in &self.rows {
            if row[pivot / 64] >> (pivot % 64) & 1 == 1 {
                row.iter_mut().zip(basis_row).for_each(|(a, b)| *a ^= b);
            }
        }
        let Some(word) = row.iter().position(|&w| w != 0) else { return false };
        let pivot = word * 64 + row[word].trailing_zeros() as usize;
        for (_, basis_row) in &mut self.rows {
            if basis_row[pivot / 64] >> (pivot % 64) & 1 == 1 {
                basis_row.iter_mut().zip(&row).for_each(|(a, b)| *a ^= b);
            }
        }
        self.rows.push((pivot, row));
        true
    }
}

#[cfg(test)]
mod tests {
    use crate::molecule::Molecule;

    fn sizes(smiles: &str) -> Vec<usize> {
        let m = Molecule::from_smiles(smiles).unwrap();
        let mut sizes: Vec<usize> = m.rings().iter().map(Vec::len).collect();
        sizes.sort();
        sizes
    }

    #[test]
    fn finds_the_smallest_rings() {
        assert_eq!(sizes("CCO"), Vec::<usize>::new());
        assert_eq!(sizes("c1ccccc1"), vec![6]);
        assert_eq!(sizes("c1ccc2ccccc2c1"), vec![6, 6]);
        assert_eq!(sizes("C12C3C4C1C5C2C3C45"), vec![4, 4, 4, 4, 4]);
        assert_eq!(sizes("C1CC2CCC1CC2"), vec![6, 6]);
        assert_eq!(sizes("C1CCC12CC2"), vec![3, 4]);
    }

    #[test]
    fn marks_ring_atoms_and_bonds() {
        let m = Molecule::from_smiles("c1ccccc1CC1CC1").unwrap();
        assert_eq!(m.atoms()[0].smallest_ring, Some(6));
        assert_eq!(m.atoms()[6].smallest_ring, None);
        assert_eq!(m.atoms()[8].smallest_ring, Some(3));
        assert_eq!(m.bonds().iter().filter(|b| b.in_ring).count(), 9);
    }
}
