//! Morgan / ECFP fingerprints (radius 2 and 2,048 bits by default: ECFP4), with counts and, for
//! every bit, the atom environments that set it (for highlighting substructures).
//!
//! The algorithm is RDKit's `GetMorganFingerprint`: initial invariants hash atomic number, total
//! degree, total hydrogens, formal charge, delta mass and ring membership; each round hashes the
//! round number, the atom's identifier and its neighbours' sorted (bond type, identifier) pairs;
//! an environment covering the same bonds as one seen before is dropped; identifiers fold to
//! bits modulo the length. Hashing is boost's `hash_combine` on fixed-width integers (no
//! `HashMap` order, no `usize`), so native and wasm32 give the same bits. The identifiers equal
//! RDKit 2026.09's on all 200 molecules of `tests/fixtures/molecules/rdkit_counts.json`; known
//! difference: the delta mass of an isotope uses its mass number, not its exact mass.

use super::{BondOrder, Molecule};

pub const DEFAULT_RADIUS: u32 = 2;
pub const DEFAULT_BITS: usize = 2048;

/// One atom environment: the atoms within `radius` bonds of `atom`, covering `bonds`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Environment {
    /// The unfolded 32-bit identifier (RDKit's sparse fingerprint key).
    pub identifier: u32,
    pub bit: usize,
    pub atom: usize,
    pub radius: u32,
    /// Bonds of the environment, ascending.
    pub bonds: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MorganFingerprint {
    pub radius: u32,
    /// How many times each bit was set.
    pub counts: Vec<u32>,
    /// All environments, sorted by bit, then radius, then atom.
    pub environments: Vec<Environment>,
}

impl MorganFingerprint {
    /// ECFP4: radius 2, 2,048 bits.
    pub fn new(molecule: &Molecule) -> MorganFingerprint {
        MorganFingerprint::with(molecule, DEFAULT_RADIUS, DEFAULT_BITS)
    }

    pub fn with(molecule: &Molecule, radius: u32, bits: usize) -> MorganFingerprint {
        let mut environments = environments(molecule, radius);
        let mut counts = vec![0; bits.max(1)];
        for environment in &mut environments {
            environment.bit = environment.identifier as usize % counts.len();
            counts[environment.bit] += 1;
        }
        environments.sort_by_key(|e| (e.bit, e.radius, e.atom));
        MorganFingerprint { radius, counts, environments }
    }

    /// Indices of the bits that are set, ascending.
    pub fn on_bits(&self) -> Vec<usize> {
        (0..self.counts.len()).filter(|&b| self.counts[b] > 0).collect()
    }

    /// 0/1 per bit, for a model input.
    pub fn bit_vector(&self) -> Vec<f32> {
        self.counts.iter().map(|&c| f32::from(u8::from(c > 0))).collect()
    }

    /// Counts per bit as floats.
    pub fn count_vector(&self) -> Vec<f32> {
        self.counts.iter().map(|&c| c as f32).collect()
    }

    /// The environments that set `bit`.
    pub fn environments_of(&self, bit: usize) -> &[Environment] {
        let start = self.environments.partition_point(|e| e.bit < bit);
        let end = self.environments.partition_point(|e| e.bit <= bit);
        &self.environments[start..end]
    }

    /// Unfolded identifiers with their counts, ascending (RDKit's `GetNonzeroElements`).
    pub fn identifiers(&self) -> Vec<(u32, u32)> {
        let mut ids: Vec<u32> = self.environments.iter().map(|e| e.identifier).collect();
        ids.sort_unstable();
        let mut counted: Vec<(u32, u32)> = Vec::new();
        for id in ids {
            match counted.last_mut() {
                Some((last, count)) if *last == id => *count += 1,
                _ => counted.push((id, 1)),
            }
        }
        counted
    }
}

impl Environment {
    /// The atoms of the environment: its centre and both ends of its bonds, ascending.
    pub fn atoms(&self, molecule: &Molecule) -> Vec<usize> {
        let mut atoms: Vec<usize> =
            std::iter::once(self.atom).chain(self.bonds.iter().flat_map(|&b| molecule.bonds()[b].atoms)).collect();
        atoms.sort_unstable();
        atoms.dedup();
        atoms
    }
}

/// boost's `hash_combine` as RDKit's copy of it, on 32-bit values.
fn combine(seed: u32, value: u32) -> u32 {
    seed ^ value.wrapping_add(0x9e37_79b9).wrapping_add(seed << 6).wrapping_add(seed >> 2)
}

/// RDKit's connectivity invariants of each atom.
fn atom_invariants(molecule: &Molecule) -> Vec<u32> {
    (0..molecule.atoms().len())
        .map(|index| {
            let atom = &molecule.atoms()[index];
            let hydrogen_neighbours =
                molecule.neighbours(index).iter().filter(|&&(n, _)| molecule.atoms()[n].element.z() == 1);
            let hydrogens = usize::from(atom.hydrogens) + hydrogen_neighbours.count();
            let delta_mass = (atom.mass() - atom.element.atomic_mass()) as i32;
            let mut components = vec![
                u32::from(atom.element.z()),
                molecule.total_degree(index) as u32,
                hydrogens as u32,
                i32::from(atom.formal_charge) as u32,
                delta_mass as u32,
            ];
            if atom.in_ring() {
                components.push(1);
            }
            components.into_iter().fold(0, combine)
        })
        .collect()
}

/// RDKit's bond invariant: its `BondType` enum value.
fn bond_invariant(order: BondOrder) -> u32 {
    match order {
        BondOrder::Single => 1,
        BondOrder::Double => 2,
        BondOrder::Triple => 3,
        BondOrder::Aromatic => 12,
    }
}

