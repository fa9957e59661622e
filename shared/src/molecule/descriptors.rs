//! Standard 2-D molecular descriptors from their published definitions, the molecule-level
//! features chemprop adds to its readout (`--features-generators rdkit_2d`) and Delaney's ESOL
//! equation builds on:
//!
//! - molecular weight (standard atomic weights, hydrogens included) and heavy atoms;
//! - Lipinski hydrogen-bond donors and acceptors, by the atom patterns RDKit's `NumHDonors` and
//!   `NumHAcceptors` document;
//! - rotatable bonds (the strict definition: no triple-bond, terminal, CX₃/t-butyl or amide,
//!   ester and amidine C–X bonds);
//! - aromatic and aliphatic rings of the SSSR, the fraction of sp³ carbons, the aromatic
//!   proportion (aromatic / heavy atoms, Delaney 2004), the formal charge, halogens and
//!   heteroatoms;
//! - the topological polar surface area of Ertl, Rohde & Selzer (J. Med. Chem. 2000, 43, 3714),
//!   from its nitrogen and oxygen contributions.
//!
//! `tests/molecule_rdkit_descriptors.rs` compares them with RDKit on 200 MoleculeNet molecules.

use super::{BondOrder, Hybridisation, Molecule};

/// How many descriptors [`Descriptors::values`] gives.
pub const DESCRIPTOR_COUNT: usize = 13;

/// The names of [`Descriptors::values`], in order.
pub const DESCRIPTOR_NAMES: [&str; DESCRIPTOR_COUNT] = [
    "mol_weight",
    "heavy_atoms",
    "h_donors",
    "h_acceptors",
    "rotatable_bonds",
    "aromatic_rings",
    "aliphatic_rings",
    "fraction_csp3",
    "aromatic_proportion",
    "formal_charge",
    "halogens",
    "heteroatoms",
    "tpsa",
];

/// The descriptors of one molecule.
#[derive(Clone, Debug, PartialEq)]
pub struct Descriptors {
    /// g/mol, implicit hydrogens included (an isotope counts its mass number).
    pub mol_weight: f64,
    pub heavy_atoms: usize,
    pub h_donors: usize,
    pub h_acceptors: usize,
    pub rotatable_bonds: usize,
    /// SSSR rings whose bonds are all aromatic.
    pub aromatic_rings: usize,
    /// SSSR rings with a non-aromatic bond.
    pub aliphatic_rings: usize,
    /// sp³ carbons / carbons (0 without carbon).
    pub fraction_csp3: f64,
    /// Aromatic atoms / heavy atoms (0 without heavy atoms).
    pub aromatic_proportion: f64,
    pub formal_charge: i32,
    /// F, Cl, Br, I and At atoms.
    pub halogens: usize,
    /// Atoms other than C and H.
    pub heteroatoms: usize,
    /// Topological polar surface area, Å² (N and O contributions).
    pub tpsa: f64,
}

impl Descriptors {
    pub fn of(molecule: &Molecule) -> Descriptors {
        let atoms = molecule.atoms();
        let heavy_atoms = molecule.heavy_atom_count();
        let carbons = atoms.iter().filter(|a| a.element.z() == 6).count();
        let sp3_carbons = atoms.iter().filter(|a| a.element.z() == 6 && a.hybridisation == Hybridisation::Sp3).count();
        let aromatic_atoms = atoms.iter().filter(|a| a.aromatic).count();
        let aromatic_rings = molecule.rings().iter().filter(|ring| ring_is_aromatic(molecule, ring)).count();
        let hydrogen_mass = super::super::element::Element::from_z(1).expect("hydrogen").atomic_mass();
        Descriptors {
            mol_weight: atoms.iter().map(|a| a.mass() + f64::from(a.hydrogens) * hydrogen_mass).sum(),
            heavy_atoms,
            h_donors: (0..atoms.len()).filter(|&a| is_donor(molecule, a)).count(),
            h_acceptors: (0..atoms.len()).filter(|&a| is_acceptor(molecule, a)).count(),
            rotatable_bonds: (0..molecule.bonds().len()).filter(|&b| is_rotatable(molecule, b)).count(),
            aromatic_rings,
            aliphatic_rings: molecule.rings().len() - aromatic_rings,
            fraction_csp3: ratio(sp3_carbons, carbons),
            aromatic_proportion: ratio(aromatic_atoms, heavy_atoms),
            formal_charge: molecule.formal_charge(),
            halogens: atoms.iter().filter(|a| matches!(a.element.z(), 9 | 17 | 35 | 53 | 85)).count(),
            heteroatoms: atoms.iter().filter(|a| !matches!(a.element.z(), 1 | 6)).count(),
            tpsa: (0..atoms.len()).map(|a| tpsa_contribution(molecule, a)).sum(),
        }
    }

