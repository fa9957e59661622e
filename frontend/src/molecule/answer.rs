//! Reading the molecule bundles' answers for the drawing: which atoms drove a task, and which
//! fingerprint bits it leaned on.

use shared::api::MoleculePrediction;

use super::drawing::Highlight;

/// The prediction holding `task` and the task's index in it.
pub fn find_task<'a>(predictions: &'a [MoleculePrediction], task: &str) -> Option<(&'a MoleculePrediction, usize)> {
    predictions.iter().find_map(|p| p.tasks.iter().position(|t| t.task == task).map(|i| (p, i)))
}

/// Each atom's contribution to `task` (index order) as a highlight, for a molecule of `atoms`
/// atoms; `None` when no prediction has the task.
pub fn task_highlight(predictions: &[MoleculePrediction], task: &str, atoms: usize) -> Option<Highlight> {
    let (prediction, t) = find_task(predictions, task)?;
    let mut contributions = vec![0.0; atoms];
    for atom in &prediction.atom_contributions {
        if let (Some(slot), Some(&c)) = (contributions.get_mut(atom.index), atom.contributions.get(t)) {
            *slot = c;
        }
    }
    Some(Highlight::contributions(&contributions))
}

/// The fingerprint bits `task`'s model leaned on, strongest |contribution| to the task first,
/// with that contribution (task units); empty when no prediction has the task.
pub fn ranked_bits(predictions: &[MoleculePrediction], task: &str) -> Vec<(usize, f32)> {
    let Some((prediction, t)) = find_task(predictions, task) else { return Vec::new() };
    let mut bits: Vec<(usize, f32)> =
        prediction.fingerprint_bits.iter().filter_map(|b| b.contributions.get(t).map(|&c| (b.bit, c as f32))).collect();
    bits.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    bits
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::{AtomContribution, FingerprintBitContribution, ModelInfo, MoleculeTaskValue};

    fn prediction(id: &str, tasks: &[&str]) -> MoleculePrediction {
        let info =
            ModelInfo { id: id.into(), version: "1".into(), trained: true, weights_sha256: "ab".into(), notice: None };
        let value = |task: &&str| MoleculeTaskValue {
            task: task.to_string(),
            unit: String::new(),
            value: 0.0,
            sigma: None,
            interval_95: None,
            probability: None,
        };
        MoleculePrediction {
            model: info,
            fusion: "cross".into(),
            tasks: tasks.iter().map(value).collect(),
            gate: None,
            atom_contributions: vec![
                AtomContribution { index: 2, element: "O".into(), contributions: vec![0.5, -2.0] },
                AtomContribution { index: 0, element: "C".into(), contributions: vec![-0.25, 1.0] },
            ],
            fingerprint_bits: vec![
                FingerprintBitContribution { bit: 7, contributions: vec![0.1, 0.3], environments: vec![] },
                FingerprintBitContribution { bit: 9, contributions: vec![-0.2, 0.05], environments: vec![] },
            ],
            without_view: vec![],
        }
    }

    #[test]
    fn a_task_highlights_its_atoms_and_ranks_its_bits() {
        let predictions = [prediction("esol", &["log_solubility"]), prediction("two", &["a", "b"])];
        let h = task_highlight(&predictions, "b", 3).unwrap();
        assert_eq!(h.weights, vec![0.5, 0.0, -1.0]);
        assert_eq!(h.atoms, vec![2, 0]);
        assert_eq!(ranked_bits(&predictions, "log_solubility"), vec![(9, -0.2), (7, 0.1)]);
        assert_eq!(ranked_bits(&predictions, "b"), vec![(7, 0.3), (9, 0.05)]);
        assert!(task_highlight(&predictions, "missing", 3).is_none());
        assert!(ranked_bits(&predictions, "missing").is_empty());
    }
}
