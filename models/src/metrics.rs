//! Regression metrics computed the standard way: MAE, RMSE, R² (1 − SS_res/SS_tot) and
//! Spearman's ρ (Pearson correlation of average ranks, ties averaged); for binary
//! classification ROC-AUC and PR-AUC (average precision), as scikit-learn computes them.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub n: usize,
    pub mae: f64,
    pub rmse: f64,
    pub r2: f64,
    pub spearman: f64,
}

/// Metrics of `predicted` against `actual` (same length, at least one point).
pub fn regression_metrics(actual: &[f64], predicted: &[f64]) -> Metrics {
    assert_eq!(actual.len(), predicted.len());
    let n = actual.len();
    assert!(n > 0, "metrics need at least one point");
    let nf = n as f64;
    let mae = actual.iter().zip(predicted).map(|(a, p)| (a - p).abs()).sum::<f64>() / nf;
    let ss_res: f64 = actual.iter().zip(predicted).map(|(a, p)| (a - p).powi(2)).sum();
    let mean = actual.iter().sum::<f64>() / nf;
    let ss_tot: f64 = actual.iter().map(|a| (a - mean).powi(2)).sum();
    Metrics {
        n,
        mae,
        rmse: (ss_res / nf).sqrt(),
        r2: if ss_tot > 0.0 { 1.0 - ss_res / ss_tot } else { f64::NAN },
        spearman: spearman(actual, predicted),
    }
}

/// Spearman's rank correlation (NaN when either side is constant).
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    if vx == 0.0 || vy == 0.0 { f64::NAN } else { cov / (vx * vy).sqrt() }
}

/// 1-based ranks with ties given their average rank.
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut out = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

/// Area under the ROC curve of a score that should be higher for `positives` than for
/// `negatives`: the probability that a random positive outscores a random negative (ties count
/// half); [`roc_auc`] with the two sides as labels. NaN when either side is empty.
pub fn separation_auc(negatives: &[f64], positives: &[f64]) -> f64 {
    let labels: Vec<bool> = negatives.iter().map(|_| false).chain(positives.iter().map(|_| true)).collect();
    let scores: Vec<f64> = negatives.iter().chain(positives).copied().collect();
    roc_auc(&labels, &scores)
}

/// Median (average of the middle two for even lengths).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Fraction of points whose |error| lies within `z` predicted standard deviations
/// (z = 1 → central 68 %, z = 1.96 → central 95 % for a Gaussian).
pub fn coverage(actual: &[f64], predicted: &[f64], sigma: &[f64], z: f64) -> f64 {
    let inside = actual.iter().zip(predicted).zip(sigma).filter(|((a, p), s)| (*a - *p).abs() <= z * *s).count();
    inside as f64 / actual.len().max(1) as f64
}

/// Area under the ROC curve of `scores` for 0/1 `labels` (the Mann–Whitney statistic, ties
/// counted half); NaN when one class is absent.
pub fn roc_auc(labels: &[bool], scores: &[f64]) -> f64 {
    assert_eq!(labels.len(), scores.len());
    let positives = labels.iter().filter(|&&l| l).count() as f64;
    let negatives = labels.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return f64::NAN;
    }
    let rank_sum: f64 = ranks(scores).iter().zip(labels).filter(|(_, l)| **l).map(|(r, _)| r).sum();
    (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives)
}

/// Area under the precision–recall curve as average precision, `Σ (Rₙ − Rₙ₋₁) Pₙ` over the
/// distinct score thresholds from the highest (scikit-learn's `average_precision_score`); NaN
/// without positives.
pub fn pr_auc(labels: &[bool], scores: &[f64]) -> f64 {
    assert_eq!(labels.len(), scores.len());
    let positives = labels.iter().filter(|&&l| l).count();
    if positives == 0 {
        return f64::NAN;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (mut true_positives, mut seen, mut recall, mut area) = (0usize, 0usize, 0.0, 0.0);
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j < order.len() && scores[order[j]] == scores[order[i]] {
            true_positives += usize::from(labels[order[j]]);
            seen += 1;
            j += 1;
        }
        let new_recall = true_positives as f64 / positives as f64;
        area += (new_recall - recall) * true_positives as f64 / seen as f64;
        recall = new_recall;
        i = j;
    }
    area
}

