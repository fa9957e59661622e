//! Thermodynamic stability: energy above the convex hull of known phases, with decomposition
//! products, the way the Materials Project computes it.
//!
//! [`PhaseTable`] holds reference phases (formation energies in eV/atom, pure elements implicit at
//! 0) grouped by chemical system; [`energy_above_hull`] compares a (predicted) formation energy
//! with the lower convex hull of the query's chemical system.
//!
//! The hull at a composition is a small linear program ([`hull_at`]), solved with `microlp`
//! (pure Rust, maintained, builds for wasm32, a fork of the unmaintained `minilp`) rather than a
//! qhull-style triangulation: it needs no hull of the whole system, only one solve over the
//! system's phases (hundreds at most), is exact up to the solver's 1e-7 feasibility tolerance,
//! and its optimal vertex is the decomposition. Against pymatgen's `PhaseDiagram` on 150 mp2018
//! val rows (train rows as the table) it agrees on every energy above hull (within 1e-13 eV/atom)
//! and every decomposition, at about 0.1 ms per query (`tests/tests/hull_pymatgen.rs`).

mod element_set;
mod hull;
mod phase_table;
mod probability;
#[cfg(test)]
mod tests;

pub use element_set::ElementSet;
pub use hull::{DecompositionProduct, HullPoint, MAX_ELEMENTS, hull_at, phases_on_hull};
pub use phase_table::{MAX_TABLE_BYTES, Phase, PhaseTable};
pub use probability::{probability_on_hull, standard_normal_cdf};

use crate::element::Element;
use crate::error::{Error, Result};
use serde::Serialize;

/// A query at most this far above the hull (eV/atom) counts as on it: the linear program's
/// round-off.
pub const ON_HULL_TOLERANCE: f64 = 1e-6;

/// A formation energy compared with the convex hull of known phases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HullAnswer {
    /// The query's formation energy, eV/atom.
    pub formation_energy_per_atom: f64,
    /// The hull at the query's composition, eV/atom.
    pub hull_energy_per_atom: f64,
    /// Formation energy − hull energy, eV/atom; negative when the query lies below the hull
    /// (it would be a new stable phase).
    pub energy_above_hull: f64,
    /// On or below the hull (within [`ON_HULL_TOLERANCE`]).
    pub is_stable: bool,
    /// Probability of lying on or below the hull given σ of the formation energy.
    pub probability_on_hull: f64,
    /// The phases the hull has at this composition, largest atom fraction first.
    pub decomposition: Vec<DecompositionProduct>,
}

impl HullAnswer {
    /// "0.4 SrO + 0.6 TiO2" (fractions by atoms, at most 3 decimals).
    pub fn decomposition_text(&self) -> String {
        let fraction = |f: f64| format!("{f:.3}").trim_end_matches('0').trim_end_matches('.').to_string();
        self.decomposition
            .iter()
            .map(|p| format!("{} {}", fraction(p.fraction), p.formula))
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// Where `formation_energy_per_atom` (eV/atom) at `composition` (atoms per formula unit) lies
/// relative to the hull of `table`, with σ (eV/atom, ≥ 0) its standard deviation.
pub fn energy_above_hull(
    table: &PhaseTable,
    composition: &[(Element, f64)],
    formation_energy_per_atom: f64,
    sigma: f64,
) -> Result<HullAnswer> {
    energy_above_hull_excluding(table, composition, formation_energy_per_atom, sigma, &[])
}

/// [`energy_above_hull`] against the table without the phases of `excluded_ids` (to judge one of
/// the table's own phases against the others).
pub fn energy_above_hull_excluding(
    table: &PhaseTable,
    composition: &[(Element, f64)],
    formation_energy_per_atom: f64,
    sigma: f64,
    excluded_ids: &[&str],
) -> Result<HullAnswer> {
    if !formation_energy_per_atom.is_finite() {
        return Err(Error::NonFinite { what: "the formation energy per atom".to_string() });
    }
    if !(sigma.is_finite() && sigma >= 0.0) {
        return Err(Error::InvalidSigma { sigma });
    }
    let hull = hull_at(table, composition, excluded_ids)?;
    let energy_above_hull = formation_energy_per_atom - hull.energy_per_atom;
    Ok(HullAnswer {
        formation_energy_per_atom,
        hull_energy_per_atom: hull.energy_per_atom,
        energy_above_hull,
        is_stable: energy_above_hull <= ON_HULL_TOLERANCE,
        probability_on_hull: probability_on_hull(energy_above_hull, sigma, ON_HULL_TOLERANCE),
        decomposition: hull.decomposition,
    })
}
