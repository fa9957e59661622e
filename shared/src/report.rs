//! The `inspect` report: what `matfuse inspect --json` prints and the web page shows.
//!
//! Its JSON form is a stable contract read by other tools: fields are only ever added.
//! `formula` is the reduced formula in the element order of [`crate::composition`];
//! `lattice` describes the input cell after symmetry expansion (not a standardised cell);
//! `neighbors[i]` lists atom i's graph edges (≤ 12 within 8 Å, sorted by distance).

use crate::composition::reduced_formula;
use crate::describe::{DescribeOptions, describe};
use crate::error::Result;
use crate::features::{CUTOFF, MAX_NEIGHBORS};
use crate::io::{ParseOptions, parse_with};
use crate::lattice::LatticeParameters;
use crate::neighbors::{Neighbor, nearest_neighbors};
use crate::structure::Structure;
use crate::symmetry::{CrystalSystem, DEFAULT_SYMPREC, analyze};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct InspectOptions {
    /// Symmetry tolerance, Å.
    pub symprec: f64,
    /// Include the text description.
    pub describe: bool,
    /// Include each atom's graph neighbours.
    pub neighbors: bool,
}

impl Default for InspectOptions {
    fn default() -> Self {
        InspectOptions { symprec: DEFAULT_SYMPREC, describe: false, neighbors: false }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpaceGroupRef {
    pub number: u16,
    /// Short Hermann–Mauguin symbol, e.g. "Fm-3m".
    pub symbol: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteReport {
    pub index: usize,
    pub element: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Fractional coordinates as in the input.
    pub frac: [f64; 3],
    pub wyckoff: char,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub formula: String,
    pub natoms: usize,
    pub space_group: SpaceGroupRef,
    pub crystal_system: CrystalSystem,
    pub lattice: LatticeParameters,
    /// g/cm³.
    pub density: f64,
    pub sites: Vec<SiteReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighbors: Option<Vec<Vec<Neighbor>>>,
}

/// Parses `text` (any supported format) and reports on it.
pub fn inspect(text: &str, opts: &InspectOptions) -> Result<Report> {
    let structure = parse_with(text, &ParseOptions::default())?;
    report(&structure, opts)
}

/// Reports on an already parsed structure.
pub fn report(structure: &Structure, opts: &InspectOptions) -> Result<Report> {
    let symmetry = analyze(structure, opts.symprec)?;
    let description = opts
        .describe
        .then(|| describe(structure, &symmetry, &DescribeOptions { symprec: opts.symprec, ..Default::default() }).text);
    let sites = structure
        .sites()
        .iter()
        .enumerate()
        .map(|(index, s)| SiteReport {
            index,
            element: s.element.symbol().to_string(),
            label: s.label.clone(),
            frac: s.frac,
            wyckoff: symmetry.wyckoffs.get(index).copied().unwrap_or('?'),
        })
        .collect();
    Ok(Report {
        formula: reduced_formula(structure),
        natoms: structure.len(),
        space_group: SpaceGroupRef { number: symmetry.number, symbol: symmetry.symbol.clone() },
        crystal_system: symmetry.crystal_system,
        lattice: structure.lattice().parameters(),
        density: structure.density(),
        sites,
        description,
        neighbors: opts.neighbors.then(|| nearest_neighbors(structure, CUTOFF, MAX_NEIGHBORS)),
    })
}
