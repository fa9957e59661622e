//! The training split's fused embeddings as a nearest-neighbour index (`neighbours.bin` beside
//! a bundle): the out-of-distribution score "how far are the closest training structures" and
//! the answer to "which known materials is this one like".
//!
//! Each embedding is standardised per dimension with the training mean and σ (as
//! [`crate::ood`] does), optionally projected onto its leading principal components (a smaller
//! index for the page), and stored in f16. Distances are RMS differences per stored dimension
//! (σ units). The score of a structure is the mean distance to its `k` nearest training
//! structures; its meaning comes from the VALIDATION split's scores (structures the network did
//! not train on), stored sorted, so a score reads as "farther from its neighbours than q % of
//! held-out structures". Search is exact (one pass over the rows).
//!
//! A bundle may hold two indexes ([`IndexFile`]): the page's (`neighbours.bin`, projected so it
//! stays within the page's download budget, carrying the training map's coordinates) and the
//! backend's (`neighbours_full.bin`, every dimension), which the backend prefers when present.
//!
//! File: an 8-byte magic, then gzip of a postcard record ([`NeighbourIndex::to_bytes`]). It
//! names the weights (sha256) it was computed for; an index of other weights is ignored.

use crate::error::{Error, Result};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use shared::api::SimilarMaterial;
use shared::report::SpaceGroupRef;
use std::io::{Read, Write};
use std::path::Path;

pub const NEIGHBOURS_FILE: &str = "neighbours.bin";
/// The backend's full-dimension index beside the page's (never served to the page).
pub const FULL_NEIGHBOURS_FILE: &str = "neighbours_full.bin";
/// Format 2 added the training map's coordinates.
const MAGIC: &[u8; 8] = b"MFKNN\x00\x00\x02";
/// Smallest per-dimension σ used (as [`crate::ood`]).
const MIN_STD: f32 = 1e-4;
/// Validation percentile above which a structure is `unusual` (at most 5 % of the validation
/// split is flagged).
pub const UNUSUAL_PERCENTILE: f64 = 0.95;
/// Validation percentile above which a structure is `out_of_distribution` (~1 % of it).
pub const OUTSIDE_PERCENTILE: f64 = 0.99;

/// Which of a bundle's indexes a file is, and where it and its pin live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexFile {
    /// `neighbours.bin`: the one the page downloads (projected, with the map).
    Page,
    /// `neighbours_full.bin`: the backend's, every dimension of the embedding.
    Full,
}

impl IndexFile {
    /// The index's file name.
    pub fn file(self) -> &'static str {
        match self {
            IndexFile::Page => NEIGHBOURS_FILE,
            IndexFile::Full => FULL_NEIGHBOURS_FILE,
        }
    }

    /// Its pin's file name (see [`crate::neighbours_info`]).
    pub fn info_file(self) -> &'static str {
        match self {
            IndexFile::Page => crate::neighbours_info::NEIGHBOURS_INFO_FILE,
            IndexFile::Full => crate::neighbours_info::FULL_NEIGHBOURS_INFO_FILE,
        }
    }
}

/// One indexed training material, with what the page and the API show of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexedMaterial {
    /// Materials Project id, e.g. `mp-1143`.
    pub id: String,
    /// Reduced formula.
    pub formula: String,
    /// International Tables number and short Hermann–Mauguin symbol (e.g. 225, "Fm-3m").
    pub space_group: u16,
    pub symbol: String,
    /// DFT labels in the order of [`NeighbourIndex::tasks`] (`None` where the row has none).
    pub labels: Vec<Option<f32>>,
}

/// A training material near a query, `distance` in σ units (RMS per stored dimension).
#[derive(Clone, Debug, PartialEq)]
pub struct Neighbour<'a> {
    pub material: &'a IndexedMaterial,
    /// Its row in the index (as [`NeighbourIndex::row`] takes it).
    pub row: usize,
    pub distance: f64,
}

