//! One structure through the `browser` model in the page: the prediction with σ, the modality
//! gate, the prediction with each modality removed and the attention on the description's
//! tokens, timed. Results are read asynchronously, which every device supports (WebGPU
//! requires it), so the CPU and WebGPU share this one code path, and explained by
//! `Predictor::interpret`, the server's own.

use std::cell::RefCell;
use std::sync::Arc;

use models::batch::Modalities;
use models::neighbours::NeighbourIndex;
use models::ood::OodStatistics;
use models::predictor::{Interpreted, Predictor, Readout};
use models::{Bundle, Manifest};
use shared::Structure;

use super::{ComputeDevice, DeviceKind};
use crate::analysis::now_ms;

/// The loaded model on its device.
pub struct LocalModel {
    predictor: Predictor,
    pub compute: ComputeDevice,
    /// The training data's statistics, for the out-of-distribution warning.
    ood: Option<OodStatistics>,
    /// The training embeddings' neighbour index, once fetched ([`LocalModel::neighbours`]):
    /// from then on the warning and the similar materials come from it, as on the server.
    neighbours: RefCell<Option<Arc<NeighbourIndex>>>,
}

/// A token's byte span in the description and the attention it receives (sums to 1 over
/// tokens).
pub use models::predictor::AttendedSpan as WeightedSpan;

/// What the page shows about one prediction: the model's [`Interpreted`] answer (fields read
/// through it: `predictions`, `without_text`, `without_graph`, `gate`, `description`, `tokens`,
/// `atoms`, `ood`), where and how fast it ran.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalPrediction {
    pub interpreted: Interpreted,
    /// The fused embedding the heads read (what the neighbour index and the map place).
    pub embedding: Vec<f32>,
    pub device: DeviceKind,
    /// The prediction with σ (one forward pass and its read-back), ms.
    pub inference_ms: f64,
    /// Featurising, the prediction and the two single-modality predictions, ms.
    pub total_ms: f64,
}

impl std::ops::Deref for LocalPrediction {
    type Target = Interpreted;

    fn deref(&self) -> &Interpreted {
        &self.interpreted
    }
}

impl LocalModel {
    /// Builds the network of a verified bundle on `compute`'s device.
    pub fn new(bundle: &Bundle, vocab: &str, compute: ComputeDevice) -> Result<LocalModel, String> {
        let predictor = Predictor::new(bundle, vocab, &compute.device).map_err(|e| e.to_string())?;
        Ok(LocalModel { predictor, compute, ood: None, neighbours: RefCell::new(None) })
    }

    pub fn with_ood(self, ood: Option<OodStatistics>) -> LocalModel {
        LocalModel { ood, ..self }
    }

    /// The training data's out-of-distribution statistics (with the neighbour index once it is
    /// here), when the bundle has them.
    pub fn ood(&self) -> Option<OodStatistics> {
        let neighbours = self.neighbours.borrow().clone();
        self.ood.clone().map(|s| if neighbours.is_some() { s.with_neighbours(neighbours) } else { s })
    }

    /// The neighbour index, fetched on the first call (lazily: not part of the first visit);
    /// predictions made afterwards use it.
    pub async fn neighbours(&self) -> Result<Arc<NeighbourIndex>, String> {
        if let Some(index) = self.neighbours.borrow().clone() {
            return Ok(index);
        }
        let index = Arc::new(super::neighbours::neighbour_index(&self.manifest().weights.sha256).await?);
        *self.neighbours.borrow_mut() = Some(index.clone());
        Ok(index)
    }

    pub fn manifest(&self) -> &Manifest {
        &self.predictor.manifest
    }

    /// Predicts `structure`, reading `description` (the page's generated one): read back
    /// asynchronously, explained by the same [`Predictor::interpret`] as the server's.
    pub async fn predict(&self, structure: &Structure, description: String) -> Result<Arc<LocalPrediction>, String> {
        let err = |e: models::Error| e.to_string();
        let start = now_ms();
        let input = self.predictor.input_with_text(structure, description).map_err(err)?;
        let inference_start = now_ms();
        let explanation = self.predictor.explain_async(&input).await.map_err(err)?;
        let inference_ms = now_ms() - inference_start;
        // The two single-input predictions are read after the timed one, as `read_out` does.
        let readout = Readout {
            explanation,
            without_text: self.predictor.predict_one_async(&input, Modalities::GRAPH_ONLY).await.map_err(err)?,
            without_graph: self.predictor.predict_one_async(&input, Modalities::TEXT_ONLY).await.map_err(err)?,
        };
        Ok(Arc::new(LocalPrediction {
            interpreted: self.predictor.interpret(structure, &input, &readout, self.ood().as_ref()),
            embedding: readout.explanation.embedding.clone(),
            device: self.compute.kind,
            inference_ms,
            total_ms: now_ms() - start,
        }))
    }
}