    /// The descriptors as numbers, in [`DESCRIPTOR_NAMES`] order.
    pub fn values(&self) -> [f64; DESCRIPTOR_COUNT] {
        [
            self.mol_weight,
            self.heavy_atoms as f64,
            self.h_donors as f64,
            self.h_acceptors as f64,
            self.rotatable_bonds as f64,
            self.aromatic_rings as f64,
            self.aliphatic_rings as f64,
            self.fraction_csp3,
            self.aromatic_proportion,
            f64::from(self.formal_charge),
            self.halogens as f64,
            self.heteroatoms as f64,
            self.tpsa,
        ]
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

/// Every bond between consecutive atoms of `ring` (in ring order) is aromatic.
fn ring_is_aromatic(molecule: &Molecule, ring: &[usize]) -> bool {
    (0..ring.len()).all(|i| {
        let (a, b) = (ring[i], ring[(i + 1) % ring.len()]);
        bond_between(molecule, a, b).is_some_and(|bond| molecule.bonds()[bond].order == BondOrder::Aromatic)
    })
}

fn bond_between(molecule: &Molecule, a: usize, b: usize) -> Option<usize> {
    molecule.neighbours(a).iter().find(|&&(n, _)| n == b).map(|&(_, bond)| bond)
}

/// Atomic number of `atom`.
pub(super) fn z(molecule: &Molecule, atom: usize) -> u8 {
    molecule.atoms()[atom].element.z()
}

/// Total valence: Kekulé bond orders plus hydrogens (SMARTS `v`).
fn valence(molecule: &Molecule, atom: usize) -> u32 {
    let bonds: u32 = molecule
        .neighbours(atom)
        .iter()
        .map(|&(_, bond)| u32::from(molecule.bonds()[bond].kekule_order.valence()))
        .sum();
    bonds + u32::from(molecule.atoms()[atom].hydrogens)
}

/// Neighbours of `atom` reached by a bond of `order`.
fn neighbours_by(molecule: &Molecule, atom: usize, order: BondOrder) -> impl Iterator<Item = usize> + '_ {
    molecule.neighbours(atom).iter().filter(move |&&(_, bond)| molecule.bonds()[bond].order == order).map(|&(n, _)| n)
}

/// `atom` has a double bond (acyclic only with `acyclic`) to O, N, P or S (SMARTS `*=[O,N,P,S]`
/// or `*=!@[O,N,P,S]`, any aromaticity).
fn double_bonded_to_onps(molecule: &Molecule, atom: usize, acyclic: bool) -> bool {
    molecule.neighbours(atom).iter().any(|&(n, bond)| {
        let bond = &molecule.bonds()[bond];
        bond.order == BondOrder::Double && !(acyclic && bond.in_ring) && matches!(z(molecule, n), 7 | 8 | 15 | 16)
    })
}

/// Donor: `[N&!H0&v3, N&!H0&+1&v4, O&H1&+0, S&H1&+0, n&H1&+0]`.
fn is_donor(molecule: &Molecule, atom: usize) -> bool {
    let a = &molecule.atoms()[atom];
    let (h, charge) = (a.hydrogens, a.formal_charge);
    match (a.element.z(), a.aromatic) {
        (7, false) => h > 0 && (valence(molecule, atom) == 3 || (charge == 1 && valence(molecule, atom) == 4)),
        (8 | 16, false) => h == 1 && charge == 0,
        (7, true) => h == 1 && charge == 0,
        _ => false,
    }
}

/// Acceptor, as RDKit's `NumHAcceptors` counts them: `[$([O,S;H1;v2;!$(*-*=[O,N,P,S])]),
/// $([O,S;H0;v2]), $([O,S;-]), $([N;v3;!$(N-*=!@[O,N,P,S])]), n&H0&+0&X2, o&+0, s&+0]` (an
/// amide nitrogen is none, an amidine's in a ring is; a pyridine-like aromatic nitrogen is, a
/// substituted pyrrole one is not).
fn is_acceptor(molecule: &Molecule, atom: usize) -> bool {
    let a = &molecule.atoms()[atom];
    let single_to_carbonyl_like = |acyclic: bool| {
        neighbours_by(molecule, atom, BondOrder::Single).any(|n| double_bonded_to_onps(molecule, n, acyclic))
    };
    match (a.element.z(), a.aromatic) {
        (8 | 16, false) => {
            let v2 = valence(molecule, atom) == 2;
            (a.hydrogens == 1 && v2 && !single_to_carbonyl_like(false))
                || (a.hydrogens == 0 && v2)
                || a.formal_charge < 0
        }
        (7, false) => valence(molecule, atom) == 3 && !single_to_carbonyl_like(true),
        (7, true) => a.hydrogens == 0 && a.formal_charge == 0 && molecule.total_degree(atom) == 2,
        (8 | 16, true) => a.formal_charge == 0,
        _ => false,
    }
}

/// Carbon with at least three neighbours of element `z_of` (and, for methyls, three H): the
/// CF₃, CCl₃, CBr₃ and t-butyl ends the strict definition keeps rigid.
fn is_trihalide_or_t_butyl(molecule: &Molecule, atom: usize) -> bool {
    let a = &molecule.atoms()[atom];
    if a.element.z() != 6 || a.aromatic {
        return false;
    }
    let count = |pred: &dyn Fn(usize) -> bool| molecule.neighbours(atom).iter().filter(|&&(n, _)| pred(n)).count();
    [9u8, 17, 35].iter().any(|&x| count(&|n| z(molecule, n) == x) >= 3)
        || count(&|n| {
            let m = &molecule.atoms()[n];
            m.element.z() == 6 && !m.aromatic && m.hydrogens == 3
        }) >= 3
}

/// `[CD3](=X)-!@Y` with X in `xs`, Y non-terminal matching `y`: `atom` is such a C, or such a Y.
fn amide_like(molecule: &Molecule, atom: usize, xs: &dyn Fn(usize) -> bool, y: &dyn Fn(usize) -> bool) -> bool {
    let carbonyl = |c: usize| {
        let a = &molecule.atoms()[c];
        a.element.z() == 6
            && !a.aromatic
            && molecule.degree(c) == 3
            && neighbours_by(molecule, c, BondOrder::Double).any(xs)
    };
    let acyclic_single = |a: usize| {
        molecule
            .neighbours(a)
            .iter()
            .filter(|&&(_, b)| molecule.bonds()[b].order == BondOrder::Single && !molecule.bonds()[b].in_ring)
            .map(|&(n, _)| n)
            .collect::<Vec<_>>()
    };
    let y_ok = |n: usize| y(n) && molecule.degree(n) != 1;
    (carbonyl(atom) && acyclic_single(atom).into_iter().any(y_ok))
        || (y_ok(atom) && acyclic_single(atom).into_iter().any(carbonyl))
}

/// The left atom of the strict rotatable-bond pattern (the right one without the amide terms).
fn rotatable_end(molecule: &Molecule, atom: usize, amide_terms: bool) -> bool {
    let triple = molecule.neighbours(atom).iter().any(|&(_, b)| molecule.bonds()[b].order == BondOrder::Triple);
    if triple || molecule.degree(atom) == 1 || is_trihalide_or_t_butyl(molecule, atom) {
        return false;
    }
    if !amide_terms {
        return true;
    }
    let onsx = |n: usize| !molecule.atoms()[n].aromatic && matches!(z(molecule, n), 7 | 8 | 16);
    let nos_y = |n: usize| {
        let a = &molecule.atoms()[n];
        z(molecule, n) == 7 || (!a.aromatic && matches!(a.element.z(), 8 | 16))
    };
    let cation_n =
        |n: usize| z(molecule, n) == 7 && !molecule.atoms()[n].aromatic && molecule.atoms()[n].formal_charge == 1;
    let any_n = |n: usize| z(molecule, n) == 7;
    !amide_like(molecule, atom, &onsx, &nos_y) && !amide_like(molecule, atom, &cation_n, &any_n)
}

/// A single, acyclic bond between two rotatable ends.
fn is_rotatable(molecule: &Molecule, bond: usize) -> bool {
    let b = &molecule.bonds()[bond];
    if b.in_ring || b.order != BondOrder::Single {
        return false;
    }
    let [x, y] = b.atoms;
    (rotatable_end(molecule, x, true) && rotatable_end(molecule, y, false))
        || (rotatable_end(molecule, y, true) && rotatable_end(molecule, x, false))
}

/// Ertl's polar surface contribution of `atom` (Å²; 0 for atoms other than N and O).
fn tpsa_contribution(molecule: &Molecule, atom: usize) -> f64 {
    let a = &molecule.atoms()[atom];
    let (mut single, mut double, mut triple, mut aromatic) = (0, 0, 0, 0);
    for &(_, bond) in molecule.neighbours(atom) {
        match molecule.bonds()[bond].order {
            BondOrder::Single => single += 1,
            BondOrder::Double => double += 1,
            BondOrder::Triple => triple += 1,
            BondOrder::Aromatic => aromatic += 1,
        }
    }
    let (h, charge, three_ring) = (a.hydrogens, a.formal_charge, a.smallest_ring == Some(3));
    let neighbours = molecule.degree(atom) as f64;
    let known = match a.element.z() {
        7 => match (charge, h, single, double, triple, aromatic) {
            (0, 0, 3, 0, 0, 0) => Some(if three_ring { 3.01 } else { 3.24 }),
            (0, 0, 1, 1, 0, 0) => Some(12.36),
            (0, 0, 0, 0, 1, 0) => Some(23.79),
            (0, 0, 1, 2, 0, 0) => Some(11.68),
            (0, 0, 0, 1, 1, 0) => Some(13.60),
            (0, 1, 2, 0, 0, 0) => Some(if three_ring { 21.94 } else { 12.03 }),
            (0, 1, 0, 1, 0, 0) => Some(23.85),
            (0, 2, 1, 0, 0, 0) => Some(26.02),
            (0, 0, 0, 0, 0, 2) => Some(12.89),
            (0, 0, 0, 0, 0, 3) => Some(4.41),
            (0, 0, 1, 0, 0, 2) => Some(4.93),
            (0, 0, 0, 1, 0, 2) => Some(8.39),
            (0, 1, 0, 0, 0, 2) => Some(15.79),
            (1, 0, 4, 0, 0, 0) => Some(0.0),
            (1, 0, 2, 1, 0, 0) => Some(3.01),
            (1, 0, 1, 0, 1, 0) => Some(4.36),
            (1, 1, 3, 0, 0, 0) => Some(4.44),
            (1, 1, 1, 1, 0, 0) => Some(13.97),
            (1, 2, 2, 0, 0, 0) => Some(16.61),
            (1, 2, 0, 1, 0, 0) => Some(25.59),
            (1, 3, 1, 0, 0, 0) => Some(27.64),
            (1, 0, 0, 0, 0, 3) => Some(4.10),
            (1, 0, 1, 0, 0, 2) => Some(3.88),
            (1, 1, 0, 0, 0, 2) => Some(14.14),
            _ => None,
        }
        .or(Some(30.5 - neighbours * 8.2)),
        8 => match (charge, h, single, double, aromatic) {
            (0, 0, 2, 0, 0) => Some(if three_ring { 12.53 } else { 9.23 }),
            (0, 0, 0, 1, 0) => Some(17.07),
            (0, 1, 1, 0, 0) => Some(20.23),
            (-1, 0, 1, 0, 0) => Some(23.06),
            (0, 0, 0, 0, 2) => Some(13.14),
            _ => None,
        }
        .or(Some(28.5 - neighbours * 8.6)),
        _ => None,
    };
    known.unwrap_or(0.0).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(smiles: &str) -> Descriptors {
        Descriptors::of(&Molecule::from_smiles(smiles).unwrap())
    }

    /// Values from RDKit 2026.09 (`Descriptors.MolWt`, `NumHDonors`, `NumHAcceptors`,
    /// `NumRotatableBonds`, `TPSA`, …).
    #[test]
    fn ethanol() {
        let d = of("CCO");
        assert!((d.mol_weight - 46.069).abs() < 0.01, "{}", d.mol_weight);
        assert_eq!((d.heavy_atoms, d.h_donors, d.h_acceptors, d.rotatable_bonds), (3, 1, 1, 0));
        assert_eq!((d.aromatic_rings, d.aliphatic_rings, d.halogens, d.heteroatoms), (0, 0, 0, 1));
        assert!((d.fraction_csp3 - 1.0).abs() < 1e-12);
        assert!((d.tpsa - 20.23).abs() < 1e-9);
    }

    #[test]
    fn caffeine() {
        let d = of("CN1C=NC2=C1C(=O)N(C(=O)N2C)C");
        assert!((d.mol_weight - 194.194).abs() < 0.01, "{}", d.mol_weight);
        assert_eq!((d.heavy_atoms, d.h_donors, d.h_acceptors, d.rotatable_bonds), (14, 0, 3, 0));
        assert_eq!((d.aromatic_rings, d.aliphatic_rings, d.heteroatoms), (2, 0, 6));
        assert!((d.fraction_csp3 - 0.375).abs() < 1e-12);
        assert!((d.aromatic_proportion - 9.0 / 14.0).abs() < 1e-12);
        assert!((d.tpsa - 61.82).abs() < 1e-6, "{}", d.tpsa);
    }

    #[test]
    fn aspirin() {
        let d = of("CC(=O)Oc1ccccc1C(=O)O");
        assert!((d.mol_weight - 180.159).abs() < 0.01, "{}", d.mol_weight);
        assert_eq!((d.heavy_atoms, d.h_donors, d.h_acceptors, d.rotatable_bonds), (13, 1, 3, 2));
        assert_eq!((d.aromatic_rings, d.aliphatic_rings, d.heteroatoms), (1, 0, 4));
        assert!((d.fraction_csp3 - 1.0 / 9.0).abs() < 1e-12);
        assert!((d.tpsa - 63.6).abs() < 1e-6, "{}", d.tpsa);
    }

    #[test]
    fn charges_halogens_and_rigid_ends() {
        let d = of("[NH3+]CC(=O)[O-]");
        assert_eq!((d.formal_charge, d.h_donors, d.tpsa), (0, 1, 27.64 + 17.07 + 23.06));
        let d = of("FC(F)(F)c1ccc(Cl)cc1");
        assert_eq!((d.halogens, d.rotatable_bonds, d.aromatic_rings), (4, 0, 1));
        assert_eq!(of("CCCC").rotatable_bonds, 1);
        assert_eq!(of("C1CCCCC1").aliphatic_rings, 1);
        // RDKit: N-methylpyrrole 0 acceptors, oxazole 2, methylphosphonic acid 1
        assert_eq!((of("Cn1cccc1").h_acceptors, of("c1cocn1").h_acceptors, of("CP(=O)(O)O").h_acceptors), (0, 2, 1));
        assert_eq!(Descriptors::of(&Molecule::from_smiles("CCO").unwrap()).values().len(), DESCRIPTOR_NAMES.len());
    }
}