/// What `matfuse ood` records besides the embeddings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IndexOptions {
    /// Neighbours averaged by the score.
    pub k: usize,
    /// Principal components kept (`None`: every dimension).
    pub dims: Option<usize>,
    /// Registry names of the label columns of [`IndexedMaterial::labels`].
    pub tasks: Vec<String>,
    pub model: String,
    pub weights_sha256: String,
    pub command: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Stored {
    model: String,
    weights_sha256: String,
    command: String,
    k: u32,
    mean: Vec<f32>,
    std: Vec<f32>,
    /// `dims` orthonormal rows of length `mean.len()`; empty: no projection.
    projection: Vec<f32>,
    dims: u32,
    /// `materials.len() × dims` f16 values, little-endian.
    rows: Vec<u8>,
    materials: Vec<IndexedMaterial>,
    tasks: Vec<String>,
    /// The validation split's scores, ascending.
    validation_scores: Vec<f32>,
    /// The training map: 2 f16 values (little-endian) per material; empty: none stored.
    map: Vec<u8>,
    /// How the map was computed (empty without one).
    map_method: String,
}

/// The index in memory (rows widened to f32 for the search).
#[derive(Clone, Debug, PartialEq)]
pub struct NeighbourIndex {
    stored: Stored,
    rows: Vec<f32>,
}

impl NeighbourIndex {
    /// The index of `training` embeddings (with their materials), its score percentiles taken
    /// from the `validation` embeddings.
    pub fn build(
        training: &[Vec<f32>],
        materials: Vec<IndexedMaterial>,
        validation: &[Vec<f32>],
        options: IndexOptions,
    ) -> Result<NeighbourIndex> {
        let width = training.first().map_or(0, Vec::len);
        if training.is_empty() || training.len() != materials.len() || width == 0 {
            return Err(Error::Config(format!(
                "a neighbour index needs as many materials as embeddings (got {} and {})",
                materials.len(),
                training.len()
            )));
        }
        if training.iter().chain(validation).any(|e| e.len() != width) {
            return Err(Error::Config("embeddings of different widths".into()));
        }
        let (mean, std) = mean_std(training);
        let standardised: Vec<Vec<f32>> = training.iter().map(|e| standardise(e, &mean, &std)).collect();
        let (projection, dims) = match options.dims.filter(|&d| d < width) {
            Some(d) => (principal_components(&standardised, d.max(1)), d.max(1)),
            None => (vec![], width),
        };
        let reduced: Vec<f32> = standardised.iter().flat_map(|z| project(z, &projection, dims)).collect();
        let rows: Vec<u8> = reduced.iter().flat_map(|&x| half::f16::from_f32(x).to_le_bytes()).collect();
        let stored = Stored {
            model: options.model,
            weights_sha256: options.weights_sha256,
            command: options.command,
            k: options.k.max(1) as u32,
            mean,
            std,
            projection,
            dims: dims as u32,
            rows,
            materials,
            tasks: options.tasks,
            validation_scores: vec![],
            map: vec![],
            map_method: String::new(),
        };
        let mut index = NeighbourIndex::from_stored(stored)?;
        let mut scores: Vec<f32> = validation.iter().map(|e| index.score(e) as f32).collect();
        scores.sort_by(f32::total_cmp);
        index.stored.validation_scores = scores;
        Ok(index)
    }

