//! The lower convex hull of formation energy at one composition, as a linear program.
//!
//! Over the phases of the query's chemical system plus its pure elements (0 eV/atom), find
//! atom fractions wᵢ ≥ 0 with Σ wᵢ xᵢ = x (xᵢ, x: atom fractions of phase i and of the query) that
//! minimise Σ wᵢ Eᵢ (Eᵢ in eV/atom). The minimum is the hull energy at x and the phases with
//! wᵢ > 0 are the decomposition products (Σ wᵢ = 1 follows from the constraints). Of the phases
//! sharing a composition only the lowest in energy takes part (ties: a pure element first, then
//! the smallest id), as in pymatgen's `PhaseDiagram`.

use super::element_set::ElementSet;
use super::phase_table::{Phase, PhaseTable};
use crate::composition::{reduced_formula_of, validated_amounts};
use crate::element::Element;
use crate::error::{Error, Result};
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The most elements a query's chemical system may have (its 2ⁿ − 1 subsystems are looked up).
pub const MAX_ELEMENTS: usize = 12;

/// Products below this atom fraction are the linear program's round-off and are dropped.
const MIN_FRACTION: f64 = 1e-7;

/// One product of a decomposition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecompositionProduct {
    /// The reference phase's id; `None` for a pure element at 0 eV/atom.
    pub id: Option<String>,
    /// Reduced formula ("TiO2"; a pure element as the Materials Project writes it: "Sr", "O2").
    pub formula: String,
    /// Fraction of the query's atoms that end up in this product; the fractions sum to 1.
    pub fraction: f64,
    /// eV/atom.
    pub formation_energy_per_atom: f64,
}

/// The convex hull at one composition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HullPoint {
    /// eV/atom.
    pub energy_per_atom: f64,
    /// Largest fraction first.
    pub decomposition: Vec<DecompositionProduct>,
}

/// The hull of `table`'s phases (those with an id in `excluded_ids` left out) at `composition`
/// (atoms per formula unit; any scale).
pub fn hull_at(table: &PhaseTable, composition: &[(Element, f64)], excluded_ids: &[&str]) -> Result<HullPoint> {
    let composition = validated_amounts(composition)?;
    let system = ElementSet::of(composition.iter().map(|&(e, _)| e));
    if system.len() > MAX_ELEMENTS {
        return Err(Error::TooManyElements { count: system.len(), max: MAX_ELEMENTS });
    }
    let elements: Vec<Element> = system.elements().collect();
    let target = atom_fractions(&composition, &elements);
    let candidates = lowest_per_composition(table, &elements, system, excluded_ids);

    let (energy_per_atom, weights) = cheapest_mixture(&candidates, &target)?;

    let kept: Vec<(&Candidate, f64)> = candidates.iter().zip(weights).filter(|&(_, w)| w > MIN_FRACTION).collect();
    let total: f64 = kept.iter().map(|(_, w)| w).sum();
    let mut decomposition: Vec<DecompositionProduct> = kept
        .into_iter()
        .map(|(c, w)| DecompositionProduct {
            id: c.source.id().map(str::to_string),
            formula: c.source.reduced_formula(),
            fraction: w / total,
            formation_energy_per_atom: c.energy,
        })
        .collect();
    decomposition.sort_by(|a, b| b.fraction.total_cmp(&a.fraction).then_with(|| a.formula.cmp(&b.formula)));
    Ok(HullPoint { energy_per_atom, decomposition })
}

/// The lowest-energy mixture of `candidates` whose atom fractions are `target`: its energy
/// (eV/atom) and the atom fraction of each candidate in it (the linear program).
fn cheapest_mixture(candidates: &[Candidate], target: &[f64]) -> Result<(f64, Vec<f64>)> {
    let mut problem = Problem::new(OptimizationDirection::Minimize);
    let weights: Vec<_> = candidates.iter().map(|c| problem.add_var(c.energy, (0.0, f64::INFINITY))).collect();
    for (j, &x) in target.iter().enumerate() {
        let terms: Vec<_> = candidates
            .iter()
            .zip(&weights)
            .filter(|(c, _)| c.fractions[j] > 0.0)
            .map(|(c, &w)| (w, c.fractions[j]))
            .collect();
        problem.add_constraint(terms.as_slice(), ComparisonOp::Eq, x);
    }
    let solution = problem
        .solve()
        .map_err(|e| Error::HullSolver { message: e.to_string() })?
        .into_solution()
        .map_err(|e| Error::HullSolver { message: format!("{:?}", e.termination_reason()) })?;
    Ok((solution.objective(), weights.iter().map(|&w| solution.var_value(w)).collect()))
}

