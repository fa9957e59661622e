//! Robocrystallographer-style text descriptions of crystal structures.
//!
//! `describe` turns a [`Structure`] and its [`Symmetry`] into sentences, most informative
//! first (text encoders truncate): formula, structure type and space group; then, for each
//! symmetry-inequivalent site, its bonded neighbours, coordination geometry, polyhedral
//! connectivity, octahedral tilts and bond lengths; then lattice parameters and density.
//!
//! Pipeline: [`environment`] decides which neighbours are bonded, [`geometry`] names each
//! coordination shell, [`connectivity`] finds shared corners, edges and faces, [`prototype`]
//! names common structure types, and [`sentences`] writes the text. The output is deterministic
//! (ordered collections only, numbers printed with fixed decimals) and identical on native and
//! WebAssembly targets.

pub mod connectivity;
pub mod environment;
pub mod geometry;
pub mod prototype;
mod sentences;
mod words;

pub use words::number as number_in_words;

use crate::composition::composition;
use crate::element::Element;
use crate::error::Result;
use crate::lattice::{Vec3, sub};
use crate::structure::Structure;
use crate::symmetry::{self, Symmetry};
use environment::Bond;
use geometry::Geometry;
use serde::{Deserialize, Serialize};

/// Settings of [`describe`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DescribeOptions {
    /// Symmetry tolerance (Å) used by [`describe_structure`].
    pub symprec: f64,
    /// A cation bonds to all anions within `(1 + ionic_tolerance)` × its shortest
    /// cation–anion distance (see [`environment`]).
    pub ionic_tolerance: f64,
    /// Metals, covalent solids and like-role contacts in ionic solids: bonds within
    /// `(1 + metallic_tolerance)` × the shortest distance. Keep below 0.155 so that bcc
    /// metals stay 8-coordinate.
    pub metallic_tolerance: f64,
}

impl Default for DescribeOptions {
    fn default() -> Self {
        DescribeOptions { symprec: symmetry::DEFAULT_SYMPREC, ionic_tolerance: 0.25, metallic_tolerance: 0.1 }
    }
}

/// A text description and the per-site facts it was written from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Description {
    /// All sentences joined by spaces.
    pub text: String,
    pub sentences: Vec<String>,
    /// One entry per symmetry-inequivalent site, in the order of the text.
    pub sites: Vec<SiteEnvironment>,
}

/// The coordination environment of one symmetry-inequivalent site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteEnvironment {
    /// Index of the representative atom in the structure.
    pub site: usize,
    pub element: Element,
    pub wyckoff: char,
    /// Number of equivalent atoms in the cell.
    pub multiplicity: usize,
    pub coordination: usize,
    /// Coordination geometry, e.g. "octahedral"; `None` when no ideal shape fits.
    pub geometry: Option<String>,
    /// The geometry deviates noticeably from the ideal shape.
    pub distorted: bool,
    /// Bonded neighbours counted by element, in formula order.
    pub neighbors: Vec<(Element, usize)>,
    /// Bond lengths to each neighbouring element, in formula order.
    pub bond_lengths: Vec<BondLengths>,
}

/// The bonds from one site to the atoms of one element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BondLengths {
    pub element: Element,
    pub count: usize,
    /// Shortest bond, Å.
    pub min: f64,
    /// Longest bond, Å.
    pub max: f64,
}

/// Describes `structure`, whose symmetry is `symmetry` (from [`symmetry::analyze`]).
pub fn describe(structure: &Structure, symmetry: &Symmetry, opts: &DescribeOptions) -> Description {
    let analysis = Analysis::new(structure, symmetry, opts);
    let sites: Vec<SiteEnvironment> = analysis.site_order().into_iter().map(|i| analysis.environment(i)).collect();
    let sentences = sentences::write(&analysis);
    Description { text: sentences.join(" "), sentences, sites }
}

/// Runs the symmetry analysis at `opts.symprec`, then [`describe`].
pub fn describe_structure(structure: &Structure, opts: &DescribeOptions) -> Result<Description> {
    let symmetry = symmetry::analyze(structure, opts.symprec)?;
    Ok(describe(structure, &symmetry, opts))
}

