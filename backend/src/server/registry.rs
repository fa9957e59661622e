//! The installed models: bundles found in the model directories, loaded and verified once at
//! start-up, plus those training jobs install while the server runs. Requests name models by id;
//! ids are only ever looked up in this map, never turned into paths.

use super::config::{DEFAULT_MODEL, FALLBACK_MODEL};
use super::error::{ApiError, ApiResult};
use axum::body::Bytes;
use burn::prelude::Device;
use models::Bundle;
use models::bundle::BundleKind;
use models::encoder::LargeEncoder;
use models::ood::OodStatistics;
use models::phases::ReferencePhases;
use models::predictor::{MoleculePredictor, Predictor};
use shared::api::{ModelDetail, ModelInfo, ModelSummary, PropertyUnit};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard};

/// One installed model.
pub struct ModelEntry {
    pub manifest: models::Manifest,
    pub predictor: Predictor,
    /// The weights file, served to browsers.
    pub weights: Bytes,
    /// Training-data statistics for the out-of-distribution score, if installed and current.
    pub ood: Option<OodStatistics>,
    /// The bundle's directory (its files are served to browsers).
    pub dir: std::path::PathBuf,
    /// The reference phases for energy above hull (shared by every model), if installed.
    pub phases: Option<Arc<ReferencePhases>>,
}

pub struct Registry {
    inner: RwLock<Models>,
    /// Molecule models by id (`kind: molecule` bundles, also under `<dir>/molecules/`).
    molecules: BTreeMap<String, Arc<MoleculeEntry>>,
    /// The large text encoder every frozen-text (`server`) model reads; also `/embed`'s.
    encoder: Option<Arc<LargeEncoder>>,
    /// The first `phases.json` + table found in the model directories.
    phases: Option<Arc<ReferencePhases>>,
}

/// The map and the default it implies (recomputed whenever a model is added).
struct Models {
    models: BTreeMap<String, Arc<ModelEntry>>,
    default: Option<String>,
    /// Why the default is not [`DEFAULT_MODEL`].
    default_notice: Option<String>,
}

impl Registry {
    /// Loads every bundle directory under `dirs` (a directory without `manifest.json` is skipped;
    /// a broken bundle is logged and skipped). The first directory to hold an id wins.
    /// `server` models share `encoder` (without one they are skipped, with the reason logged).
    pub fn load(dirs: &[PathBuf], encoder: Option<Arc<LargeEncoder>>, device: &Device) -> Registry {
        let phases = load_phases(dirs);
        let mut models = BTreeMap::new();
        let mut molecules = BTreeMap::new();
        for dir in dirs {
            let (molecule_dirs, bundle_dirs): (Vec<PathBuf>, Vec<PathBuf>) = bundle_dirs(dir)
                .into_iter()
                .chain(bundle_dirs(&dir.join("molecules")))
                .partition(|p| is_molecule_bundle(p));
            for path in molecule_dirs {
                match load_molecule_entry(&path, device) {
                    Ok(entry)
                        if !models.contains_key(&entry.manifest.id) && !molecules.contains_key(&entry.manifest.id) =>
                    {
                        tracing::info!(model = %entry.manifest.id, path = %path.display(), trained = entry.manifest.trained, "molecule model loaded");
                        molecules.insert(entry.manifest.id.clone(), Arc::new(entry));
                    }
                    Ok(entry) => {
                        tracing::warn!(model = %entry.manifest.id, path = %path.display(), "duplicate model id skipped")
                    }
                    Err(e) => tracing::warn!(path = %path.display(), "molecule model not loaded: {e}"),
                }
            }
            for path in bundle_dirs {
                match load_entry(&path, encoder.as_ref(), phases.as_ref(), device) {
                    Ok(entry) if !models.contains_key(&entry.manifest.id) => {
                        tracing::info!(model = %entry.manifest.id, path = %path.display(), trained = entry.manifest.trained, ood = entry.ood.is_some(), "model loaded");
                        models.insert(entry.manifest.id.clone(), Arc::new(entry));
                    }
                    Ok(entry) => {
                        tracing::warn!(model = %entry.manifest.id, path = %path.display(), "duplicate model id skipped")
                    }
                    Err(e) => tracing::warn!(path = %path.display(), "model not loaded: {e}"),
                }
            }
        }
        models.retain(|id, _| !molecules.contains_key(id));
        Registry { inner: RwLock::new(Models::new(models)), molecules, encoder, phases }
    }

    /// The molecule model `id`.
    pub fn molecule(&self, id: &str) -> Option<Arc<MoleculeEntry>> {
        self.molecules.get(id).cloned()
    }

