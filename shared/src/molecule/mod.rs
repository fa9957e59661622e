//! Molecules from SMILES: the chemistry the molecule models need, in plain Rust for native code
//! and wasm32.
//!
//! Data flow: SMILES ─[`smiles`]→ atoms and bonds as written ─ explicit H folded, rings found,
//! N-oxides charge-separated, implicit H, kekulised, valences checked, aromaticity perceived,
//! conjugation and hybridisation, double-bond E/Z ─→ [`Molecule`]
//! ─→ [`graph::MolecularGraph`] (D-MPNN features), [`fingerprint::MorganFingerprint`],
//! [`tokens::SmilesTokens`], [`depict::Depiction`] → [`svg::to_svg`].
//!
//! Crate decision: the reader is written here rather than taken from `purr` 0.9.0 or
//! `opensmiles` 0.1.3. Both build for wasm32, but neither kekulises, perceives aromaticity the
//! RDKit way or rejects pentavalent carbon and `c1cccc1`, which the graph and the fingerprint
//! need; purr (unchanged since 2021) reports a bare character index without saying what is wrong,
//! and opensmiles (a weeks-old 0.1 on thiserror 1) gives no position for unclosed rings,
//! branches or unknown elements and a wrong one for a stray `)`. The reader itself is the smallest
//! part of the work, so owning it costs less than adapting either.
//!
//! Simplifications, all documented where they live: aromaticity is RDKit-like (Hückel 4n+2 on
//! each SSSR ring and on pairs of fused rings, not on larger ring combinations); chirality tags
//! are kept as written (not re-derived from neighbour order as RDKit does); double-bond E/Z uses
//! a first-sphere approximation of the CIP rules.

mod aromaticity;
pub mod crippen;
pub mod depict;
pub mod descriptors;
mod error;
pub mod features;
pub mod fingerprint;
pub mod gallery;
pub mod graph;
mod hybridisation;
mod hydrogens;
mod kekulise;
mod rings;
pub mod scaffold;
mod smiles;
mod stereo;
pub mod svg;
pub mod tokens;
mod valence;
pub mod writer;

use crate::Element;
use serde::Serialize;

pub use error::{SmilesError, SmilesErrorKind};

/// A molecule read from SMILES, with hydrogens folded into their heavy atoms (as RDKit's default
/// `MolFromSmiles`: only `[H]` that carry an isotope or charge, or bond to another H or to
/// nothing, stay atoms).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Molecule {
    smiles: String,
    atoms: Vec<Atom>,
    bonds: Vec<Bond>,
    /// For each atom, its (neighbour atom, bond) pairs in bond order.
    #[serde(skip)]
    neighbours: Vec<Vec<(usize, usize)>>,
    /// Smallest set of smallest rings, each as atoms in ring order.
    rings: Vec<Vec<usize>>,
}

/// One atom of a [`Molecule`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Atom {
    pub element: Element,
    /// Mass number as written (`[13C]`), if any.
    pub isotope: Option<u16>,
    pub formal_charge: i8,
    /// Hydrogens attached but not in the graph (implicit, bracket count, folded `[H]`).
    pub hydrogens: u8,
    /// Aromatic as perceived (not as written).
    pub aromatic: bool,
    /// Written in brackets (so no implicit hydrogens were added).
    pub bracket: bool,
    pub chirality: Chirality,
    pub atom_class: Option<u32>,
    pub hybridisation: Hybridisation,
    /// Size of the smallest ring through the atom; `None` outside rings.
    pub smallest_ring: Option<u16>,
    /// 0-based character index of the atom's token in the SMILES.
    pub position: usize,
}

/// One bond of a [`Molecule`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bond {
    /// The two atoms, in the order written.
    pub atoms: [usize; 2],
    /// Order as perceived: aromatic bonds are [`BondOrder::Aromatic`].
    pub order: BondOrder,
    /// Order in the Kekulé structure: single, double or triple.
    pub kekule_order: BondOrder,
    /// `/` or `\` as written, read from `atoms[0]` to `atoms[1]`.
    pub direction: BondDirection,
    /// E/Z of a double bond whose neighbours carry `/` `\` marks.
    pub stereo: DoubleBondStereo,
    pub in_ring: bool,
    pub conjugated: bool,
    /// 0-based character index of the bond symbol, ring digit or (for an elided bond) second atom.
    pub position: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BondOrder {
    Single,
    Double,
    Triple,
    Aromatic,
}

