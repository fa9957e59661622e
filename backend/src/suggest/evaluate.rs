//! Does the ranking find the structures the model gets wrong? On a pool with known labels, the
//! mean absolute error of the `k` structures ranked first by the committee's disagreement
//! against that of `k` random picks (mean ± sd over seeded draws), beside ranking by σ alone,
//! by the out-of-distribution score alone, the whole pool and the best possible pick (the `k`
//! largest errors, known only with the labels).

use super::ScoredPool;
use models::metrics::spearman;
use models::rng::SplitMix64;

/// One way of picking `k` structures and the mean absolute error of its picks.
#[derive(Clone, Debug, PartialEq)]
pub struct Strategy {
    pub name: &'static str,
    /// Mean absolute error of the picks (property units); the mean over draws for random picks.
    pub mae: f64,
    /// Standard deviation over the random draws (`None` for a deterministic ranking).
    pub sd: Option<f64>,
    /// Spearman ρ between the ranking key and the absolute error over the whole pool.
    pub spearman: Option<f64>,
}

/// The comparison on one labelled pool.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Structures with both a reading and a label.
    pub n: usize,
    pub k: usize,
    pub draws: usize,
    pub strategies: Vec<Strategy>,
}

/// Compares the strategies on the structures of `scored` that have a label in `labels`
/// (aligned with `scored`), picking `k` (at most all of them); random picks use `draws`
/// draws from `seed`.
pub fn evaluate(
    scored: &ScoredPool,
    labels: &[Option<f64>],
    property: usize,
    k: usize,
    draws: usize,
    seed: u64,
) -> Evaluation {
    // (disagreement, σ, OOD score, absolute error) of every labelled structure.
    let rows: Vec<[f64; 4]> = scored
        .iter()
        .zip(labels)
        .filter_map(|((_, s), label)| {
            let (s, label) = (s.as_ref().ok()?, (*label)?);
            let error = (s.reading.prediction.value[property] - label).abs();
            let ood = s.ood.score.unwrap_or(f64::NAN);
            Some([s.reading.disagreement(), s.reading.prediction.sigma[property], ood, error])
        })
        .collect();
    let k = k.min(rows.len());
    let errors: Vec<f64> = rows.iter().map(|r| r[3]).collect();
    let by_key = |name: &'static str, key: usize| {
        let keys: Vec<f64> = rows.iter().map(|r| r[key]).collect();
        (keys.iter().all(|v| v.is_finite()) && !keys.is_empty()).then(|| Strategy {
            name,
            mae: mean(&top_k_errors(&keys, &errors, k)),
            sd: None,
            spearman: Some(spearman(&keys, &errors)),
        })
    };
    let mut rng = SplitMix64::new(seed);
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let random: Vec<f64> = (0..draws)
        .map(|_| {
            rng.shuffle(&mut order);
            mean(&order[..k].iter().map(|&i| errors[i]).collect::<Vec<_>>())
        })
        .collect();
    let strategies = [
        by_key("committee disagreement", 0),
        by_key("σ (evidential head)", 1),
        by_key("out-of-distribution score", 2),
        Some(Strategy { name: "random picks", mae: mean(&random), sd: Some(sample_sd(&random)), spearman: None }),
        Some(Strategy { name: "whole pool", mae: mean(&errors), sd: None, spearman: None }),
        by_key("largest errors (oracle)", 3),
    ];
    Evaluation { n: rows.len(), k, draws, strategies: strategies.into_iter().flatten().collect() }
}

impl Evaluation {
    /// The comparison as a Markdown table (`unit`: the property's).
    pub fn to_markdown(&self, unit: &str) -> String {
        let mut text = format!(
            "| pick {} of {} by | MAE of the picks ({unit}) | Spearman ρ (key vs absolute error, whole pool) |\n|---|---|---|\n",
            self.k, self.n
        );
        for s in &self.strategies {
            let mae = match s.sd {
                Some(sd) => format!("{:.4} ± {:.4} ({} draws)", s.mae, sd, self.draws),
                None => format!("{:.4}", s.mae),
            };
            let rho = s.spearman.map_or("—".to_string(), |r| format!("{r:.3}"));
            text.push_str(&format!("| {} | {mae} | {rho} |\n", s.name));
        }
        text
    }
}

/// The errors of the `k` rows with the highest `keys` (ties: pool order).
fn top_k_errors(keys: &[f64], errors: &[f64], k: usize) -> Vec<f64> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[b].total_cmp(&keys[a]).then(a.cmp(&b)));
    order.into_iter().take(k).map(|i| errors[i]).collect()
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() { f64::NAN } else { values.iter().sum::<f64>() / values.len() as f64 }
}

/// Sample standard deviation (n − 1; 0 for fewer than two values).
fn sample_sd(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let m = mean(values);
    (values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (values.len() - 1) as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::super::Scored;
    use super::super::committee::Reading;
    use super::*;
    use models::train::Prediction;
    use shared::api::{OodLevel, OodReport};

    fn scored(members: [f64; 3], sigma: f64, ood: f64) -> std::result::Result<Scored, String> {
        Ok(Scored {
            formula: "NaCl".into(),
            reading: Reading {
                prediction: Prediction { value: vec![members[0]], sigma: vec![sigma] },
                embedding: vec![],
                members,
            },
            ood: OodReport {
                score: Some(ood),
                training_quantile: Some(0.5),
                level: OodLevel::Typical,
                unseen_elements: vec![],
                method: String::new(),
            },
        })
    }

    /// A pool where disagreement tracks the error and σ runs against it: the committee's picks
    /// hold the largest errors, σ's the smallest; unlabelled and failed rows are left out.
    #[test]
    fn committee_picks_beat_random_when_disagreement_tracks_error() {
        let mut pool: ScoredPool = Vec::new();
        let mut labels = Vec::new();
        for i in 0..100 {
            let error = f64::from(i) * 0.01;
            pool.push((format!("s{i}"), scored([0.0, error, -error], 1.0 - error, 0.5)));
            labels.push(Some(error));
        }
        pool.push(("unlabelled".into(), scored([0.0, 9.0, -9.0], 0.0, 0.5)));
        labels.push(None);
        pool.push(("broken".into(), Err("not a structure".into())));
        labels.push(Some(0.0));
        let evaluation = evaluate(&pool, &labels, 0, 10, 20, 7);
        assert_eq!((evaluation.n, evaluation.k, evaluation.draws), (100, 10, 20));
        let mae = |name: &str| evaluation.strategies.iter().find(|s| s.name == name).unwrap().clone();
        let committee = mae("committee disagreement");
        assert!((committee.mae - 0.945).abs() < 1e-9, "{committee:?}");
        assert_eq!(committee.mae, mae("largest errors (oracle)").mae);
        assert!((mae("σ (evidential head)").mae - 0.045).abs() < 1e-9);
        let random = mae("random picks");
        assert!(random.mae > 0.3 && random.mae < 0.7 && random.sd.unwrap() > 0.0, "{random:?}");
        assert!((mae("whole pool").mae - 0.495).abs() < 1e-9);
        assert!(committee.spearman.unwrap() > 0.99);
        assert!(evaluation.to_markdown("eV/atom").contains("| committee disagreement | 0.9450 | 1.000 |"));
    }
}
