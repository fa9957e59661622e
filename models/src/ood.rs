//! Out-of-distribution statistics of a model's training data (`ood.json` beside the bundle).
//!
//! Score: the fused embedding `e` the heads read, standardised per dimension with the training
//! split's mean μ and standard deviation σ, as a root-mean-square z-score
//! `s = sqrt(mean_i ((e_i − μ_i) / σ_i)²)` (a diagonal Mahalanobis distance divided by √d).
//! Its meaning comes from the training structures' own scores: the file stores their
//! quantiles, so a score reads as "farther out than q of the training set". Elements that no
//! training structure contains are listed separately: the network never saw them.
//!
//! The file names the weights (sha256) it was computed for; statistics of other weights are
//! ignored rather than misapplied.
//!
//! When the bundle also holds a nearest-neighbour index of the training embeddings
//! ([`crate::neighbours`], `neighbours.bin`), the score is the mean distance to the nearest
//! training structures instead, read as a percentile of the validation split's scores: a
//! crystal in a well-represented family far from the centre is no longer flagged. A bundle
//! without the index keeps the centre distance.

use crate::error::{Error, Result};
use crate::neighbours::{NeighbourIndex, OUTSIDE_PERCENTILE, UNUSUAL_PERCENTILE};
use serde::{Deserialize, Serialize};
use shared::Structure;
use shared::api::{OodLevel, OodReport};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

pub const OOD_FILE: &str = "ood.json";
/// Smallest per-dimension σ used (embedding dimensions that barely vary would otherwise turn
/// rounding into huge z-scores).
const MIN_STD: f64 = 1e-4;
/// Number of stored quantiles of the training scores (0 %, 1 %, …, 100 %).
const QUANTILES: usize = 101;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OodStatistics {
    /// Model id and the sha256 of the weights the embeddings came from.
    pub model: String,
    pub weights_sha256: String,
    /// Training structures the statistics summarise.
    pub n: usize,
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
    /// The training structures' scores at 0 %, 1 %, …, 100 %.
    pub score_quantiles: Vec<f64>,
    /// Element symbols present in the training structures.
    pub elements: Vec<String>,
    /// The command that computed the file.
    pub command: String,
    /// The training embeddings' nearest-neighbour index (`neighbours.bin`, for the same
    /// weights), when installed: it gives the score and the materials like a query.
    #[serde(skip)]
    pub neighbours: Option<Arc<NeighbourIndex>>,
}

impl OodStatistics {
    /// Statistics of the training embeddings (one `Vec` per structure, equal lengths).
    pub fn fit(embeddings: &[Vec<f32>], elements: Vec<String>, model: &str, weights_sha256: &str) -> OodStatistics {
        let dim = embeddings.first().map_or(0, Vec::len);
        let n = embeddings.len().max(1) as f64;
        let mut mean = vec![0.0; dim];
        for e in embeddings {
            for (m, &x) in mean.iter_mut().zip(e) {
                *m += f64::from(x) / n;
            }
        }
        let mut var = vec![0.0; dim];
        for e in embeddings {
            for ((v, &x), m) in var.iter_mut().zip(e).zip(&mean) {
                *v += (f64::from(x) - m).powi(2) / n;
            }
        }
        let mut stats = OodStatistics {
            model: model.into(),
            weights_sha256: weights_sha256.into(),
            n: embeddings.len(),
            mean,
            std: var.into_iter().map(|v| v.sqrt().max(MIN_STD)).collect(),
            score_quantiles: vec![],
            elements,
            command: String::new(),
            neighbours: None,
        };
        let mut scores: Vec<f64> = embeddings.iter().map(|e| stats.score(e)).collect();
        scores.sort_by(f64::total_cmp);
        stats.score_quantiles = (0..QUANTILES)
            .map(|q| {
                scores.get(((q as f64 / (QUANTILES - 1) as f64) * (scores.len().max(1) - 1) as f64).round() as usize)
            })
            .map(|s| s.copied().unwrap_or(0.0))
            .collect();
        stats
    }

    /// RMS z-score of an embedding (see the module documentation).
    pub fn score(&self, embedding: &[f32]) -> f64 {
        let dim = self.mean.len().min(embedding.len()).max(1);
        let sum: f64 = embedding
            .iter()
            .zip(self.mean.iter().zip(&self.std))
            .map(|(&x, (m, s))| ((f64::from(x) - m) / s).powi(2))
            .sum();
        (sum / dim as f64).sqrt()
    }