    fn from_stored(stored: Stored) -> Result<NeighbourIndex> {
        let dims = stored.dims as usize;
        let width = stored.mean.len();
        let consistent = stored.std.len() == width
            && dims > 0
            && (stored.projection.is_empty() && dims == width || stored.projection.len() == dims * width)
            && stored.rows.len() == stored.materials.len() * dims * 2
            && (stored.map.is_empty() || stored.map.len() == stored.materials.len() * 4)
            && stored.materials.iter().all(|m| m.labels.len() == stored.tasks.len());
        if !consistent {
            return Err(Error::Weights(format!("{NEIGHBOURS_FILE}: inconsistent sizes")));
        }
        let rows = stored.rows.chunks_exact(2).map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32()).collect();
        Ok(NeighbourIndex { stored, rows })
    }

    pub fn weights_sha256(&self) -> &str {
        &self.stored.weights_sha256
    }

    /// Training materials indexed.
    pub fn len(&self) -> usize {
        self.stored.materials.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stored.materials.is_empty()
    }

    /// Neighbours averaged by the score.
    pub fn k(&self) -> usize {
        self.stored.k as usize
    }

    /// Stored dimensions per material (principal components, or the embedding's width).
    pub fn dims(&self) -> usize {
        self.stored.dims as usize
    }

    /// Width of the embeddings the index reads (before any projection).
    pub fn width(&self) -> usize {
        self.stored.mean.len()
    }

    /// Registry names of the materials' label columns.
    pub fn tasks(&self) -> &[String] {
        &self.stored.tasks
    }

    /// Validation structures the percentiles come from.
    pub fn validation_len(&self) -> usize {
        self.stored.validation_scores.len()
    }

    /// Whether rows hold principal components (largest variance first) rather than the
    /// standardised embedding's own dimensions.
    pub fn is_projected(&self) -> bool {
        !self.stored.projection.is_empty()
    }

    /// With the training map `points` (one per material, in row order; stored in f16) and a
    /// sentence saying how it was computed.
    pub fn with_map(mut self, points: &[[f32; 2]], method: &str) -> Result<NeighbourIndex> {
        if points.len() != self.len() {
            return Err(Error::Config(format!("a map of {} points for {} materials", points.len(), self.len())));
        }
        self.stored.map = points.iter().flatten().flat_map(|&x| half::f16::from_f32(x).to_le_bytes()).collect();
        self.stored.map_method = method.into();
        Ok(self)
    }

    /// The stored training map (one point per row, f16 precision), if any.
    pub fn stored_map(&self) -> Option<Vec<[f32; 2]>> {
        let value = |b: &[u8]| half::f16::from_le_bytes([b[0], b[1]]).to_f32();
        (!self.stored.map.is_empty())
            .then(|| self.stored.map.chunks_exact(4).map(|p| [value(&p[..2]), value(&p[2..])]).collect())
    }

    /// How the stored map was computed (`None` without one).
    pub fn map_method(&self) -> Option<&str> {
        (!self.stored.map.is_empty()).then_some(self.stored.map_method.as_str())
    }

    /// The indexed material of row `i`.
    pub fn material(&self, i: usize) -> Option<&IndexedMaterial> {
        self.stored.materials.get(i)
    }

    /// Row `i`'s stored coordinates (σ units; f16 precision).
    pub fn row(&self, i: usize) -> &[f32] {
        let dims = self.dims();
        self.rows.get(i * dims..(i + 1) * dims).unwrap_or(&[])
    }

    /// `embedding` standardised per dimension with the training mean and σ.
    pub fn standardised(&self, embedding: &[f32]) -> Vec<f32> {
        standardise(embedding, &self.stored.mean, &self.stored.std)
    }

    /// `embedding` in the rows' coordinates (standardised, then projected when the index is).
    pub fn coordinates(&self, embedding: &[f32]) -> Vec<f32> {
        project(&self.standardised(embedding), &self.stored.projection, self.dims())
    }

    /// Label `task` (registry name) of every row (`None` where a row has none, or for a task
    /// the index does not hold).
    pub fn labels(&self, task: &str) -> Vec<Option<f32>> {
        let column = self.stored.tasks.iter().position(|t| t == task);
        self.stored.materials.iter().map(|m| column.and_then(|c| m.labels.get(c).copied().flatten())).collect()
    }

    /// The `n` indexed materials closest to `embedding`, closest first (ties: index order).
    pub fn nearest(&self, embedding: &[f32], n: usize) -> Vec<Neighbour<'_>> {
        let dims = self.dims();
        let query = self.coordinates(embedding);
        let mut best: Vec<(f32, usize)> = Vec::with_capacity(n + 1);
        for (i, row) in self.rows.chunks_exact(dims).enumerate() {
            let d: f32 = row.iter().zip(&query).map(|(a, b)| (a - b) * (a - b)).sum();
            if best.len() < n || best.last().is_some_and(|&(worst, _)| d < worst) {
                let at = best.partition_point(|&(x, _)| x <= d);
                best.insert(at, (d, i));
                best.truncate(n);
            }
        }
        best.into_iter()
            .map(|(d, i)| Neighbour {
                material: &self.stored.materials[i],
                row: i,
                distance: (f64::from(d) / dims as f64).sqrt(),
            })
            .collect()
    }

    /// The `n` indexed materials closest to `embedding` as the API shows them.
    pub fn similar(&self, embedding: &[f32], n: usize) -> Vec<SimilarMaterial> {
        self.nearest(embedding, n)
            .into_iter()
            .map(|Neighbour { material, distance, .. }| SimilarMaterial {
                material_id: material.id.clone(),
                formula: material.formula.clone(),
                space_group: SpaceGroupRef { number: material.space_group, symbol: material.symbol.clone() },
                labels: self
                    .stored
                    .tasks
                    .iter()
                    .zip(&material.labels)
                    .filter_map(|(task, label)| Some((task.clone(), f64::from((*label)?))))
                    .collect(),
                distance,
                url: SimilarMaterial::materials_project_url(&material.id),
            })
            .collect()
    }

    /// Mean distance to the `k` nearest training structures (σ units).
    pub fn score(&self, embedding: &[f32]) -> f64 {
        let near = self.nearest(embedding, self.k());
        near.iter().map(|n| n.distance).sum::<f64>() / near.len().max(1) as f64
    }

    /// Fraction of validation structures whose score is at most `score` (1 without any; NaN
    /// counts as beyond them all).
    pub fn percentile(&self, score: f64) -> f64 {
        let scores = &self.stored.validation_scores;
        if scores.is_empty() || score.is_nan() {
            return 1.0;
        }
        scores.partition_point(|&s| f64::from(s) <= score) as f64 / scores.len() as f64
    }

    /// The validation score below which a fraction `percentile` of the validation structures
    /// lie: the threshold a score must exceed to reach that percentile (NaN without any).
    pub fn threshold(&self, percentile: f64) -> f64 {
        let scores = &self.stored.validation_scores;
        let at = ((percentile.clamp(0.0, 1.0) * scores.len() as f64).ceil() as usize).clamp(1, scores.len().max(1));
        scores.get(at - 1).map_or(f64::NAN, |&s| f64::from(s))
    }

    /// One sentence saying how the score was computed.
    pub fn method(&self) -> String {
        let space = if self.stored.projection.is_empty() {
            format!("the standardised fused embedding ({} dimensions)", self.dims())
        } else {
            format!("the first {} principal components of the standardised fused embedding", self.dims())
        };
        format!(
            "mean distance to the {} nearest of {} training structures in {space}; percentile among {} validation structures' scores",
            self.k(),
            self.len(),
            self.validation_len()
        )
    }

    /// The file's bytes (see the module documentation).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let record = postcard::to_stdvec(&self.stored).map_err(|e| Error::Weights(e.to_string()))?;
        let mut gz = GzEncoder::new(MAGIC.to_vec(), Compression::best());
        gz.write_all(&record).map_err(|e| Error::Weights(e.to_string()))?;
        gz.finish().map_err(|e| Error::Weights(e.to_string()))
    }

    /// The index in `bytes` when computed for `weights_sha256` (`Ok(None)` when stale).
    pub fn from_bytes(bytes: &[u8], weights_sha256: &str) -> Result<Option<NeighbourIndex>> {
        let invalid = |message: String| Error::Weights(format!("{NEIGHBOURS_FILE}: {message}"));
        let body = bytes.strip_prefix(MAGIC).ok_or_else(|| {
            invalid("not a neighbour index of this format (an older one is rebuilt by `matfuse ood`)".into())
        })?;
        let mut record = Vec::new();
        GzDecoder::new(body).read_to_end(&mut record).map_err(|e| invalid(e.to_string()))?;
        let stored: Stored = postcard::from_bytes(&record).map_err(|e| invalid(e.to_string()))?;
        if !stored.weights_sha256.eq_ignore_ascii_case(weights_sha256) {
            return Ok(None);
        }
        NeighbourIndex::from_stored(stored).map(Some)
    }

    /// `dir`'s index `which` if present and computed for these weights (checked against its
    /// pin's sha256 when the pin is there); `Ok(None)` otherwise.
    pub fn load(dir: &Path, which: IndexFile, weights_sha256: &str) -> Result<Option<NeighbourIndex>> {
        let path = dir.join(which.file());
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(Error::Read { path, source }),
        };
        match crate::neighbours_info::NeighboursInfo::load(dir, which)? {
            Some(pin) => pin.index(&bytes, weights_sha256, &path),
            None => NeighbourIndex::from_bytes(&bytes, weights_sha256),
        }
    }

    /// The index the backend answers from: `dir`'s full index when present for these weights,
    /// else the page's.
    pub fn load_for_backend(dir: &Path, weights_sha256: &str) -> Result<Option<NeighbourIndex>> {
        match NeighbourIndex::load(dir, IndexFile::Full, weights_sha256)? {
            Some(full) => Ok(Some(full)),
            None => NeighbourIndex::load(dir, IndexFile::Page, weights_sha256),
        }
    }

    /// Writes `dir`'s index `which` and its pin.
    pub fn write(&self, dir: &Path, which: IndexFile) -> Result<()> {
        let path = dir.join(which.file());
        let bytes = self.to_bytes()?;
        std::fs::write(&path, &bytes).map_err(|source| Error::Write { path, source })?;
        crate::neighbours_info::NeighboursInfo::of(self, which, &self.stored.model, &bytes).write(dir, which)
    }
}