    /// Every molecule model, by id.
    pub fn molecules(&self) -> Vec<Arc<MoleculeEntry>> {
        self.molecules.values().cloned().collect()
    }

    /// The molecule models a `smiles` request asks for: the one it names, else all of them.
    pub fn resolve_molecules(&self, requested: Option<&str>) -> ApiResult<Vec<Arc<MoleculeEntry>>> {
        let known = || self.molecules.keys().cloned().collect::<Vec<_>>();
        match requested {
            Some(id) => match self.molecules.get(id) {
                Some(entry) => Ok(vec![entry.clone()]),
                None if self.read().models.contains_key(id) => Err(ApiError::invalid_request(format!(
                    "model '{id}' is a crystal model: send `structure`, or name a molecule model ({})",
                    known().join(", ")
                ))),
                None => Err(ApiError::unknown_model(id, known())),
            },
            None if self.molecules.is_empty() => {
                Err(ApiError::invalid_request("no molecule model is installed: `smiles` cannot be answered"))
            }
            None => Ok(self.molecules()),
        }
    }

    /// The large text encoder, when installed (`/embed` serves it).
    pub fn encoder(&self) -> Option<&Arc<LargeEncoder>> {
        self.encoder.as_ref()
    }

    fn read(&self) -> RwLockReadGuard<'_, Models> {
        // Writers only insert a fully built entry: a poisoned lock still holds a consistent map.
        self.inner.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Loads the bundle in `dir` and adds it (a trained job's model). An id already installed is
    /// an error: installed models are never replaced while the server runs.
    pub fn install(&self, dir: &Path, device: &Device) -> Result<ModelSummary, models::Error> {
        let entry = load_entry(dir, self.encoder.as_ref(), self.phases.as_ref(), device)?;
        let mut inner = self.inner.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if inner.models.contains_key(&entry.manifest.id) {
            return Err(models::Error::Config(format!("a model '{}' is already installed", entry.manifest.id)));
        }
        let summary = entry.summary();
        tracing::info!(model = %entry.manifest.id, path = %dir.display(), "model installed");
        let mut models = std::mem::take(&mut inner.models);
        models.insert(entry.manifest.id.clone(), Arc::new(entry));
        *inner = Models::new(models);
        Ok(summary)
    }

    pub fn len(&self) -> usize {
        self.read().models.len()
    }

    pub fn is_empty(&self) -> bool {
        self.read().models.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<Arc<ModelEntry>> {
        self.read().models.get(id).cloned()
    }

    pub fn ids(&self) -> Vec<String> {
        self.read().ids()
    }

    /// The model a request asked for (or the default), with the notice its answer carries.
    pub fn resolve(&self, requested: Option<&str>) -> ApiResult<(Arc<ModelEntry>, ModelInfo)> {
        let inner = self.read();
        let (id, notice) = match requested {
            Some(id) => (id, None),
            None => match &inner.default {
                Some(id) => (id.as_str(), inner.default_notice.clone()),
                None => return Err(ApiError::unknown_model(DEFAULT_MODEL, inner.ids())),
            },
        };
        let entry = inner.models.get(id).ok_or_else(|| ApiError::unknown_model(id, inner.ids()))?;
        Ok((entry.clone(), entry.info(notice)))
    }

    /// The `GET /models` listing.
    pub fn list(&self) -> shared::api::ModelList {
        let inner = self.read();
        shared::api::ModelList {
            default: inner.default.clone().unwrap_or_default(),
            notice: inner.default_notice.clone(),
            models: inner
                .models
                .values()
                .map(|m| m.summary())
                .chain(self.molecules.values().map(|m| m.summary()))
                .collect(),
        }
    }
}

impl Models {
    fn ids(&self) -> Vec<String> {
        self.models.keys().cloned().collect()
    }

    fn new(models: BTreeMap<String, Arc<ModelEntry>>) -> Models {
        let (default, default_notice) = if models.contains_key(DEFAULT_MODEL) {
            (Some(DEFAULT_MODEL.to_string()), None)
        } else if models.contains_key(FALLBACK_MODEL) {
            let notice = format!(
                "The default '{DEFAULT_MODEL}' model (large text encoder) is not installed; the '{FALLBACK_MODEL}' model answered."
            );
            (Some(FALLBACK_MODEL.to_string()), Some(notice))
        } else {
            let first = models.keys().next().cloned();
            let notice = first.as_ref().map(|id| {
                format!("Neither '{DEFAULT_MODEL}' nor '{FALLBACK_MODEL}' is installed; the '{id}' model answered.")
            });
            (first, notice)
        };
        Models { models, default, default_notice }
    }
}

impl ModelEntry {
    pub fn summary(&self) -> ModelSummary {
        summary_of(&self.manifest, self.manifest.fusion.to_string(), self.weights.len() as u64, None)
    }

    pub fn detail(&self) -> ModelDetail {
        let m = &self.manifest;
        ModelDetail {
            summary: self.summary(),
            metrics: m.metrics.clone(),
            caveats: m.caveats.clone(),
            properties: m
                .properties
                .iter()
                .map(|p| PropertyUnit { name: p.name.clone(), unit: p.unit.clone() })
                .collect(),
            training_data: m.training.data.clone(),
            ood_statistics: self.ood.is_some(),
        }
    }

    /// The response's model block; an untrained model always says so.
    pub fn info(&self, notice: Option<String>) -> ModelInfo {
        let m = &self.manifest;
        let untrained = (!m.trained).then(|| "This model is untrained: its numbers are meaningless.".to_string());
        let notice = match (notice, untrained) {
            (Some(a), Some(b)) => Some(format!("{a} {b}")),
            (a, b) => a.or(b),
        };
        ModelInfo {
            id: m.id.clone(),
            version: m.version.clone(),
            trained: m.trained,
            weights_sha256: m.weights.sha256.clone(),
            notice,
        }
    }
}

fn load_entry(
    dir: &std::path::Path,
    encoder: Option<&Arc<LargeEncoder>>,
    phases: Option<&Arc<ReferencePhases>>,
    device: &Device,
) -> Result<ModelEntry, models::Error> {
    let bundle = Bundle::load(dir)?;
    let predictor = Predictor::from_bundle_with(&bundle, encoder, device)?;
    let ood = OodStatistics::load(dir, &bundle.manifest.weights.sha256)?;
    Ok(ModelEntry {
        manifest: bundle.manifest,
        predictor,
        weights: Bytes::from(bundle.weights),
        ood,
        dir: dir.to_path_buf(),
        phases: phases.cloned(),
    })
}

/// One installed molecule model.
pub struct MoleculeEntry {
    pub manifest: models::Manifest,
    pub predictor: MoleculePredictor,
    /// The weights file's size, bytes.
    pub weights_bytes: u64,
    pub dir: PathBuf,
}

impl MoleculeEntry {
    pub fn summary(&self) -> ModelSummary {
        let fusion = models::predictor::molecule::fusion_name(&self.predictor.network);
        summary_of(&self.manifest, fusion, self.weights_bytes, Some(BundleKind::Molecule))
    }
}

/// A bundle's listing from its manifest: `fusion` as the bundle's kind names it, `kind` only for
/// a non-crystal bundle.
fn summary_of(m: &models::Manifest, fusion: String, weights_bytes: u64, kind: Option<BundleKind>) -> ModelSummary {
    ModelSummary {
        id: m.id.clone(),
        version: m.version.clone(),
        trained: m.trained,
        fusion,
        text_encoder: m.text_encoder.name.clone(),
        weights_sha256: m.weights.sha256.clone(),
        weights_bytes,
        kind: kind.map(|k| k.as_str().into()),
    }
}

/// The bundle directories (those with a manifest) directly under `dir`, sorted; none when `dir`
/// cannot be read.
fn bundle_dirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join(models::bundle::MANIFEST_FILE).is_file())
        .collect();
    dirs.sort();
    dirs
}

