//! A finished molecule fit measured: calibration fitted on the validation split — σ factor and
//! z95 for regression ([`models::calibration`]), Platt scaling for a classifier — then the
//! test split's metrics, with every view present and with each view removed. The test split
//! selects nothing; the validation metrics are recorded beside it (`val_…`).

use super::MoleculeData;
use crate::training::evaluate::{Metrics, regression_metric_map};
use crate::training::observer::PropertyCalibration;
use burn::prelude::Device;
use models::calibration::{PlattScaling, logit};
use models::molecule_batch::Views;
use models::nn::molecule::{HeadKind, MoleculeNet, MoleculeNetConfig};
use models::train::{Prediction, Standardizer, predict_molecules};
use shared::task::Task;
use std::collections::BTreeMap;

/// The calibrated standardisation, each task's Platt scaling (identity for regression) and the
/// metrics by task.
pub struct MoleculeEvaluation {
    pub stats: Standardizer,
    pub platt: Vec<PlattScaling>,
    pub metrics: Metrics,
}

impl MoleculeEvaluation {
    /// Each task's fitted σ factor and z95, named.
    pub fn calibration(&self, tasks: &[&Task]) -> Vec<PropertyCalibration> {
        tasks
            .iter()
            .enumerate()
            .map(|(p, t)| PropertyCalibration {
                property: t.name.into(),
                sigma_scale: self.stats.sigma_scale[p],
                z95: self.stats.z95[p],
            })
            .collect()
    }
}

/// Calibrates on validation, then measures validation and test (and the test split with each
/// view removed, for a fusion).
pub fn evaluate(
    model: &MoleculeNet,
    net: &MoleculeNetConfig,
    data: &MoleculeData,
    device: &Device,
) -> MoleculeEvaluation {
    let predict = |rows: &[usize], stats: &Standardizer, views: Views| {
        predict_molecules(model, net.head, &data.samples(rows), views, stats, 256, device)
    };
    let val = predict(&data.split.val, &data.stats, Views::ALL);
    let points: Vec<(Vec<Option<f32>>, Prediction)> =
        data.split.val.iter().map(|&i| data.labels[i].clone()).zip(val.iter().cloned()).collect();
    let (stats, platt) = match net.head {
        HeadKind::Regression => (data.stats.recalibrated(&points), vec![PlattScaling::IDENTITY; data.tasks.len()]),
        HeadKind::Classification => {
            let platt = (0..data.tasks.len())
                .map(|t| {
                    let pairs: Vec<(f64, bool)> = points
                        .iter()
                        .filter_map(|(labels, p)| labels[t].map(|y| (logit(p.value[t]), y > 0.5)))
                        .collect();
                    PlattScaling::fit(&pairs)
                })
                .collect();
            (data.stats.clone(), platt)
        }
    };
    let mut metrics: Metrics = BTreeMap::new();
    let mut record = |rows: &[usize], predictions: &[Prediction], prefix: &str| {
        for (t, task) in data.tasks.iter().enumerate() {
            let entry = metrics.entry(task.name.to_string()).or_default();
            for (name, value) in task_metrics(data, rows, predictions, t, net.head, &stats, &platt[t]) {
                entry.insert(format!("{prefix}{name}"), value);
            }
        }
    };
    let val = predict(&data.split.val, &stats, Views::ALL);
    record(&data.split.val, &val, "val_");
    let test = predict(&data.split.test, &stats, Views::ALL);
    record(&data.split.test, &test, "");
    if net.fusion.is_fusion() {
        for (index, view) in ["graph", "smiles", "fingerprint"].iter().enumerate() {
            let without = predict(&data.split.test, &stats, Views::without(index));
            record(&data.split.test, &without, &format!("without_{view}_"));
        }
    }
    for entry in metrics.values_mut() {
        entry.retain(|_, v| v.is_finite());
    }
    MoleculeEvaluation { stats, platt, metrics }
}

/// Task `t`'s metrics on `rows`: regression — n, MAE, RMSE, R², Spearman, the training-median
/// baseline MAE and σ's coverage; classification — n, ROC-AUC, PR-AUC and the Brier score of
/// the calibrated probability.
fn task_metrics(
    data: &MoleculeData,
    rows: &[usize],
    predictions: &[Prediction],
    t: usize,
    head: HeadKind,
    stats: &Standardizer,
    platt: &PlattScaling,
) -> BTreeMap<String, f64> {
    let (mut actual, mut predicted, mut sigma) = (Vec::new(), Vec::new(), Vec::new());
    for (&i, p) in rows.iter().zip(predictions) {
        if let Some(label) = data.labels[i][t] {
            actual.push(f64::from(label));
            predicted.push(p.value[t]);
            sigma.push(p.sigma[t]);
        }
    }
    if actual.is_empty() {
        return BTreeMap::new();
    }
    match head {
        HeadKind::Regression => {
            let train: Vec<f64> = data.split.train.iter().filter_map(|&i| data.labels[i][t]).map(f64::from).collect();
            regression_metric_map(&actual, &predicted, &sigma, &train, stats.z95[t])
        }
        HeadKind::Classification => {
            let labels: Vec<bool> = actual.iter().map(|&a| a > 0.5).collect();
            let calibrated: Vec<f64> = predicted.iter().map(|&p| platt.probability(logit(p))).collect();
            let brier = calibrated.iter().zip(&actual).map(|(p, y)| (p - y).powi(2)).sum::<f64>() / actual.len() as f64;
            BTreeMap::from([
                ("n".to_string(), actual.len() as f64),
                ("roc_auc".to_string(), models::metrics::roc_auc(&labels, &calibrated)),
                ("pr_auc".to_string(), models::metrics::pr_auc(&labels, &calibrated)),
                ("brier".to_string(), brier),
            ])
        }
    }
}