/// A rock-salt material `mp-{i}` without labels, for tests of the index's users.
#[cfg(test)]
pub(crate) fn test_material(i: usize) -> IndexedMaterial {
    IndexedMaterial {
        id: format!("mp-{i}"),
        formula: "NaCl".into(),
        space_group: 225,
        symbol: "Fm-3m".into(),
        labels: vec![],
    }
}

fn mean_std(embeddings: &[Vec<f32>]) -> (Vec<f32>, Vec<f32>) {
    let width = embeddings.first().map_or(0, Vec::len);
    let n = embeddings.len().max(1) as f64;
    let mut mean = vec![0.0f64; width];
    let mut square = vec![0.0f64; width];
    for e in embeddings {
        for ((m, s), &x) in mean.iter_mut().zip(&mut square).zip(e) {
            *m += f64::from(x) / n;
            *s += f64::from(x).powi(2) / n;
        }
    }
    let std = mean.iter().zip(&square).map(|(m, s)| ((s - m * m).max(0.0).sqrt() as f32).max(MIN_STD)).collect();
    (mean.into_iter().map(|m| m as f32).collect(), std)
}

fn standardise(embedding: &[f32], mean: &[f32], std: &[f32]) -> Vec<f32> {
    embedding.iter().zip(mean.iter().zip(std)).map(|(x, (m, s))| (x - m) / s).collect()
}

