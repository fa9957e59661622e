//! The matfuse server's `server` model (crystal graph + the large text encoder, fused) run in
//! the page beside the `browser` one: its bundle comes from the server
//! (`api/v1/models/server/files/`, verified like the page's own), and the large encoder's token
//! states for each description from `POST api/v1/embed`. Only the encoder runs on the server;
//! the fusion runs here on the same device as the local model.

use std::sync::Arc;

use models::batch::Modalities;
use models::predictor::Predictor;
use shared::Structure;
use shared::api::Predictions;
use shared::embedding::EmbedRequest;
use shared::graph::CrystalGraph;

use super::{ComputeDevice, DeviceKind, fetch};
use crate::{analysis::now_ms, server_api};

/// The model the page asks the server for.
pub const MODEL_ID: &str = "server";

/// Where the server serves that model's files, laid out like a static bundle.
fn bundle_url() -> String {
    format!("api/v1/models/{MODEL_ID}/files/")
}

/// Whether the full-fusion prediction can be shown, and why not.
#[derive(Clone, Debug, PartialEq)]
pub enum FullFusionStatus {
    /// No matfuse server answers beside the page (a static host): nothing is shown.
    NoServer,
    Loading,
    /// The server does not offer the model (its large encoder is not installed, or no such
    /// model is trained yet): said once, the local prediction stands alone.
    Unavailable(String),
    Ready(FullFusionSummary),
}

#[derive(Clone, Debug, PartialEq)]
pub struct FullFusionSummary {
    pub id: String,
    pub version: String,
    pub weights_sha256: String,
    pub trained: bool,
    /// The large text encoder's name (from the model's manifest).
    pub encoder: String,
    /// What the fusion computes on in the page.
    pub device: DeviceKind,
}

/// One structure's full-fusion prediction.
#[derive(Clone, Debug, PartialEq)]
pub struct FullFusionPrediction {
    pub predictions: Predictions,
    /// `POST api/v1/embed`: the request and the server's encoder, ms.
    pub embed_ms: f64,
    /// The fusion network in the page, ms.
    pub inference_ms: f64,
}

/// `None` while it runs.
pub type FullFusionState = Option<Result<Arc<FullFusionPrediction>, String>>;

pub struct FullFusionModel {
    predictor: Predictor,
}

impl FullFusionModel {
    /// Downloads and verifies the server's `server` bundle and builds its network on
    /// `compute`'s device. `Err(Unavailable)` when the server does not serve it.
    pub async fn load(compute: &ComputeDevice) -> Result<(FullFusionModel, FullFusionSummary), FullFusionStatus> {
        let failed = |e: String| {
            FullFusionStatus::Unavailable(format!("the server's '{MODEL_ID}' model could not be loaded: {e}"))
        };
        let (bundle, vocab, _ood) = fetch::bundle(&bundle_url()).await.map_err(|e| match e {
            fetch::BundleError::Missing { .. } => FullFusionStatus::Unavailable(format!(
                "the server has no '{MODEL_ID}' model (it needs the large text encoder and a trained bundle)"
            )),
            other => failed(other.to_string()),
        })?;
        let predictor =
            Predictor::with_remote_encoder(&bundle, &vocab, &compute.device).map_err(|e| failed(e.to_string()))?;
        let m = &predictor.manifest;
        let summary = FullFusionSummary {
            id: m.id.clone(),
            version: m.version.clone(),
            weights_sha256: m.weights.sha256.clone(),
            trained: m.trained,
            encoder: m.text_encoder.name.clone(),
            device: compute.kind,
        };
        Ok((FullFusionModel { predictor }, summary))
    }

    /// The prediction for `structure` reading `description` (the page's generated one).
    pub async fn predict(
        &self,
        structure: &Structure,
        description: String,
    ) -> Result<Arc<FullFusionPrediction>, String> {
        let max_chunks = self.predictor.network.frozen_text.as_ref().map(|f| f.max_chunks);
        let start = now_ms();
        let request = EmbedRequest { text: description.clone(), max_chunks };
        let body = server_api::post_for_bytes("api/v1/embed", &request).await?;
        let embedding = shared::embedding::decode(&body).map_err(|e| format!("api/v1/embed: {e}"))?;
        let embed_ms = now_ms() - start;
        let input = self
            .predictor
            .input_from_embedding(CrystalGraph::from_structure(structure), description, &embedding)
            .map_err(|e| e.to_string())?;
        let start = now_ms();
        let prediction = self.predictor.predict_one_async(&input, Modalities::BOTH).await.map_err(|e| e.to_string())?;
        let inference_ms = now_ms() - start;
        let predictions = self.predictor.manifest.in_units(&prediction, input.graph.element_count());
        Ok(Arc::new(FullFusionPrediction { predictions, embed_ms, inference_ms }))
    }
}