/// Precision, recall and F1 of a yes/no prediction (e.g. "stable"), the positive class being yes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Classification {
    pub n: usize,
    /// Rows that are truly positive.
    pub positives: usize,
    /// NaN when nothing is predicted positive (likewise recall without true positives).
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Classification metrics of `predicted` against `actual` (same length).
pub fn classification_metrics(actual: &[bool], predicted: &[bool]) -> Classification {
    assert_eq!(actual.len(), predicted.len());
    let count = |a: bool, p: bool| actual.iter().zip(predicted).filter(|&(&x, &y)| x == a && y == p).count() as f64;
    let (tp, fp, fn_) = (count(true, true), count(false, true), count(true, false));
    let precision = tp / (tp + fp);
    let recall = tp / (tp + fn_);
    Classification {
        n: actual.len(),
        positives: (tp + fn_) as usize,
        precision,
        recall,
        f1: 2.0 * precision * recall / (precision + recall),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separation_auc_counts_ordered_pairs() {
        assert_eq!(separation_auc(&[0.0, 1.0], &[2.0, 3.0]), 1.0);
        assert_eq!(separation_auc(&[2.0, 3.0], &[0.0, 1.0]), 0.0);
        // Of six pairs, 1.5 > 1, 2 > 1, 3 > 1 and 3 > 2 are ordered; the tie 2 = 2 counts half.
        assert_eq!(separation_auc(&[1.0, 2.0], &[1.5, 2.0, 3.0]), 4.5 / 6.0);
        assert!(separation_auc(&[], &[1.0]).is_nan());
    }

    #[test]
    fn metrics_on_a_hand_computed_case() {
        let m = regression_metrics(&[1.0, 2.0, 3.0, 4.0], &[1.5, 2.0, 2.5, 5.0]);
        assert!((m.mae - 0.5).abs() < 1e-12);
        assert!((m.rmse - (1.5f64 / 4.0).sqrt()).abs() < 1e-12);
        assert!((m.r2 - (1.0 - 1.5 / 5.0)).abs() < 1e-12);
        assert!((m.spearman - 1.0).abs() < 1e-12);
    }

    #[test]
    fn ranks_average_ties_and_spearman_matches_scipy() {
        assert_eq!(ranks(&[10.0, 20.0, 10.0, 30.0]), [1.5, 3.0, 1.5, 4.0]);
        // scipy.stats.spearmanr([1,2,3,4,5],[5,6,7,8,7]) = 0.8207826816681233
        assert!(
            (spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[5.0, 6.0, 7.0, 8.0, 7.0]) - 0.820_782_681_668_123_3).abs() < 1e-12
        );
    }

    #[test]
    fn classification_on_a_hand_computed_case() {
        let actual = [true, true, true, false, false];
        let predicted = [true, true, false, true, false];
        let c = classification_metrics(&actual, &predicted);
        assert_eq!((c.n, c.positives), (5, 3));
        assert!((c.precision - 2.0 / 3.0).abs() < 1e-12 && (c.recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.f1 - 2.0 / 3.0).abs() < 1e-12);
        assert!(classification_metrics(&[true], &[false]).precision.is_nan());
    }

    #[test]
    fn median_and_coverage() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(coverage(&[0.0, 0.0, 0.0, 0.0], &[0.5, 1.5, -0.9, 3.0], &[1.0; 4], 1.0), 0.5);
    }

    #[test]
    fn classification_metrics_match_scikit_learn() {
        let labels = [false, false, true, true];
        let scores = [0.1, 0.4, 0.35, 0.8];
        // sklearn: roc_auc_score = 0.75, average_precision_score = 0.8333…
        assert!((roc_auc(&labels, &scores) - 0.75).abs() < 1e-12);
        assert!((pr_auc(&labels, &scores) - 5.0 / 6.0).abs() < 1e-12);
        // Tied scores, by hand: 3.5 of 6 positive–negative pairs ordered (the tie counts half),
        // and AP = 1/3·1 + 1/3·2/3 + 1/3·3/5 = 34/45 (thresholds 0.9, 0.5, 0.2, 0.1)
        let labels = [false, true, true, false, true];
        let scores = [0.5, 0.5, 0.9, 0.2, 0.1];
        assert!((roc_auc(&labels, &scores) - 7.0 / 12.0).abs() < 1e-12);
        assert!((pr_auc(&labels, &scores) - 34.0 / 45.0).abs() < 1e-12);
        assert!(roc_auc(&[true, true], &[0.1, 0.2]).is_nan());
    }
}