/// Everything the sentences are written from.
struct Analysis<'a> {
    structure: &'a Structure,
    symmetry: &'a Symmetry,
    bonds: Vec<Vec<Bond>>,
    /// Geometry of every atom (that of its orbit's representative).
    geometries: Vec<Option<Geometry>>,
    /// Elements in formula order.
    elements: Vec<Element>,
}

impl<'a> Analysis<'a> {
    fn new(structure: &'a Structure, symmetry: &'a Symmetry, opts: &DescribeOptions) -> Self {
        let bonds = environment::bonds(structure, opts);
        let representative_geometry: Vec<Option<Geometry>> = (0..structure.len())
            .map(|i| {
                if symmetry.orbits[i] == i { geometry::classify(&bond_vectors(structure, &bonds[i], i)) } else { None }
            })
            .collect();
        let geometries = (0..structure.len()).map(|i| representative_geometry[symmetry.orbits[i]]).collect();
        let elements = composition(structure).into_iter().map(|(e, _)| e).collect();
        Analysis { structure, symmetry, bonds, geometries, elements }
    }

    fn element(&self, i: usize) -> Element {
        self.structure.sites()[i].element
    }

    /// Position of `e` in the formula.
    fn rank(&self, e: Element) -> usize {
        self.elements.iter().position(|&x| x == e).unwrap_or(usize::MAX)
    }

    fn orbit(&self, i: usize) -> usize {
        self.symmetry.orbits[i]
    }

    /// Inequivalent sites grouped by element in formula order, then by Wyckoff letter and
    /// environment (coordination number, bond lengths): an order that does not depend on the
    /// order of the input sites.
    fn site_order(&self) -> Vec<usize> {
        let mut reps = self.symmetry.inequivalent_sites();
        let key = |i: usize| {
            let mut lengths: Vec<i64> = self.bonds[i].iter().map(|b| (b.distance * 1e3).round() as i64).collect();
            lengths.sort_unstable();
            (self.rank(self.element(i)), self.symmetry.wyckoffs[i], self.bonds[i].len(), lengths)
        };
        reps.sort_by_cached_key(|&i| (key(i), i));
        reps
    }

    /// Atoms bonded to `i` grouped by element in formula order, each group's bonds sorted by
    /// distance.
    fn neighbor_groups(&self, i: usize) -> Vec<(Element, Vec<Bond>)> {
        let mut groups: Vec<(Element, Vec<Bond>)> = Vec::new();
        for b in &self.bonds[i] {
            let e = self.element(b.j);
            match groups.iter_mut().find(|(x, _)| *x == e) {
                Some((_, list)) => list.push(*b),
                None => groups.push((e, vec![*b])),
            }
        }
        groups.sort_by_key(|(e, _)| self.rank(*e));
        groups
    }

    fn environment(&self, i: usize) -> SiteEnvironment {
        let groups = self.neighbor_groups(i);
        let geometry = self.geometries[i];
        SiteEnvironment {
            site: i,
            element: self.element(i),
            wyckoff: self.symmetry.wyckoffs[i],
            multiplicity: self.symmetry.multiplicity(i),
            coordination: self.bonds[i].len(),
            geometry: geometry.map(|g| g.name.to_string()),
            distorted: geometry.is_some_and(|g| g.distorted),
            neighbors: groups.iter().map(|(e, b)| (*e, b.len())).collect(),
            bond_lengths: groups
                .iter()
                .map(|(e, b)| BondLengths {
                    element: *e,
                    count: b.len(),
                    min: b.iter().map(|x| x.distance).fold(f64::INFINITY, f64::min),
                    max: b.iter().map(|x| x.distance).fold(0.0, f64::max),
                })
                .collect(),
        }
    }
}

/// Cartesian vectors (Å) from atom `i` to its bonded neighbours.
fn bond_vectors(structure: &Structure, bonds: &[Bond], i: usize) -> Vec<Vec3> {
    let centre = structure.lattice().to_cartesian(structure.sites()[i].wrapped_frac());
    bonds
        .iter()
        .map(|b| {
            let f = structure.sites()[b.j].wrapped_frac();
            let t = b.image.map(f64::from);
            sub(structure.lattice().to_cartesian([f[0] + t[0], f[1] + t[1], f[2] + t[2]]), centre)
        })
        .collect()
}
