//! Energy-above-hull labels derived from the training split itself (`train.hull_labels`).
//! mp2022_ehull measures the energy above hull of about 1,750 training structures, while mp2018
//! gives about 29,000 a formation energy. The convex hull of the training split's formation
//! energies (elements at 0) gives each of those a height above its own chemical system's hull:
//! the label the Materials Project would compute from these energies. They sit on its 2018
//! correction scheme where the measured labels use its 2020 one; RESULTS.md §7 measures the
//! difference (0.015 eV/atom on average). Only training rows get one: validation and test keep
//! their measured labels, so what chooses and what reports is unchanged.

use crate::dataset::set_label;
use shared::composition::parse_formula;
use shared::dataset::FeaturizedRecord;
use shared::stability::{ON_HULL_TOLERANCE, Phase, PhaseTable, energy_above_hull, phases_on_hull};

/// What [`fill`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HullLabels {
    /// Training rows that gained a label.
    pub filled: usize,
    /// Training rows with a formation energy the hull could not place (a formula that does not
    /// parse, or more elements than the hull solves for); they keep no label.
    pub skipped: usize,
}

/// Gives every `train` record (indices into `records`, labels in registry order) with a
/// formation energy and no energy-above-hull label the height of that formation energy above
/// the hull of the formation energies of every record of the `train` split, clipped at 0. (The
/// hull is the whole split's even when a smoke run trains on the first rows only.)
pub fn fill(records: &mut [FeaturizedRecord], train: &[usize]) -> shared::Result<HullLabels> {
    let none = HullLabels { filled: 0, skipped: 0 };
    let (Some(formation), Some(ehull)) =
        (shared::task::index("formation_energy_per_atom"), shared::task::index("energy_above_hull"))
    else {
        return Ok(none);
    };
    let energy = |r: &FeaturizedRecord| r.labels.get(formation).copied().flatten().map(f64::from);
    let phases: Vec<Phase> = records
        .iter()
        .filter(|r| r.split.as_deref() == Some("train"))
        .filter_map(|r| energy(r).and_then(|e| Phase::from_formula(&r.id, &r.formula, e).ok()))
        .collect();
    let table = phases_on_hull(&PhaseTable::new(phases), ON_HULL_TOLERANCE)?;
    let mut outcome = none;
    for &i in train {
        let record = &mut records[i];
        let Some(e) = energy(record) else { continue };
        if record.labels.get(ehull).copied().flatten().is_some() {
            continue;
        }
        let above = parse_formula(&record.formula).and_then(|c| energy_above_hull(&table, &c, e, 0.0));
        match above {
            Ok(answer) => {
                set_label(&mut record.labels, ehull, Some(answer.energy_above_hull.max(0.0) as f32));
                outcome.filled += 1;
            }
            Err(_) => outcome.skipped += 1,
        }
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, formula: &str, split: &str, formation: Option<f32>, ehull: Option<f32>) -> FeaturizedRecord {
        let mut labels = vec![None; shared::task::TASKS.len()];
        labels[shared::task::index("formation_energy_per_atom").unwrap()] = formation;
        labels[shared::task::index("energy_above_hull").unwrap()] = ehull;
        FeaturizedRecord {
            row: 0,
            id: id.into(),
            split: Some(split.into()),
            formula: formula.into(),
            space_group: 1,
            graph: shared::graph::CrystalGraph {
                atomic_numbers: vec![],
                edge_src: vec![],
                edge_dst: vec![],
                edge_distance: vec![],
            },
            description: String::new(),
            labels,
        }
    }

    fn ehull(r: &FeaturizedRecord) -> Option<f32> {
        r.labels[shared::task::index("energy_above_hull").unwrap()]
    }

    #[test]
    fn training_rows_get_their_height_above_the_training_hull_and_nothing_else_changes() {
        let mut records = vec![
            // Na-Cl: NaCl on the hull at -2.0; a made-up Na2Cl above the line from Na to NaCl.
            record("nacl", "NaCl", "train", Some(-2.0), None),
            record("na2cl", "Na2Cl", "train", Some(-1.0), None),
            // A measured label is kept, whatever the hull says.
            record("nacl-2", "NaCl", "train", Some(-1.9), Some(0.05)),
            // No formation energy: nothing to place.
            record("ehull-only", "NaCl", "train", None, Some(0.2)),
            // Validation rows are neither in the table nor labelled.
            record("val", "NaCl", "val", Some(-2.5), None),
        ];
        let outcome = fill(&mut records, &[0, 1, 2, 3]).unwrap();
        assert_eq!(outcome, HullLabels { filled: 2, skipped: 0 });
        assert_eq!(ehull(&records[0]), Some(0.0));
        // The hull at Na2Cl (1/3 Cl) is 2/3 of NaCl's -2.0: -4/3; Na2Cl lies 1/3 above it.
        assert!((ehull(&records[1]).unwrap() - 1.0 / 3.0).abs() < 1e-6, "{:?}", ehull(&records[1]));
        assert_eq!(ehull(&records[2]), Some(0.05));
        assert_eq!(ehull(&records[3]), Some(0.2));
        assert_eq!(ehull(&records[4]), None, "the validation row, below the training hull, gets no label");
    }
}