    /// Fraction of training structures whose score is at most `score` (interpolated between the
    /// stored quantiles).
    pub fn quantile(&self, score: f64) -> f64 {
        let q = &self.score_quantiles;
        let (Some(&first), Some(&last)) = (q.first(), q.last()) else { return 0.0 };
        if score.is_nan() || q.len() < 2 {
            return 1.0;
        }
        if score < first {
            return 0.0;
        }
        if score >= last {
            return 1.0;
        }
        let step = 1.0 / (q.len() - 1) as f64;
        let i = q.partition_point(|&x| x <= score).clamp(1, q.len() - 1);
        let (lo, hi) = (q[i - 1], q[i]);
        let within = if hi > lo { (score - lo) / (hi - lo) } else { 1.0 };
        ((i - 1) as f64 + within) * step
    }

    /// With the neighbour index `neighbours` (e.g. one the page fetched later) instead.
    pub fn with_neighbours(self, neighbours: Option<Arc<NeighbourIndex>>) -> OodStatistics {
        OodStatistics { neighbours, ..self }
    }

    /// The report for `structure` with fused embedding `embedding`: out of distribution when it
    /// has an element no training structure has or scores beyond 99 % of the reference scores,
    /// unusual beyond 95 %. The reference: the validation split's distances to their nearest
    /// training structures when the neighbour index is installed, else the training
    /// structures' distances from the centre. The backend and the page both answer with this.
    pub fn report(&self, structure: &Structure, embedding: &[f32]) -> OodReport {
        let seen: BTreeSet<&str> = self.elements.iter().map(String::as_str).collect();
        let present: BTreeSet<&str> = structure.sites().iter().map(|s| s.element.symbol()).collect();
        let unseen_elements: Vec<String> = present.difference(&seen).map(|s| s.to_string()).collect();
        let (score, quantile, method) = match &self.neighbours {
            Some(index) => {
                let score = index.score(embedding);
                (score, index.percentile(score), index.method())
            }
            None => {
                let score = self.score(embedding);
                let method = format!(
                    "RMS per-dimension z-score of the fused embedding against the {} training structures; quantile among their scores",
                    self.n
                );
                (score, self.quantile(score), method)
            }
        };
        let level = if !unseen_elements.is_empty() || quantile > OUTSIDE_PERCENTILE {
            OodLevel::OutOfDistribution
        } else if quantile > UNUSUAL_PERCENTILE {
            OodLevel::Unusual
        } else {
            OodLevel::Typical
        };
        OodReport { score: Some(score), training_quantile: Some(quantile), level, unseen_elements, method }
    }

    /// The statistics in `json` when computed for `weights_sha256` (`Ok(None)` when stale).
    pub fn from_json(json: &[u8], weights_sha256: &str) -> std::result::Result<Option<OodStatistics>, String> {
        let stats: OodStatistics = serde_json::from_slice(json).map_err(|e| format!("{OOD_FILE}: {e}"))?;
        Ok(stats.weights_sha256.eq_ignore_ascii_case(weights_sha256).then_some(stats))
    }

    /// `dir/ood.json` if present and computed for these weights, with the neighbour index the
    /// backend answers from when there is one (the full `neighbours_full.bin`, else the page's
    /// `neighbours.bin`); `Ok(None)` when absent or stale.
    pub fn load(dir: &Path, weights_sha256: &str) -> Result<Option<OodStatistics>> {
        let Some(stats) = OodStatistics::load_centre(dir, weights_sha256)? else { return Ok(None) };
        let neighbours = NeighbourIndex::load_for_backend(dir, weights_sha256)?.map(Arc::new);
        Ok(Some(stats.with_neighbours(neighbours)))
    }

    /// `dir/ood.json` alone (the centre distance).
    fn load_centre(dir: &Path, weights_sha256: &str) -> Result<Option<OodStatistics>> {
        let path = dir.join(OOD_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(Error::Read { path, source }),
        };
        let stats: OodStatistics =
            serde_json::from_slice(&bytes).map_err(|e| Error::Manifest { path, message: e.to_string() })?;
        Ok(stats.weights_sha256.eq_ignore_ascii_case(weights_sha256).then_some(stats))
    }

    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(OOD_FILE);
        let json = serde_json::to_string(self).expect("statistics serialise") + "\n";
        std::fs::write(&path, json).map_err(|source| Error::Write { path, source })
    }
}