impl BondOrder {
    /// Bond order as a number (aromatic 1.5).
    pub fn as_f32(self) -> f32 {
        match self {
            BondOrder::Single => 1.0,
            BondOrder::Double => 2.0,
            BondOrder::Triple => 3.0,
            BondOrder::Aromatic => 1.5,
        }
    }

    /// Electrons shared (Kekulé orders only; aromatic counts as 1, its π bond being elsewhere).
    pub(crate) fn valence(self) -> u8 {
        match self {
            BondOrder::Single | BondOrder::Aromatic => 1,
            BondOrder::Double => 2,
            BondOrder::Triple => 3,
        }
    }
}

/// Direction mark of a single bond next to a double bond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BondDirection {
    None,
    /// `/`
    Up,
    /// `\`
    Down,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DoubleBondStereo {
    None,
    /// Higher-priority neighbours on the same side (zusammen).
    Z,
    /// Higher-priority neighbours on opposite sides (entgegen).
    E,
}

/// Chirality mark as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Chirality {
    None,
    /// `@` (or `@TH1`): neighbours anticlockwise seen from the first.
    Anticlockwise,
    /// `@@` (or `@TH2`).
    Clockwise,
    /// `@AL`, `@SP`, `@TB`, `@OH` classes: `class` is the two letters, `number` the index.
    Other {
        class: [u8; 2],
        number: u8,
    },
}

/// Hybridisation from the steric number (neighbours + H + lone pairs), as RDKit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hybridisation {
    S,
    Sp,
    Sp2,
    Sp3,
    Sp3d,
    Sp3d2,
    Other,
}

impl Atom {
    /// Element symbol, lowercase when aromatic (`c`, `n`, `se`).
    pub fn symbol(&self) -> String {
        let symbol = self.element.symbol();
        if self.aromatic { symbol.to_ascii_lowercase() } else { symbol.to_string() }
    }

    pub fn in_ring(&self) -> bool {
        self.smallest_ring.is_some()
    }

    /// Mass in amu: the mass number of a written isotope, else the standard atomic weight.
    pub fn mass(&self) -> f64 {
        self.isotope.map_or(self.element.atomic_mass(), f64::from)
    }
}

impl Bond {
    /// The atom across the bond from `atom`.
    pub fn other(&self, atom: usize) -> usize {
        if self.atoms[0] == atom { self.atoms[1] } else { self.atoms[0] }
    }
}

/// The longest SMILES read, in characters: ring perception, kekulisation and the layout grow
/// faster than linearly, so a pasted polymer or protein is refused instead of stalling the page.
/// The longest in the four MoleculeNet sets has 267.
pub const MAX_SMILES_CHARS: usize = 1_000;

impl Molecule {
    /// Reads a SMILES string (surrounding whitespace is ignored; positions stay those of `smiles`).
    pub fn from_smiles(smiles: &str) -> Result<Molecule, SmilesError> {
        let chars = smiles.trim().chars().count();
        if chars > MAX_SMILES_CHARS {
            return Err(SmilesError::new(0, SmilesErrorKind::TooLong { chars, max: MAX_SMILES_CHARS }));
        }
        let written = smiles::read(smiles)?;
        let (atoms, bonds) = hydrogens::fold_explicit_hydrogens(written.atoms, written.bonds);
        let mut molecule = Molecule::assemble(smiles, atoms, bonds);
        rings::perceive(&mut molecule);
        if let Some(atom) = molecule.atoms.iter().find(|a| a.aromatic && !a.in_ring()) {
            return Err(SmilesError::new(
                atom.position,
                SmilesErrorKind::AromaticOutsideRing { symbol: atom.symbol() },
            ));
        }
        valence::separate_nitrogen_oxide_charges(&mut molecule);
        let needs_double_bond = valence::assign_implicit_hydrogens(&mut molecule);
        kekulise::kekulise(&mut molecule, &needs_double_bond)?;
        valence::check(&molecule)?;
        aromaticity::perceive(&mut molecule);
        hybridisation::perceive(&mut molecule);
        stereo::perceive(&mut molecule);
        Ok(molecule)
    }