/// Every retained environment up to `radius`, with its identifier (bits not yet assigned).
fn environments(molecule: &Molecule, radius: u32) -> Vec<Environment> {
    let n = molecule.atoms().len();
    let words = molecule.bonds().len().div_ceil(64);
    let mut invariants = atom_invariants(molecule);
    let mut found: Vec<Environment> = (0..n)
        .map(|atom| Environment { identifier: invariants[atom], bit: 0, atom, radius: 0, bonds: Vec::new() })
        .collect();
    let mut covered: Vec<Vec<u64>> = vec![vec![0; words]; n];
    let mut seen: Vec<Vec<u64>> = Vec::new();
    let mut dead: Vec<bool> = (0..n).map(|a| molecule.degree(a) == 0).collect();
    for layer in 0..radius {
        let mut round: Vec<(Vec<u64>, u32, usize)> = Vec::new();
        let mut next_invariants = invariants.clone();
        let mut next_covered = covered.clone();
        for atom in (0..n).filter(|&a| !dead[a]) {
            let mut neighbourhood: Vec<(u32, u32)> = Vec::new();
            for &(neighbour, bond) in molecule.neighbours(atom) {
                next_covered[atom][bond / 64] |= 1 << (bond % 64);
                for (word, other) in next_covered[atom].iter_mut().zip(&covered[neighbour]) {
                    *word |= other;
                }
                neighbourhood.push((bond_invariant(molecule.bonds()[bond].order), invariants[neighbour]));
            }
            neighbourhood.sort_unstable();
            let mut identifier = combine(layer, invariants[atom]);
            for (bond_type, neighbour) in neighbourhood {
                identifier = combine(identifier, combine(combine(0, bond_type), neighbour));
            }
            next_invariants[atom] = identifier;
            round.push((next_covered[atom].clone(), identifier, atom));
        }
        round.sort_unstable();
        for (bonds, identifier, atom) in round {
            if seen.contains(&bonds) {
                dead[atom] = true;
                continue;
            }
            let bond_list = (0..molecule.bonds().len()).filter(|&b| bonds[b / 64] >> (b % 64) & 1 == 1).collect();
            found.push(Environment { identifier, bit: 0, atom, radius: layer + 1, bonds: bond_list });
            seen.push(bonds);
        }
        invariants = next_invariants;
        covered = next_covered;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fingerprint(smiles: &str) -> MorganFingerprint {
        MorganFingerprint::new(&Molecule::from_smiles(smiles).unwrap())
    }

    #[test]
    fn benzene_has_one_identifier_per_radius() {
        let fp = fingerprint("c1ccccc1");
        assert_eq!(fp.identifiers(), vec![(98513984, 6), (2763854213, 6), (3218693969, 6)]);
        assert_eq!(fp.on_bits().len(), 3);
    }

    #[test]
    fn is_deterministic_and_independent_of_how_the_smiles_is_written() {
        assert_eq!(fingerprint("CCO").on_bits(), fingerprint("OCC").on_bits());
        assert_eq!(fingerprint("c1ccccc1O").on_bits(), fingerprint("Oc1ccccc1").on_bits());
        assert_eq!(fingerprint("OC1=CC=CC=C1").on_bits(), fingerprint("Oc1ccccc1").on_bits());
        assert_ne!(fingerprint("CCO").on_bits(), fingerprint("CCN").on_bits());
    }

    #[test]
    fn environments_say_which_atoms_set_a_bit() {
        let m = Molecule::from_smiles("CC(=O)O").unwrap();
        let fp = MorganFingerprint::new(&m);
        for bit in fp.on_bits() {
            let environments = fp.environments_of(bit);
            assert!(!environments.is_empty());
            for e in environments {
                assert_eq!(e.bit, bit);
                assert_eq!(!e.bonds.is_empty(), e.radius > 0);
                assert!(e.atoms(&m).contains(&e.atom));
            }
        }
        assert_eq!(fp.environments.len() as u32, fp.counts.iter().sum::<u32>());
        assert_eq!(fp.bit_vector().iter().sum::<f32>() as usize, fp.on_bits().len());
    }

    #[test]
    fn matches_rdkit_identifiers() {
        // RDKit 2026.09.1: AllChem.GetMorganFingerprint(Chem.MolFromSmiles(s), 2).GetNonzeroElements()
        let expected: [(&str, &[(u32, u32)]); 4] = [
            (
                "CCO",
                &[(864662311, 1), (1535166686, 1), (2245384272, 1), (2246728737, 1), (3542456614, 1), (4018048386, 1)],
            ),
            (
                "CC(=O)O",
                &[
                    (864662311, 1),
                    (864942730, 1),
                    (1510328189, 1),
                    (1533864325, 1),
                    (2205501948, 1),
                    (2246699815, 1),
                    (2246728737, 1),
                    (3545365497, 1),
                ],
            ),
            ("[Na+].[Cl-]", &[(3737048253, 1), (3855292234, 1)]),
            ("C[NH3+]", &[(847694221, 1), (2246728737, 1), (2567926842, 1)]),
        ];
        for (smiles, identifiers) in expected {
            assert_eq!(fingerprint(smiles).identifiers(), identifiers, "{smiles}");
        }
        let phenol = [
            (26234434, 1),
            (98513984, 3),
            (251179073, 2),
            (859799282, 1),
            (864662311, 1),
            (951226070, 2),
            (2763854213, 1),
            (2905660137, 1),
            (3217380708, 1),
            (3218693969, 5),
            (3999906991, 2),
        ];
        assert_eq!(fingerprint("Oc1ccccc1").identifiers(), phenol);
    }
}
