//! Training data as SCIENCE.md and `../shared/data/README.md` define it: the union of mp2018
//! and mp2022_ehull over the fixed split (read through the featurise cache,
//! [`crate::training::featurise::load_cached`]).

use shared::dataset::FeaturizedRecord;
use std::collections::HashMap;
use std::path::PathBuf;

/// A labelled row of a structure table, as [`union`] merges them.
pub trait LabelledRow {
    fn id(&self) -> &str;
    /// Labels of every registry task, in registry order ([`shared::task::TASKS`]).
    fn labels_mut(&mut self) -> &mut Vec<Option<f32>>;
}

impl LabelledRow for FeaturizedRecord {
    fn id(&self) -> &str {
        &self.id
    }
    fn labels_mut(&mut self) -> &mut Vec<Option<f32>> {
        &mut self.labels
    }
}

impl LabelledRow for crate::table::TableRow {
    fn id(&self) -> &str {
        &self.id
    }
    fn labels_mut(&mut self) -> &mut Vec<Option<f32>> {
        &mut self.labels
    }
}

/// The task whose labels mp2022_ehull contributes.
const EHULL_TASK: &str = "energy_above_hull";

/// mp2018 plus the energy-above-hull labels of mp2022_ehull: a row in both keeps its mp2018
/// structure and labels and gains the 2022 ehull label; a 2022-only row contributes its
/// structure and the ehull label only (its band gap is from another release).
pub fn union<R: LabelledRow>(mp2018: Vec<R>, ehull: Vec<R>) -> Vec<R> {
    let mut records = mp2018;
    let Some(task) = shared::task::index(EHULL_TASK) else { return records };
    let index: HashMap<String, usize> = records.iter().enumerate().map(|(i, r)| (r.id().to_owned(), i)).collect();
    for mut record in ehull {
        let label = record.labels_mut().get(task).copied().flatten();
        match index.get(record.id()) {
            Some(&i) => set_label(records[i].labels_mut(), task, label),
            None => {
                let labels = record.labels_mut();
                labels.iter_mut().for_each(|l| *l = None);
                set_label(labels, task, label);
                records.push(record);
            }
        }
    }
    records
}

/// Sets label `task` of a registry-ordered label list (growing a short one).
pub(crate) fn set_label(labels: &mut Vec<Option<f32>>, task: usize, label: Option<f32>) {
    if labels.len() <= task {
        labels.resize(shared::task::TASKS.len().max(task + 1), None);
    }
    labels[task] = label;
}

/// The cache directory used when a config names none.
pub fn default_cache() -> PathBuf {
    PathBuf::from("target/matfuse-cache")
}