/// The phases of `table` on the hull of their own chemical system (within `tolerance`, eV/atom):
/// the only ones that ever set a hull energy or appear in a decomposition, since a composition of
/// a subsystem is reached only by that subsystem's phases. What the web page needs; but judging
/// one of these phases with the others excluded needs the whole table.
pub fn phases_on_hull(table: &PhaseTable, tolerance: f64) -> Result<PhaseTable> {
    let mut kept = Vec::new();
    for phase in table.phases() {
        if phase.formation_energy_per_atom() - hull_at(table, phase.composition(), &[])?.energy_per_atom <= tolerance {
            kept.push(phase.clone());
        }
    }
    Ok(PhaseTable::new(kept))
}

/// A point of the hull's composition–energy space.
struct Candidate<'a> {
    source: Source<'a>,
    /// Atom fraction of each element of the system, in the order of the system's elements.
    fractions: Vec<f64>,
    /// eV/atom.
    energy: f64,
}

impl Candidate<'_> {
    /// pymatgen's order among phases of one composition: energy, then name (a pure element first).
    fn precedes(&self, other: &Candidate) -> bool {
        let id = |c: &Candidate| c.source.id().unwrap_or("").to_string();
        self.energy < other.energy || (self.energy == other.energy && id(self) < id(other))
    }
}

enum Source<'a> {
    /// An implicit reference at 0 eV/atom.
    Element(Element),
    Phase(&'a Phase),
}

impl Source<'_> {
    fn id(&self) -> Option<&str> {
        match self {
            Source::Element(_) => None,
            Source::Phase(phase) => Some(phase.id()),
        }
    }

    fn reduced_formula(&self) -> String {
        match self {
            Source::Element(element) => reduced_formula_of(&[(*element, 1.0)]),
            Source::Phase(phase) => phase.reduced_formula(),
        }
    }
}

/// The pure elements and the table's phases of `system`, the lowest of each composition.
fn lowest_per_composition<'a>(
    table: &'a PhaseTable,
    elements: &[Element],
    system: ElementSet,
    excluded_ids: &[&str],
) -> Vec<Candidate<'a>> {
    let pure = elements.iter().map(|&e| Candidate {
        source: Source::Element(e),
        fractions: atom_fractions(&[(e, 1.0)], elements),
        energy: 0.0,
    });
    let phases = table.phases_of_system(system).filter(|p| !excluded_ids.contains(&p.id())).map(|p| Candidate {
        source: Source::Phase(p),
        fractions: atom_fractions(p.composition(), elements),
        energy: p.formation_energy_per_atom(),
    });
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut by_composition: HashMap<Vec<i64>, usize> = HashMap::new();
    for candidate in pure.chain(phases) {
        let key = candidate.fractions.iter().map(|f| (f * 1e9).round() as i64).collect();
        match by_composition.get(&key) {
            Some(&i) if candidate.precedes(&candidates[i]) => candidates[i] = candidate,
            Some(_) => {}
            None => {
                by_composition.insert(key, candidates.len());
                candidates.push(candidate);
            }
        }
    }
    candidates
}

/// Atom fraction of each of `elements` in `composition` (whose elements are among them).
fn atom_fractions(composition: &[(Element, f64)], elements: &[Element]) -> Vec<f64> {
    let atoms: f64 = composition.iter().map(|(_, n)| n).sum();
    elements.iter().map(|e| composition.iter().find(|(x, _)| x == e).map_or(0.0, |(_, n)| n / atoms)).collect()
}
