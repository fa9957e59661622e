//! Post-hoc recalibration of the predicted σ: one factor per property, fitted on the validation
//! split after training, so that the central Gaussian intervals ±zσ cover the share of points
//! they claim. This is σ scaling (Laves et al. 2020) with the factor chosen to minimise the
//! miscalibration area over the 5 %…95 % intervals (as Uncertainty Toolbox, Chung et al. 2021,
//! measures it) rather than the Gaussian likelihood, which a few large errors pull far up when
//! the errors are heavy-tailed. It leaves the predicted values, and so every error metric,
//! unchanged, and keeps the ranking of σ.

use crate::batch::PROPERTIES;
use crate::metrics::{coverage, spearman};
use crate::train::Prediction;
use std::collections::BTreeMap;

/// Two-sided standard-normal quantiles z of the central intervals 5 %, 10 %, …, 95 %.
const CENTRAL_Z: [f64; 19] = [
    0.062707, 0.125661, 0.189118, 0.253347, 0.318639, 0.38532, 0.453762, 0.524401, 0.59776, 0.67449, 0.755415,
    0.841621, 0.934589, 1.036433, 1.150349, 1.281552, 1.439531, 1.644854, 1.959964,
];

/// Fewer labelled validation points than this and the factor stays 1.
pub const MIN_POINTS: usize = 30;

/// Candidate factors: 2^k for k in [-5, 5] in steps of 1/100.
const LOG2_RANGE: i32 = 500;

/// Each point's |error| / σ, sorted (∞ where σ is 0 and the error is not).
fn sorted_ratios(actual: &[f64], predicted: &[f64], sigma: &[f64]) -> Vec<f64> {
    let mut ratios: Vec<f64> = actual
        .iter()
        .zip(predicted)
        .zip(sigma)
        .map(|((a, p), s)| {
            let err = (a - p).abs();
            if err == 0.0 {
                0.0
            } else if *s > 0.0 {
                err / s
            } else {
                f64::INFINITY
            }
        })
        .filter(|r| !r.is_nan())
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios
}

/// Mean |observed − nominal| coverage over the 19 central intervals when σ is multiplied by
/// `scale` (the miscalibration area; 0 is perfect).
fn miscalibration(sorted: &[f64], scale: f64) -> f64 {
    let n = sorted.len() as f64;
    let total: f64 = CENTRAL_Z
        .iter()
        .enumerate()
        .map(|(k, z)| {
            let inside = sorted.partition_point(|r| *r <= z * scale) as f64;
            (inside / n - 0.05 * (k + 1) as f64).abs()
        })
        .sum();
    total / CENTRAL_Z.len() as f64
}

/// The factor for σ (in [1/32, 32]) that minimises the miscalibration area on these points;
/// ties go to the factor nearest 1. Returns 1 for fewer than [`MIN_POINTS`] points.
pub fn fit_sigma_scale(actual: &[f64], predicted: &[f64], sigma: &[f64]) -> f64 {
    let sorted = sorted_ratios(actual, predicted, sigma);
    if sorted.len() < MIN_POINTS {
        return 1.0;
    }
    let mut best: (f64, i32) = (f64::INFINITY, 0);
    for k in -LOG2_RANGE..=LOG2_RANGE {
        let area = miscalibration(&sorted, 2f64.powf(f64::from(k) / 100.0));
        let better = area < best.0 - 1e-12 || ((area - best.0).abs() <= 1e-12 && k.abs() < best.1.abs());
        if better {
            best = (area, k);
        }
    }
    2f64.powf(f64::from(best.1) / 100.0)
}

/// Each property's factor, fitted on the labelled `(labels, prediction)` pairs of a validation
/// split (properties without a label in a row skip that row).
pub fn fit_sigma_scales(points: &[([Option<f32>; PROPERTIES], Prediction)]) -> [f64; PROPERTIES] {
    std::array::from_fn(|p| {
        let (actual, predicted, sigma) = labelled(points, p);
        fit_sigma_scale(&actual, &predicted, &sigma)
    })
}

/// Property `p`'s (actual, predicted, σ) over the rows that have its label.
pub fn labelled(points: &[([Option<f32>; PROPERTIES], Prediction)], p: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut out = (Vec::new(), Vec::new(), Vec::new());
    for (labels, prediction) in points {
        if let Some(label) = labels[p] {
            out.0.push(f64::from(label));
            out.1.push(prediction.value[p]);
            out.2.push(prediction.sigma[p]);
        }
    }
    out
}

/// How well σ describes the errors: the share of points inside the central 68 % and 95 %
/// Gaussian intervals and Spearman(σ, |error|), keyed as in a manifest's metrics.
pub fn uncertainty_metrics(actual: &[f64], predicted: &[f64], sigma: &[f64]) -> BTreeMap<String, f64> {
    let errors: Vec<f64> = actual.iter().zip(predicted).map(|(a, p)| (a - p).abs()).collect();
    BTreeMap::from([
        ("coverage_68".to_string(), coverage(actual, predicted, sigma, 1.0)),
        ("coverage_95".to_string(), coverage(actual, predicted, sigma, 1.96)),
        ("sigma_error_spearman".to_string(), spearman(sigma, &errors)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic standard-normal draws (Box–Muller over the project's SplitMix64).
    fn normals(n: usize) -> Vec<f64> {
        let mut rng = crate::rng::SplitMix64::new(12345);
        (0..n)
            .map(|_| {
                let (u, v) = (1.0 - rng.next_f64(), rng.next_f64());
                (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
            })
            .collect()
    }

    #[test]
    fn recovers_the_factor_of_overconfident_and_underconfident_sigma() {
        let errors = normals(4000);
        let predicted = vec![0.0; errors.len()];
        // True σ is 2 everywhere; the model claims 0.5 (4× too small) or 8 (4× too large).
        let actual: Vec<f64> = errors.iter().map(|e| 2.0 * e).collect();
        let small = fit_sigma_scale(&actual, &predicted, &vec![0.5; actual.len()]);
        let large = fit_sigma_scale(&actual, &predicted, &vec![8.0; actual.len()]);
        assert!((small - 4.0).abs() < 0.2, "{small}");
        assert!((large - 0.25).abs() < 0.0125, "{large}");
        // Calibrated σ leaves the factor at 1 (within sampling noise).
        let calibrated = fit_sigma_scale(&actual, &predicted, &vec![2.0; actual.len()]);
        assert!((calibrated - 1.0).abs() < 0.05, "{calibrated}");
        assert!(miscalibration(&sorted_ratios(&actual, &predicted, &vec![2.0; actual.len()]), 1.0) < 0.02);
    }

    #[test]
    fn too_few_points_or_degenerate_sigma_keep_the_factor_finite() {
        assert_eq!(fit_sigma_scale(&[1.0; 10], &[0.0; 10], &[1.0; 10]), 1.0);
        let n = 100;
        let actual: Vec<f64> = (0..n).map(|i| i as f64 / n as f64).collect();
        let scale = fit_sigma_scale(&actual, &vec![0.0; n], &vec![0.0; n]);
        assert!(scale.is_finite() && scale > 0.0);
        let exact = fit_sigma_scale(&vec![1.0; n], &vec![1.0; n], &vec![0.3; n]);
        assert!(exact.is_finite() && exact > 0.0);
    }
}