/// The report for `structure` under `stats`, or level `unknown` when the model has no
/// statistics for its weights (no `ood.json`, or one computed for other weights).
pub fn assess(stats: Option<&OodStatistics>, structure: &Structure, embedding: &[f32]) -> OodReport {
    match stats {
        Some(stats) => stats.report(structure, embedding),
        None => OodReport {
            score: None,
            training_quantile: None,
            level: OodLevel::Unknown,
            unseen_elements: vec![],
            method: format!("no training statistics are installed for this model (no {OOD_FILE} for its weights)"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats() -> OodStatistics {
        let embeddings: Vec<Vec<f32>> = (0..1000).map(|i| vec![(i % 10) as f32, (i % 7) as f32 * 0.1]).collect();
        OodStatistics::fit(&embeddings, vec!["Na".into()], "m", "ab")
    }

    #[test]
    fn training_points_are_typical_and_far_points_are_not() {
        let s = stats();
        assert_eq!(s.score_quantiles.len(), QUANTILES);
        let centre = s.score(&[4.5, 0.3]);
        assert!(centre < 0.1, "{centre}");
        assert!(s.quantile(centre) < 0.05);
        let far = s.score(&[100.0, 5.0]);
        assert!(far > 10.0 && s.quantile(far) == 1.0);
        let q = s.quantile(s.score_quantiles[50]);
        assert!((q - 0.5).abs() <= 0.02, "{q}");
    }

    /// With a neighbour index the score is the distance to the nearest training embeddings: a
    /// point far from the centre but on the training data is typical; an unseen element still
    /// makes it out of distribution.
    #[test]
    fn the_neighbour_index_replaces_the_centre_distance() {
        use crate::neighbours::{IndexOptions, IndexedMaterial, NeighbourIndex};
        // A large cluster on y = 0 and a small one (3 %) on y = 1; validation beside the large.
        let training: Vec<Vec<f32>> = (0..400)
            .map(|i| if i < 388 { vec![i as f32 * 0.01, 0.0] } else { vec![(i - 388) as f32 * 0.01, 1.0] })
            .collect();
        let validation: Vec<Vec<f32>> = (0..100).map(|i| vec![i as f32 * 0.01 + 0.005, 0.02]).collect();
        let material = |i: usize| IndexedMaterial {
            id: format!("mp-{i}"),
            formula: "Na".into(),
            space_group: 229,
            symbol: "Im-3m".into(),
            labels: vec![],
        };
        let options = IndexOptions { k: 5, weights_sha256: "ab".into(), ..Default::default() };
        let index = NeighbourIndex::build(&training, (0..400).map(material).collect(), &validation, options).unwrap();
        let stats = OodStatistics::fit(&training, vec!["Na".into()], "m", "ab").with_neighbours(Some(Arc::new(index)));
        let sodium =
            shared::parse(shared::gallery::example("bcc-iron").unwrap().cif.replace("Fe", "Na").as_str()).unwrap();
        let edge = [0.05, 1.0];
        assert!(stats.quantile(stats.score(&edge)) > 0.95, "the centre distance flags the small cluster");
        let report = stats.report(&sodium, &edge);
        assert_eq!(report.level, OodLevel::Typical, "{report:?}");
        assert!(report.method.contains("nearest"));
        assert_eq!(stats.report(&sodium, &[0.05, 0.5]).level, OodLevel::OutOfDistribution);
        let iron = shared::parse(shared::gallery::example("bcc-iron").unwrap().cif).unwrap();
        let unseen = stats.report(&iron, &edge);
        assert_eq!((unseen.level, unseen.unseen_elements), (OodLevel::OutOfDistribution, vec!["Fe".to_string()]));
    }

    #[test]
    fn stale_statistics_are_ignored() {
        let dir = std::env::temp_dir().join(format!("matfuse-ood-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        stats().write(&dir).unwrap();
        assert!(OodStatistics::load(&dir, "ab").unwrap().is_some());
        assert!(OodStatistics::load(&dir, "cd").unwrap().is_none());
        std::fs::remove_dir_all(dir).ok();
    }
}