/// `z` onto the `dims` rows of `projection` (`z` itself when there is none).
fn project(z: &[f32], projection: &[f32], dims: usize) -> Vec<f32> {
    if projection.is_empty() {
        return z.to_vec();
    }
    projection.chunks_exact(z.len()).take(dims).map(|axis| axis.iter().zip(z).map(|(a, b)| a * b).sum()).collect()
}

/// The `dims` leading principal axes of (already centred) rows, as `dims` rows of their width:
/// eigenvectors of the covariance by cyclic Jacobi rotations, largest eigenvalue first.
fn principal_components(rows: &[Vec<f32>], dims: usize) -> Vec<f32> {
    let width = rows.first().map_or(0, Vec::len);
    let mut a = vec![0.0f64; width * width];
    for r in rows {
        for i in 0..width {
            for j in i..width {
                a[i * width + j] += f64::from(r[i]) * f64::from(r[j]);
            }
        }
    }
    for i in 0..width {
        for j in 0..i {
            a[i * width + j] = a[j * width + i];
        }
    }
    let (values, vectors) = jacobi_eigen(a, width);
    let mut order: Vec<usize> = (0..width).collect();
    order.sort_by(|&x, &y| values[y].total_cmp(&values[x]));
    let vectors = &vectors;
    order.iter().take(dims).flat_map(|&c| (0..width).map(move |i| vectors[i * width + c] as f32)).collect()
}

