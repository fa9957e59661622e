//! The shipped molecule bundles in the page: fetched the first time molecule mode is used (never
//! on a crystal visit) from `models/molecules/<name>/` beside `index.html` (copied there by
//! scripts/build-frontend.sh), each verified against its manifest's sha256 as the server does
//! (`MoleculePredictor::from_bytes` → `Bundle::from_bytes`), and run on the CPU (burn flex in
//! WebAssembly): one forward pass per bundle gives the values and the gate at once; then one
//! batched evaluation per bundle adds the atoms' and the fingerprint bits' contributions and
//! each view removed — the server's `explain`.

use burn::prelude::Device;
use models::predictor::molecule::MoleculePredictor;
use shared::api::MoleculePrediction;
use shared::molecule::Molecule;

use super::fetch::{downloaded, request};
use crate::analysis::now_ms;

/// Where the bundles live, relative to the page.
pub const MOLECULES_BASE: &str = "models/molecules/";

/// The shipped bundles (`models/weights/molecules/<name>/`), in the order the page shows them.
pub const MOLECULE_BUNDLES: [&str; 4] = ["esol", "freesolv", "lipo", "bace"];

/// The loaded bundles.
pub struct MoleculeModels {
    predictors: Vec<MoleculePredictor>,
}

/// Every bundle's prediction of one molecule, timed: first the predictions alone, then the same
/// with what explains them.
#[derive(Clone, Debug, PartialEq)]
pub struct MoleculeAnswer {
    pub predictions: Vec<MoleculePrediction>,
    /// All bundles' predictions (one forward pass of the molecule each), ms.
    pub predict_ms: f64,
    /// All bundles' explained answers (each one batch: the molecule, its view-removed and
    /// occluded copies), ms; `None` until they are there.
    pub explain_ms: Option<f64>,
}

/// The loaded bundles as share links pin them: ids and weights sha256, each joined by `+`.
#[derive(Clone, Debug, PartialEq)]
pub struct MoleculeModelsSummary {
    pub ids: String,
    pub weights_sha256: String,
    /// Download, verification and set-up, ms.
    pub load_ms: f64,
}

impl MoleculeModels {
    /// Downloads every bundle (in parallel) and builds its network on the CPU.
    pub async fn load() -> Result<(MoleculeModels, MoleculeModelsSummary), String> {
        let start = now_ms();
        let device = Device::flex();
        let mut manifests = Vec::new();
        for name in MOLECULE_BUNDLES {
            let url = format!("{MOLECULES_BASE}{name}/{}", models::bundle::MANIFEST_FILE);
            manifests.push((name, url.clone(), request(&url)?));
        }
        let mut weights = Vec::new();
        for (name, url, response) in manifests {
            let json = downloaded(&url, response).await?;
            let manifest = models::Manifest::from_json(&json, std::path::Path::new(&url)).map_err(|e| e.to_string())?;
            let weights_url = format!("{MOLECULES_BASE}{name}/{}", manifest.weights.file);
            weights.push((json, weights_url.clone(), request(&weights_url)?));
        }
        let mut predictors = Vec::new();
        for (json, url, response) in weights {
            let bytes = downloaded(&url, response).await?;
            predictors.push(MoleculePredictor::from_bytes(&json, bytes, &device).map_err(|e| format!("{url}: {e}"))?);
        }
        let joined = |f: fn(&MoleculePredictor) -> &str| predictors.iter().map(f).collect::<Vec<_>>().join("+");
        let summary = MoleculeModelsSummary {
            ids: joined(|p| &p.manifest.id),
            weights_sha256: joined(|p| &p.manifest.weights.sha256),
            load_ms: now_ms() - start,
        };
        Ok((MoleculeModels { predictors }, summary))
    }

    /// Every bundle's prediction of `molecule`, not yet explained.
    pub fn predict(&self, molecule: &Molecule) -> MoleculeAnswer {
        let start = now_ms();
        let predictions = self.predictors.iter().map(|p| p.predict_molecule(molecule)).collect();
        MoleculeAnswer { predictions, predict_ms: now_ms() - start, explain_ms: None }
    }

    /// Every bundle's explained prediction of `molecule`; `predict_ms` carried over from the
    /// answer it completes.
    pub fn explain(&self, molecule: &Molecule, predict_ms: f64) -> MoleculeAnswer {
        let start = now_ms();
        let predictions = self.predictors.iter().map(|p| p.explain(molecule)).collect();
        MoleculeAnswer { predictions, predict_ms, explain_ms: Some(now_ms() - start) }
    }
}
