//! A finished fit measured: σ recalibrated on the validation split ([`models::calibration`]),
//! then the test split's metrics under it. The test split selects nothing.

use super::data::{Data, Prepared};
use super::observer::PropertyCalibration;
use models::batch::Modalities;
use models::nn::FusionNet;
use models::train::{Prediction, Standardizer};
use std::collections::BTreeMap;

/// Metrics per property name, each a map of metric name → value.
pub type Metrics = BTreeMap<String, BTreeMap<String, f64>>;

/// What a finished run's last step measured: the standardisation with σ recalibrated on
/// validation, and the test-split metrics under it.
pub struct Evaluation {
    /// The tasks, in the model's output order.
    pub tasks: Vec<&'static shared::task::Task>,
    pub stats: Standardizer,
    pub metrics: Metrics,
}

impl Evaluation {
    /// Each property's fitted σ factor and z95, named.
    pub fn calibration(&self) -> Vec<PropertyCalibration> {
        self.tasks
            .iter()
            .map(|t| t.name.to_string())
            .enumerate()
            .map(|(p, property)| PropertyCalibration {
                property,
                sigma_scale: self.stats.sigma_scale[p],
                z95: self.stats.z95[p],
            })
            .collect()
    }
}

/// Calibrates `model`'s σ on validation and measures it on the test split.
pub fn evaluate(model: &FusionNet, data: &Data) -> Evaluation {
    let stats = calibrated_stats(model, data);
    let test_samples = data.prepared.samples(&data.prepared.test, &data.stats);
    let predictions =
        models::train::predict(model, &test_samples, Modalities::BOTH, &stats, &data.prepared.tasks, 256, &data.device);
    let metrics = test_metrics(&data.prepared, &predictions, &stats.z95);
    Evaluation { tasks: data.prepared.tasks.clone(), stats, metrics }
}

/// `data`'s standardisation with each property's σ factor fitted on `model`'s predictions for
/// the validation split ([`models::calibration`]); the test split plays no part.
pub fn calibrated_stats(model: &FusionNet, data: &Data) -> Standardizer {
    let val = data.prepared.samples(&data.prepared.val, &data.stats);
    let predictions =
        models::train::predict(model, &val, Modalities::BOTH, &data.stats, &data.prepared.tasks, 256, &data.device);
    data.stats.recalibrated(&labelled_points(&data.prepared, &data.prepared.val, &predictions))
}

/// Each of `rows`' labels beside its prediction (`predictions` in the order of `rows`).
pub fn labelled_points(
    prepared: &Prepared,
    rows: &[usize],
    predictions: &[Prediction],
) -> Vec<(Vec<Option<f32>>, Prediction)> {
    rows.iter().map(|&i| prepared.records[i].labels.clone()).zip(predictions.iter().cloned()).collect()
}

/// One regression task's metrics on labelled points (`actual`, `predicted` and `sigma` in the
/// task's unit): n, MAE, RMSE, R², Spearman, the MAE of predicting the median of
/// `train_values` (the training labels), and how well σ covers and ranks the errors (the 95 %
/// interval as ±`z95`·σ). `actual` must not be empty.
pub fn regression_metric_map(
    actual: &[f64],
    predicted: &[f64],
    sigma: &[f64],
    train_values: &[f64],
    z95: f64,
) -> BTreeMap<String, f64> {
    let m = models::metrics::regression_metrics(actual, predicted);
    let median = models::metrics::median(train_values);
    let baseline = actual.iter().map(|a| (a - median).abs()).sum::<f64>() / actual.len() as f64;
    let mut metrics = BTreeMap::from([
        ("n".to_string(), m.n as f64),
        ("mae".to_string(), m.mae),
        ("rmse".to_string(), m.rmse),
        ("r2".to_string(), m.r2),
        ("spearman".to_string(), m.spearman),
        ("median_baseline_mae".to_string(), baseline),
    ]);
    metrics.extend(models::calibration::uncertainty_metrics(actual, predicted, sigma, z95));
    metrics
}

/// Test-split MAE/RMSE/R²/Spearman per property, the predict-the-training-median MAE and how
/// well σ covers and ranks the errors (the 95 % interval as ±`z95`·σ).
pub fn test_metrics(prepared: &Prepared, predictions: &[Prediction], z95: &[f64]) -> Metrics {
    let mut out = BTreeMap::new();
    let points = labelled_points(prepared, &prepared.test, predictions);
    for (p, name) in prepared.task_names().into_iter().enumerate() {
        let train_values: Vec<f64> =
            prepared.train.iter().filter_map(|&i| prepared.records[i].labels[p]).map(f64::from).collect();
        let (actual, predicted, sigma) = models::calibration::labelled(&points, p);
        if actual.is_empty() || train_values.is_empty() {
            continue;
        }
        let mut metrics = regression_metric_map(&actual, &predicted, &sigma, &train_values, z95[p]);
        // An undefined metric (a rank correlation of constant predictions, e.g. a smoke model's
        // energies above hull all at the physical limit 0) is left out, not written as null.
        metrics.retain(|_, value| value.is_finite());
        out.insert(name, metrics);
    }
    out
}