    fn assemble(smiles: &str, atoms: Vec<Atom>, bonds: Vec<Bond>) -> Molecule {
        let mut neighbours = vec![Vec::new(); atoms.len()];
        for (index, bond) in bonds.iter().enumerate() {
            let [a, b] = bond.atoms;
            neighbours[a].push((b, index));
            neighbours[b].push((a, index));
        }
        Molecule { smiles: smiles.to_string(), atoms, bonds, neighbours, rings: Vec::new() }
    }

    /// The SMILES this molecule was read from, as given.
    pub fn smiles(&self) -> &str {
        &self.smiles
    }

    pub fn atoms(&self) -> &[Atom] {
        &self.atoms
    }

    pub fn bonds(&self) -> &[Bond] {
        &self.bonds
    }

    /// (neighbour atom, bond index) pairs of `atom`.
    pub fn neighbours(&self, atom: usize) -> &[(usize, usize)] {
        &self.neighbours[atom]
    }

    /// Number of atoms bonded to `atom` in the graph (hydrogens folded into it not counted).
    pub fn degree(&self, atom: usize) -> usize {
        self.neighbours[atom].len()
    }

    /// Neighbours in the graph plus attached hydrogens.
    pub fn total_degree(&self, atom: usize) -> usize {
        self.degree(atom) + usize::from(self.atoms[atom].hydrogens)
    }

    /// Smallest set of smallest rings (SSSR), each as its atoms in ring order.
    pub fn rings(&self) -> &[Vec<usize>] {
        &self.rings
    }

    /// Atoms with Z > 1.
    pub fn heavy_atom_count(&self) -> usize {
        self.atoms.iter().filter(|a| a.element.z() > 1).count()
    }

    /// All hydrogens: H atoms in the graph plus those folded into heavy atoms.
    pub fn hydrogen_count(&self) -> usize {
        self.atoms.iter().map(|a| usize::from(a.hydrogens) + usize::from(a.element.z() == 1)).sum()
    }

    pub fn formal_charge(&self) -> i32 {
        self.atoms.iter().map(|a| i32::from(a.formal_charge)).sum()
    }

    /// Connected components (the parts of a salt), each as sorted atom indices, in order of
    /// their first atom.
    pub fn components(&self) -> Vec<Vec<usize>> {
        let mut component = vec![usize::MAX; self.atoms.len()];
        let mut components = Vec::new();
        for start in 0..self.atoms.len() {
            if component[start] != usize::MAX {
                continue;
            }
            let mut members = vec![start];
            component[start] = components.len();
            let mut next = 0;
            while next < members.len() {
                let atom = members[next];
                next += 1;
                for &(neighbour, _) in &self.neighbours[atom] {
                    if component[neighbour] == usize::MAX {
                        component[neighbour] = components.len();
                        members.push(neighbour);
                    }
                }
            }
            members.sort_unstable();
            components.push(members);
        }
        components
    }

    /// Molecular formula in Hill order (C, H, then alphabetical; alphabetical without C).
    pub fn formula(&self) -> String {
        let mut counts = std::collections::BTreeMap::<&str, usize>::new();
        for atom in &self.atoms {
            *counts.entry(atom.element.symbol()).or_default() += 1;
        }
        let hydrogens = self.hydrogen_count();
        if hydrogens > 0 {
            counts.insert("H", hydrogens);
        }
        let mut order: Vec<&str> = Vec::new();
        if counts.contains_key("C") {
            order.extend(["C", "H"].iter().filter(|s| counts.contains_key(*s)));
        }
        order.extend(counts.keys().filter(|s| !order.contains(s)).copied().collect::<Vec<_>>());
        order.iter().map(|s| if counts[s] == 1 { s.to_string() } else { format!("{s}{}", counts[s]) }).collect()
    }
}
