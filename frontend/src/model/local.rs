//! One structure through the `browser` model in the page: the prediction with σ, the modality
//! gate, the prediction with each modality removed and the attention on the description's
//! tokens, timed. Results are read asynchronously, which every device supports (WebGPU
//! requires it), so the CPU and WebGPU share this one code path.

use std::sync::Arc;

use models::batch::Modalities;
use models::ood::OodStatistics;
use models::predictor::Predictor;
use models::train::Prediction;
use models::{Bundle, Manifest};
use shared::Structure;
use shared::api::{ModalityWeights, OodReport, Predictions};

use super::{Backend, Compute};
use crate::analysis::now_ms;

/// The loaded model on its device.
pub struct LocalModel {
    predictor: Predictor,
    pub compute: Compute,
    /// The training data's statistics, for the out-of-distribution warning.
    ood: Option<OodStatistics>,
}

/// A byte span of the description and the attention its token receives (sums to 1 over tokens).
#[derive(Clone, Debug, PartialEq)]
pub struct WeightedSpan {
    pub start: usize,
    pub end: usize,
    pub weight: f64,
}

/// What the page shows about one prediction.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalPrediction {
    /// Both modalities (the model's answer).
    pub predictions: Predictions,
    /// The crystal graph alone (text removed).
    pub without_text: Predictions,
    /// The description alone (graph removed).
    pub without_graph: Predictions,
    pub gate: Option<ModalityWeights>,
    /// The text the model read.
    pub description: String,
    /// One entry per token the model read, in order.
    pub tokens: Vec<WeightedSpan>,
    /// Per site (site order): the attention the tokens pay the atom (empty without `cross`).
    pub atoms: Vec<f64>,
    /// How far the structure lies from the training data (as the backend reports it).
    pub ood: OodReport,
    pub backend: Backend,
    /// The prediction with σ (one forward pass and its read-back), ms.
    pub inference_ms: f64,
    /// Featurising, the prediction and the two single-modality predictions, ms.
    pub total_ms: f64,
}

impl LocalModel {
    /// Builds the network of a verified bundle on `compute`'s device.
    pub fn new(bundle: &Bundle, vocab: &str, compute: Compute) -> Result<LocalModel, String> {
        let predictor = Predictor::new(bundle, vocab, &compute.device).map_err(|e| e.to_string())?;
        Ok(LocalModel { predictor, compute, ood: None })
    }

    pub fn with_ood(self, ood: Option<OodStatistics>) -> LocalModel {
        LocalModel { ood, ..self }
    }

    pub fn manifest(&self) -> &Manifest {
        &self.predictor.manifest
    }

    /// Predicts `structure`, reading `description` (the page's generated one).
    pub async fn predict(&self, structure: &Structure, description: String) -> Result<Arc<LocalPrediction>, String> {
        let err = |e: models::Error| e.to_string();
        let start = now_ms();
        let input = self.predictor.input_with_text(structure, description).map_err(err)?;
        let inference_start = now_ms();
        let explanation = self.predictor.explain_async(&input).await.map_err(err)?;
        let inference_ms = now_ms() - inference_start;
        let without_text = self.predictor.predict_one_async(&input, Modalities::GRAPH_ONLY).await.map_err(err)?;
        let without_graph = self.predictor.predict_one_async(&input, Modalities::TEXT_ONLY).await.map_err(err)?;
        let spans = self.predictor.token_spans(&input.description).map_err(err)?;
        let weights = explanation.token_attention.unwrap_or_default();
        let tokens = spans
            .iter()
            .zip(weights.iter().map(|&w| f64::from(w)).chain(std::iter::repeat(0.0)))
            .map(|(span, weight)| WeightedSpan { start: span.start, end: span.end, weight })
            .collect();
        Ok(Arc::new(LocalPrediction {
            predictions: self.in_units(&explanation.prediction),
            without_text: self.in_units(&without_text),
            without_graph: self.in_units(&without_graph),
            gate: explanation.gate.as_deref().and_then(gate_weights),
            description: input.description,
            tokens,
            ood: models::ood::assess(self.ood.as_ref(), structure, &explanation.embedding),
            atoms: explanation.atom_attention.unwrap_or_default().into_iter().map(f64::from).collect(),
            backend: self.compute.backend,
            inference_ms,
            total_ms: now_ms() - start,
        }))
    }

    fn in_units(&self, p: &Prediction) -> Predictions {
        self.predictor.manifest.in_units(p)
    }
}

/// The gate over {graph, text} (`late` fusion) or {graph, text, cross} (`cross` fusion).
fn gate_weights(gate: &[f32]) -> Option<ModalityWeights> {
    let weight = |i: usize| gate.get(i).map(|&w| f64::from(w));
    (gate.len() == 2 || gate.len() == 3).then(|| ModalityWeights {
        graph: weight(0).unwrap_or(0.0),
        text: weight(1).unwrap_or(0.0),
        cross: weight(2),
    })
}