/// Eigenvalues and eigenvectors (columns of the returned row-major matrix) of the symmetric
/// `n × n` matrix `a`.
fn jacobi_eigen(mut a: Vec<f64>, n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut v = vec![0.0; n * n];
    (0..n).for_each(|i| v[i * n + i] = 1.0);
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j].powi(2))
            .sum();
        let diagonal: f64 = (0..n).map(|i| a[i * n + i].powi(2)).sum();
        if off <= 1e-22 * diagonal.max(f64::MIN_POSITIVE) {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq.abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i * n + i]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn material(i: usize) -> IndexedMaterial {
        IndexedMaterial {
            id: format!("mp-{i}"),
            formula: "NaCl".into(),
            space_group: 225,
            symbol: "Fm-3m".into(),
            labels: vec![Some(i as f32), None],
        }
    }

    /// Two clusters on a line in a 3-D embedding (third dimension constant).
    fn index(dims: Option<usize>) -> NeighbourIndex {
        let training: Vec<Vec<f32>> =
            (0..200).map(|i| vec![(i % 100) as f32 * 0.01 + if i < 100 { 0.0 } else { 5.0 }, 1.0, 2.0]).collect();
        let validation: Vec<Vec<f32>> = (0..100).map(|i| vec![i as f32 * 0.01 + 0.005, 1.0, 2.0]).collect();
        let options = IndexOptions {
            k: 5,
            dims,
            tasks: vec!["a".into(), "b".into()],
            model: "m".into(),
            weights_sha256: "ab".into(),
            command: "test".into(),
        };
        NeighbourIndex::build(&training, (0..200).map(material).collect(), &validation, options).unwrap()
    }

    #[test]
    fn nearest_are_ordered_and_exact() {
        let index = index(None);
        let near = index.nearest(&[5.5, 1.0, 2.0], 3);
        assert_eq!(near.len(), 3);
        assert_eq!(near[0].material.id, "mp-150");
        assert!(near.windows(2).all(|w| w[0].distance <= w[1].distance));
        let mut ids: Vec<&str> = near.iter().map(|n| n.material.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["mp-149", "mp-150", "mp-151"]);
        let similar = index.similar(&[5.5, 1.0, 2.0], 1).remove(0);
        assert_eq!(similar.url, "https://next-gen.materialsproject.org/materials/mp-150");
        assert_eq!((similar.space_group.number, similar.labels.len(), similar.labels["a"]), (225, 1, 150.0));
    }

    #[test]
    fn scores_between_the_clusters_are_flagged_and_validation_mostly_not() {
        let index = index(None);
        assert_eq!(index.validation_len(), 100);
        let inside = index.score(&[0.5, 1.0, 2.0]);
        let between = index.score(&[2.5, 1.0, 2.0]);
        assert!(index.percentile(inside) < UNUSUAL_PERCENTILE, "{inside}");
        assert_eq!(index.percentile(between), 1.0);
        assert!(between > 10.0 * inside);
        let threshold = index.threshold(UNUSUAL_PERCENTILE);
        assert!(index.percentile(threshold) >= UNUSUAL_PERCENTILE && index.percentile(threshold * 1.0001) >= 0.95);
        assert!(index.percentile(threshold * 0.9999) <= UNUSUAL_PERCENTILE);
    }

    #[test]
    fn one_principal_component_keeps_the_line() {
        let full = index(None);
        let reduced = index(Some(1));
        assert_eq!(reduced.dims(), 1);
        let query = [5.423, 1.0, 2.0];
        let ids = |i: &NeighbourIndex| i.nearest(&query, 3).iter().map(|n| n.material.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&full), ids(&reduced));
    }

    #[test]
    fn round_trips_and_ignores_other_weights() {
        let index = index(Some(2));
        let bytes = index.to_bytes().unwrap();
        assert_eq!(NeighbourIndex::from_bytes(&bytes, "AB").unwrap().as_ref(), Some(&index));
        assert!(NeighbourIndex::from_bytes(&bytes, "cd").unwrap().is_none());
        assert!(NeighbourIndex::from_bytes(&bytes[..bytes.len() / 2], "ab").is_err());
        assert!(NeighbourIndex::from_bytes(b"not an index", "ab").is_err());
    }

    #[test]
    fn the_map_round_trips_in_f16() {
        let map: Vec<[f32; 2]> = (0..200).map(|i| [i as f32 * 0.1, -(i as f32)]).collect();
        let plain = index(Some(2));
        assert!(plain.stored_map().is_none() && plain.map_method().is_none());
        let mapped = plain.with_map(&map, "test map").unwrap();
        let read = NeighbourIndex::from_bytes(&mapped.to_bytes().unwrap(), "ab").unwrap().unwrap();
        assert_eq!(read, mapped);
        let stored = read.stored_map().unwrap();
        assert!(stored.iter().zip(&map).all(|(a, b)| (a[0] - b[0]).abs() <= 0.01 && a[1] == b[1]), "{stored:?}");
        assert_eq!(read.map_method(), Some("test map"));
    }

    /// Both files of a bundle, each with its pin: the backend prefers the full one, and the
    /// page's stays what it was.
    #[test]
    fn the_backend_prefers_the_full_index_file() {
        let dir = std::env::temp_dir().join(format!("matfuse-knn-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (page, full) = (index(Some(1)), index(None));
        page.write(&dir, IndexFile::Page).unwrap();
        let backend = |dir: &Path| NeighbourIndex::load_for_backend(dir, "ab").unwrap().unwrap();
        assert_eq!(backend(&dir), page, "without a full index the page's answers");
        full.write(&dir, IndexFile::Full).unwrap();
        for which in [IndexFile::Page, IndexFile::Full] {
            assert!(dir.join(which.file()).is_file() && dir.join(which.info_file()).is_file());
        }
        assert_eq!(backend(&dir), full);
        assert_eq!(NeighbourIndex::load(&dir, IndexFile::Page, "ab").unwrap(), Some(page));
        assert_eq!(NeighbourIndex::load(&dir, IndexFile::Full, "cd").unwrap(), None, "other weights");
        let pin = crate::neighbours_info::NeighboursInfo::load(&dir, IndexFile::Full).unwrap().unwrap();
        assert_eq!((pin.file.as_str(), pin.dims), (FULL_NEIGHBOURS_FILE, 3));
        std::fs::write(dir.join(FULL_NEIGHBOURS_FILE), b"changed").unwrap();
        assert!(NeighbourIndex::load_for_backend(&dir, "ab").is_err(), "the pin refuses other bytes");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn eigenvectors_of_a_diagonal_matrix() {
        let (values, vectors) = jacobi_eigen(vec![2.0, 1.0, 1.0, 2.0], 2);
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        assert!((sorted[0] - 1.0).abs() < 1e-9 && (sorted[1] - 3.0).abs() < 1e-9);
        let norm = vectors[0] * vectors[0] + vectors[2] * vectors[2];
        assert!((norm - 1.0).abs() < 1e-9);
    }
}
