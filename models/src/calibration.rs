//! Post-hoc recalibration of the predicted σ: one factor per property, fitted on the validation
//! split after training, so that the central Gaussian intervals ±zσ cover the share of points
//! they claim. This is σ scaling (Laves et al. 2020) with the factor chosen to minimise the
//! miscalibration area over the 5 %…95 % intervals (as Uncertainty Toolbox, Chung et al. 2021,
//! measures it) rather than the Gaussian likelihood, which a few large errors pull far up when
//! the errors are heavy-tailed. It leaves the predicted values, and so every error metric,
//! unchanged, and keeps the ranking of σ.
//!
//! Errors are heavier-tailed than a Gaussian, so no single σ makes both ±σ cover 68 % and
//! ±1.96σ cover 95 %. The 95 % interval therefore gets its own half-width `z95 · σ`, with `z95`
//! the split-conformal quantile of |error| / σ on the validation split (normalised conformal
//! prediction, Papadopoulos et al. 2008; Angelopoulos & Bates 2021): the ⌈0.95 (n + 1)⌉-th
//! smallest ratio, which covers at least 95 % of exchangeable new points.

mod platt;

pub use platt::{PlattScaling, logit};

use crate::metrics::{coverage, spearman};
use crate::train::Prediction;
use std::collections::BTreeMap;

/// Two-sided standard-normal quantiles z of the central intervals 5 %, 10 %, …, 95 %.
const CENTRAL_Z: [f64; 19] = [
    0.062707, 0.125661, 0.189118, 0.253347, 0.318639, 0.38532, 0.453762, 0.524401, 0.59776, 0.67449, 0.755415,
    0.841621, 0.934589, 1.036433, 1.150349, 1.281552, 1.439531, 1.644854, 1.959964,
];

/// z of the Gaussian central 95 % interval: `z95` where there is nothing to fit it on.
pub const GAUSSIAN_Z95: f64 = 1.959964;

/// Fewer labelled validation points than this and the factor stays 1 (and `z95` Gaussian).
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

/// The half-width of the central 95 % interval in units of σ: the split-conformal quantile of
/// |error| / σ on these points, within [1.96/32, 1.96·32]; Gaussian for fewer than
/// [`MIN_POINTS`] points.
pub fn fit_z95(actual: &[f64], predicted: &[f64], sigma: &[f64]) -> f64 {
    let sorted = sorted_ratios(actual, predicted, sigma);
    if sorted.len() < MIN_POINTS {
        return GAUSSIAN_Z95;
    }
    let rank = ((0.95 * (sorted.len() + 1) as f64).ceil() as usize).min(sorted.len());
    sorted[rank - 1].clamp(GAUSSIAN_Z95 / 32.0, GAUSSIAN_Z95 * 32.0)
}

/// Per task: the factor on σ and the 95 % interval's half-width in units of the scaled σ.
#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
    pub sigma_scale: Vec<f64>,
    pub z95: Vec<f64>,
}

impl Calibration {
    /// Fitted on the labelled `(labels, prediction)` pairs of a validation split (properties
    /// without a label in a row skip that row) of a model with `tasks` tasks: first the σ
    /// factor, then `z95` on the scaled σ.
    pub fn fit(points: &[(Vec<Option<f32>>, Prediction)], tasks: usize) -> Calibration {
        let mut calibration = Calibration { sigma_scale: vec![1.0; tasks], z95: vec![GAUSSIAN_Z95; tasks] };
        for p in 0..tasks {
            let (actual, predicted, sigma) = labelled(points, p);
            let scale = fit_sigma_scale(&actual, &predicted, &sigma);
            let scaled: Vec<f64> = sigma.iter().map(|s| s * scale).collect();
            calibration.sigma_scale[p] = scale;
            calibration.z95[p] = fit_z95(&actual, &predicted, &scaled);
        }
        calibration
    }
}

/// Task `p`'s (actual, predicted, σ) over the rows that have its label.
pub fn labelled(points: &[(Vec<Option<f32>>, Prediction)], p: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut out = (Vec::new(), Vec::new(), Vec::new());
    for (labels, prediction) in points {
        if let Some(label) = labels.get(p).copied().flatten() {
            out.0.push(f64::from(label));
            out.1.push(prediction.value[p]);
            out.2.push(prediction.sigma[p]);
        }
    }
    out
}

/// How well σ describes the errors: the share of points inside the central 68 % interval (±σ)
/// and 95 % interval (±`z95`·σ) and Spearman(σ, |error|), keyed as in a manifest's metrics.
pub fn uncertainty_metrics(actual: &[f64], predicted: &[f64], sigma: &[f64], z95: f64) -> BTreeMap<String, f64> {
    let errors: Vec<f64> = actual.iter().zip(predicted).map(|(a, p)| (a - p).abs()).collect();
    BTreeMap::from([
        ("coverage_68".to_string(), coverage(actual, predicted, sigma, 1.0)),
        ("coverage_95".to_string(), coverage(actual, predicted, sigma, z95)),
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
    fn z95_is_the_conformal_quantile_and_widens_for_heavy_tails() {
        let errors = normals(4000);
        let predicted = vec![0.0; errors.len()];
        let sigma = vec![1.0; errors.len()];
        // Gaussian errors with the right σ: z95 ≈ 1.96.
        let z = fit_z95(&errors, &predicted, &sigma);
        assert!((z - GAUSSIAN_Z95).abs() < 0.1, "{z}");
        // Student-t-like tails (a Gaussian over a random scale): ±σ fits the body, the 95 %
        // interval needs more than 1.96σ, and z95 covers 95 % of the points it was fitted on.
        let scales = normals(4000);
        let heavy: Vec<f64> = errors.iter().zip(&scales).map(|(e, s)| e * (0.5 + s.abs())).collect();
        let calibration = Calibration::fit(
            &heavy
                .iter()
                .map(|h| {
                    (vec![Some(*h as f32), None, None, None], Prediction { value: vec![0.0; 4], sigma: vec![1.0; 4] })
                })
                .collect::<Vec<_>>(),
            4,
        );
        let scaled = vec![calibration.sigma_scale[0]; heavy.len()];
        assert!(calibration.z95[0] > 1.1 * GAUSSIAN_Z95, "{:?}", calibration);
        let covered = coverage(&heavy, &predicted, &scaled, calibration.z95[0]);
        assert!((0.95..0.955).contains(&covered), "{covered}");
        // Properties without labels keep the Gaussian interval and a unit factor.
        assert_eq!((calibration.sigma_scale[1], calibration.z95[1]), (1.0, GAUSSIAN_Z95));
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