/// Whether `dir`'s manifest says `kind: molecule` (an unreadable one is left to the crystal
/// loader, which logs why it fails).
fn is_molecule_bundle(dir: &Path) -> bool {
    let path = dir.join(models::bundle::MANIFEST_FILE);
    std::fs::read(&path)
        .ok()
        .and_then(|bytes| models::Manifest::from_json(&bytes, &path).ok())
        .is_some_and(|m| m.kind == BundleKind::Molecule)
}

fn load_molecule_entry(dir: &Path, device: &Device) -> Result<MoleculeEntry, models::Error> {
    let bundle = Bundle::load(dir)?;
    let predictor = MoleculePredictor::new(&bundle, device)?;
    Ok(MoleculeEntry {
        manifest: bundle.manifest,
        predictor,
        weights_bytes: bundle.weights.len() as u64,
        dir: dir.to_path_buf(),
    })
}

/// The reference phase table of the first model directory that has one (a broken one is logged
/// and skipped: predictions then come without stability).
fn load_phases(dirs: &[PathBuf]) -> Option<Arc<ReferencePhases>> {
    dirs.iter().find_map(|dir| match ReferencePhases::load(dir) {
        Ok(Some(phases)) => {
            tracing::info!(path = %dir.display(), phases = phases.table.len(), "reference phases loaded");
            Some(Arc::new(phases))
        }
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(path = %dir.display(), "reference phases not loaded: {e}");
            None
        }
    })
}
