//! Platt scaling (Platt 1999): a classifier's logit z becomes the probability σ(a·z + b), with
//! a and b fitted on the validation split by maximum likelihood (Newton's method on the two
//! parameters, Platt's smoothed targets against overfitting a small split). It keeps the order
//! of the scores, so ROC-AUC and PR-AUC are unchanged, and only moves the probabilities.

use serde::{Deserialize, Serialize};

/// `probability = sigmoid(scale · logit + offset)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PlattScaling {
    pub scale: f64,
    pub offset: f64,
}

impl PlattScaling {
    /// Leaves the network's probabilities as they are.
    pub const IDENTITY: PlattScaling = PlattScaling { scale: 1.0, offset: 0.0 };

    /// The calibrated probability of a raw logit.
    pub fn probability(&self, logit: f64) -> f64 {
        sigmoid(self.scale * logit + self.offset)
    }

    /// Fitted on validation `(logit, positive)` pairs; the identity for fewer than
    /// [`super::MIN_POINTS`] points, a single class, or a fit that does not converge to finite
    /// numbers.
    pub fn fit(points: &[(f64, bool)]) -> PlattScaling {
        let positives = points.iter().filter(|(_, y)| *y).count();
        let negatives = points.len() - positives;
        if points.len() < super::MIN_POINTS || positives == 0 || negatives == 0 {
            return PlattScaling::IDENTITY;
        }
        // Platt's targets: (N₊ + 1)/(N₊ + 2) and 1/(N₋ + 2) instead of 1 and 0.
        let high = (positives as f64 + 1.0) / (positives as f64 + 2.0);
        let low = 1.0 / (negatives as f64 + 2.0);
        let target = |y: bool| if y { high } else { low };
        // Newton's method with a backtracking line search (Lin, Lin & Weng 2007): a full Newton
        // step from saturated logits (an overconfident network) overshoots, once to a negative
        // scale that reversed every probability's order.
        let loss = |a: f64, b: f64| -> f64 {
            points
                .iter()
                .map(|&(z, y)| {
                    let x = a * z + b;
                    x.max(0.0) + (-x.abs()).exp().ln_1p() - target(y) * x
                })
                .sum()
        };
        let (mut a, mut b) = (1.0, 0.0);
        let mut current = loss(a, b);
        for _ in 0..100 {
            let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-12, 0.0, 1e-12);
            for &(z, y) in points {
                let p = sigmoid(a * z + b);
                let w = p * (1.0 - p);
                ga += (p - target(y)) * z;
                gb += p - target(y);
                haa += w * z * z;
                hab += w * z;
                hbb += w;
            }
            if ga.abs() < 1e-9 && gb.abs() < 1e-9 {
                break;
            }
            let det = haa * hbb - hab * hab;
            let (da, db) = ((hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det);
            let descent = -(ga * da + gb * db);
            let mut step = 1.0;
            let accepted = loop {
                let (na, nb) = (a - step * da, b - step * db);
                let next = loss(na, nb);
                if next <= current + 1e-4 * step * descent {
                    break Some((na, nb, next));
                }
                step /= 2.0;
                if step < 1e-10 {
                    break None;
                }
            };
            let Some((na, nb, next)) = accepted else { break };
            (a, b, current) = (na, nb, next);
        }
        // Order-keeping: a scale that is not positive would reverse the ranking.
        if a.is_nan() || a <= 0.0 {
            return PlattScaling::IDENTITY;
        }
        if a.is_finite() && b.is_finite() { PlattScaling { scale: a, offset: b } } else { PlattScaling::IDENTITY }
    }
}

/// The logit of a probability, clamped away from 0 and 1 (±16.1).
pub fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-7, 1.0 - 1e-7);
    (p / (1.0 - p)).ln()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overconfident_classifier_is_tempered_and_the_identity_needs_data() {
        // True probability σ(z/2) at logit z: the fit should find scale ≈ 0.5.
        let mut rng = crate::rng::SplitMix64::new(3);
        let points: Vec<(f64, bool)> = (0..4000)
            .map(|_| {
                let z = rng.next_f64() * 12.0 - 6.0;
                (z, rng.next_f64() < sigmoid(z / 2.0))
            })
            .collect();
        let fitted = PlattScaling::fit(&points);
        assert!((fitted.scale - 0.5).abs() < 0.08 && fitted.offset.abs() < 0.15, "{fitted:?}");
        assert_eq!(PlattScaling::fit(&points[..10]), PlattScaling::IDENTITY);
        let one_class: Vec<(f64, bool)> = points.iter().map(|&(z, _)| (z, true)).collect();
        assert_eq!(PlattScaling::fit(&one_class), PlattScaling::IDENTITY);
        assert!((PlattScaling::IDENTITY.probability(logit(0.3)) - 0.3).abs() < 1e-9);
    }

    #[test]
    fn saturated_logits_are_tempered_and_keep_their_order() {
        // An overconfident classifier: |logit| 8–16, right 85 % of the time. A full Newton step
        // from scale 1 overshot to a scale near -500, reversing every probability.
        let mut rng = crate::rng::SplitMix64::new(1);
        let points: Vec<(f64, bool)> = (0..151)
            .map(|_| {
                let positive = rng.next_f64() < 0.45;
                let right = rng.next_f64() < 0.85;
                let size = 8.0 + rng.next_f64() * 8.1;
                (if positive == right { size } else { -size }, positive)
            })
            .collect();
        let fitted = PlattScaling::fit(&points);
        assert!(fitted.scale > 0.05 && fitted.scale < 0.3, "{fitted:?}");
        assert!(fitted.probability(12.0) > 0.7 && fitted.probability(-12.0) < 0.3, "{fitted:?}");
    }
}
