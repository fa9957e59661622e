//! A loaded bundle ready to predict: structure → graph + description + tokens → network →
//! values and σ in property units, with the modality weights that explain them
//! ([`Predictor::interpret`], the one prediction-with-explanation path of the server, the page
//! and the CLI).

use crate::batch::{Batch, Modalities, Sample};
use crate::bundle::{Bundle, Manifest};
use crate::encoder::LargeEncoder;
use crate::error::{Error, Result};
use crate::nn::evidential::Evidence;
use crate::nn::{FusionNet, FusionOutput, NetConfig};
use crate::train::{Prediction, Standardizer};
use crate::vocab::{Token, Vocabulary};
use burn::prelude::*;
use shared::Structure;
use shared::describe::{DescribeOptions, describe_structure};
use shared::graph::CrystalGraph;
use std::sync::Arc;

mod interpret;
pub mod molecule;
mod readback;

pub use interpret::{Assessed, AttendedSpan, Interpreted, Readout, SIMILAR_MATERIALS};
pub use molecule::MoleculePredictor;

/// What the network reads for one structure.
#[derive(Clone, Debug)]
pub struct ModelInput {
    pub graph: CrystalGraph,
    pub description: String,
    pub tokens: Vec<u32>,
    /// The frozen large encoder's states of `tokens`, `[tokens, hidden]` (server models only).
    pub states: Option<Vec<half::f16>>,
}

/// Which text encoder gives a network its token states (not [`shared::api::TextSource`], whose
/// text the model read).
enum TextEncoderKind {
    /// Its own light encoder's vocabulary.
    Light,
    /// A frozen large encoder in this process (shared, e.g. with the server's `/embed`).
    Encoder(Arc<LargeEncoder>),
    /// A frozen large encoder elsewhere: each input brings its token states.
    Remote,
}

pub struct Predictor {
    pub manifest: Manifest,
    pub network: NetConfig,
    net: FusionNet,
    vocab: Vocabulary,
    stats: Standardizer,
    /// The frozen large encoder of a `frozen_text` network (checked against the manifest).
    large: Option<Arc<LargeEncoder>>,
    device: Device,
}

impl Predictor {
    /// Builds the network of a verified bundle with a light text encoder on `device`.
    pub fn new(bundle: &Bundle, vocab_text: &str, device: &Device) -> Result<Predictor> {
        Predictor::build(bundle, vocab_text, TextEncoderKind::Light, device)
    }

    /// Builds a network that reads a frozen large encoder's token states; `encoder` must be
    /// the one the bundle was trained with (name, hidden size and weights sha256).
    pub fn with_encoder(
        bundle: &Bundle,
        vocab_text: &str,
        encoder: Arc<LargeEncoder>,
        device: &Device,
    ) -> Result<Predictor> {
        encoder.check(&bundle.manifest.id, &bundle.manifest.text_encoder)?;
        Predictor::build(bundle, vocab_text, TextEncoderKind::Encoder(encoder), device)
    }

    /// Builds a network that reads a frozen large encoder's token states computed elsewhere
    /// (the page: the server's `POST /api/v1/embed`); its inputs come from
    /// [`Predictor::input_from_embedding`], which checks the encoder that produced them.
    pub fn with_remote_encoder(bundle: &Bundle, vocab_text: &str, device: &Device) -> Result<Predictor> {
        Predictor::build(bundle, vocab_text, TextEncoderKind::Remote, device)
    }

    fn build(bundle: &Bundle, vocab_text: &str, text: TextEncoderKind, device: &Device) -> Result<Predictor> {
        let manifest = bundle.manifest.clone();
        let network = manifest
            .network
            .clone()
            .ok_or_else(|| Error::Weights(format!("bundle '{}' does not describe its network", manifest.id)))?;
        if manifest.properties.len() != network.tasks || manifest.tasks().len() != network.tasks {
            return Err(Error::Weights(format!(
                "bundle '{}' lists {} properties ({}), its network predicts {} registered tasks",
                manifest.id,
                manifest.properties.len(),
                manifest.task_names().join(", "),
                network.tasks
            )));
        }
        let large = match (network.frozen_text.is_some(), text) {
            (true, TextEncoderKind::Encoder(encoder)) => Some(encoder),
            (true, TextEncoderKind::Remote) | (false, TextEncoderKind::Light) => None,
            (true, TextEncoderKind::Light) => {
                return Err(Error::Config(format!(
                    "model '{}' reads the large text encoder {}: load it with that encoder installed",
                    manifest.id, manifest.text_encoder
                )));
            }
            (false, _) => {
                return Err(Error::Config(format!(
                    "model '{}' has a light text encoder, not a large one",
                    manifest.id
                )));
            }
        };
        let vocab = Vocabulary::from_text(vocab_text)?;
        if vocab.len() != network.text.vocab_size {
            return Err(Error::Weights(format!(
                "vocabulary has {} tokens, the network expects {}",
                vocab.len(),
                network.text.vocab_size
            )));
        }
        let net = crate::weights::from_bytes(&network, &bundle.weights, device)?;
        let stats = Standardizer::of_manifest(&manifest);
        Ok(Predictor { manifest, network, net, vocab, stats, large, device: device.clone() })
    }

    /// Loads and verifies the bundle in `dir`.
    pub fn load(dir: &std::path::Path, device: &Device) -> Result<Predictor> {
        Predictor::from_bundle(&Bundle::load(dir)?, device)
    }

    /// Builds the network of a loaded bundle, reading its vocabulary file; a `server`
    /// (frozen-text) bundle loads the large encoder from [`crate::encoder::default_encoder_dir`].
    pub fn from_bundle(bundle: &Bundle, device: &Device) -> Result<Predictor> {
        #[cfg(not(target_family = "wasm"))]
        if bundle.manifest.network.as_ref().is_some_and(|n| n.frozen_text.is_some()) {
            let encoder = LargeEncoder::load(&crate::encoder::default_encoder_dir(), device)?;
            return Predictor::from_bundle_with(bundle, Some(&Arc::new(encoder)), device);
        }
        Predictor::from_bundle_with(bundle, None, device)
    }

    /// As [`Predictor::from_bundle`], with a large encoder already loaded (one copy, and one
    /// memo of recent texts, for every model that reads it); `None` refuses a frozen-text
    /// bundle, naming the encoder it needs.
    pub fn from_bundle_with(
        bundle: &Bundle,
        encoder: Option<&Arc<LargeEncoder>>,
        device: &Device,
    ) -> Result<Predictor> {
        let vocab_file = bundle
            .manifest
            .vocabulary
            .first()
            .ok_or_else(|| Error::Weights(format!("bundle '{}' has no vocabulary file", bundle.manifest.id)))?;
        let path = bundle.path(vocab_file);
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Read { path, source })?;
        match (bundle.manifest.network.as_ref().and_then(|n| n.frozen_text.as_ref()), encoder) {
            (Some(_), Some(encoder)) => Predictor::with_encoder(bundle, &text, encoder.clone(), device),
            (Some(_), None) => Err(Error::Config(format!(
                "model '{}' reads the large text encoder {}, which is not loaded (scripts/fetch-encoder.sh installs the default one)",
                bundle.manifest.id, bundle.manifest.text_encoder
            ))),
            (None, _) => Predictor::new(bundle, &text, device),
        }
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocab
    }

    /// Graph, generated description and tokens of a structure.
    pub fn input(&self, structure: &Structure) -> Result<ModelInput> {
        let description =
            describe_structure(structure, &DescribeOptions::default()).map_err(|e| Error::Config(e.to_string()))?.text;
        self.input_with_text(structure, description)
    }

    /// As [`Predictor::input`] with a text of the caller's (e.g. a user's own description).
    pub fn input_with_text(&self, structure: &Structure, description: String) -> Result<ModelInput> {
        self.input_from_parts(CrystalGraph::from_structure(structure), description)
    }

    /// The input for an already featurised structure (graph and description from the cache).
    pub fn input_from_parts(&self, graph: CrystalGraph, description: String) -> Result<ModelInput> {
        if let Some(frozen) = &self.network.frozen_text {
            let Some(large) = &self.large else {
                return Err(Error::Config(format!(
                    "model '{}' reads token states computed by the server's text encoder: build its inputs with input_from_embedding",
                    self.manifest.id
                )));
            };
            let encoded = large.encode_memo(&description, frozen.max_chunks)?;
            return Ok(frozen_input(
                graph,
                description,
                &encoded.ids,
                &encoded.states,
                large.hidden(),
                frozen.max_tokens,
            ));
        }
        let tokens = self.vocab.encode_ids(&description, self.network.text.max_tokens)?;
        Ok(ModelInput { graph, description, tokens, states: None })
    }

    /// The input for a frozen-text network from token states computed elsewhere, for the same
    /// `description` (`POST /api/v1/embed` with `max_chunks` of [`FrozenTextConfig`]). Refuses
    /// states from an encoder other than the one the model was trained with.
    ///
    /// [`FrozenTextConfig`]: crate::nn::frozen_text::FrozenTextConfig
    pub fn input_from_embedding(
        &self,
        graph: CrystalGraph,
        description: String,
        embedding: &shared::embedding::Embedding,
    ) -> Result<ModelInput> {
        let Some(frozen) = &self.network.frozen_text else {
            return Err(Error::Config(format!(
                "model '{}' has a light text encoder, not a large one",
                self.manifest.id
            )));
        };
        crate::bundle::require_encoder(&self.manifest.id, &self.manifest.text_encoder, &embedding.header.encoder)?;
        let hidden = embedding.header.hidden;
        if hidden != frozen.encoder_hidden || embedding.states.len() != embedding.header.token_ids.len() * hidden {
            return Err(Error::Config(format!(
                "token states of {} values for {} tokens do not fit hidden size {}",
                embedding.states.len(),
                embedding.header.token_ids.len(),
                frozen.encoder_hidden
            )));
        }
        Ok(frozen_input(graph, description, &embedding.header.token_ids, &embedding.states, hidden, frozen.max_tokens))
    }

    /// The tokens the network reads from `text`, with their byte spans (aligned with
    /// [`ModelInput::tokens`]).
    pub fn token_spans(&self, text: &str) -> Result<Vec<Token>> {
        if let (Some(large), Some(frozen)) = (&self.large, &self.network.frozen_text) {
            let chunks = large.chunks(text, frozen.max_chunks)?;
            return Ok(chunks
                .iter()
                .flat_map(|c| c.ids[1..c.ids.len() - 1].iter().zip(&c.spans))
                .take(frozen.max_tokens)
                .map(|(&id, &(start, end))| Token { id, start, end })
                .collect());
        }
        if self.network.frozen_text.is_some() {
            // The spans are those of the embedding the input was built from.
            return Err(Error::Config(format!(
                "model '{}' reads its tokens from the server's text encoder",
                self.manifest.id
            )));
        }
        self.vocab.encode(text, self.network.text.max_tokens)
    }

    /// Predictions for many inputs (batched), with the given modalities present.
    pub fn predict(&self, inputs: &[ModelInput], modalities: Modalities) -> Vec<Prediction> {
        let samples = self.samples(inputs);
        crate::train::predict(&self.net, &samples, modalities, &self.stats, &self.manifest.tasks(), 256, &self.device)
    }

    /// One structure's prediction with what explains it (both modalities present).
    pub fn explain(&self, input: &ModelInput) -> Explanation {
        self.explanation(input, self.forward_one(input, Modalities::BOTH))
    }

    /// The network's outputs for one structure, still on the device.
    fn forward_one(&self, input: &ModelInput, modalities: Modalities) -> FusionOutput {
        let samples = self.samples(std::slice::from_ref(input));
        self.net.forward(&Batch::new(&samples, &[modalities], &self.device))
    }

    /// Reads `output` (one structure, both modalities) into an [`Explanation`].
    fn explanation(&self, input: &ModelInput, output: FusionOutput) -> Explanation {
        let prediction = self
            .stats
            .predictions(&Evidence::from_raw(output.raw))
            .swap_remove(0)
            .limited(&self.manifest.tasks(), input.graph.element_count());
        // A batch of one has no padding: the attention axes are exactly the atoms and tokens.
        let has_text = !input.tokens.is_empty();
        Explanation {
            prediction,
            gate: output.gate.map(to_vec),
            token_attention: output.atom_to_text.filter(|_| has_text).map(|w| to_vec(w.mean_dim(1).mean_dim(2))),
            atom_attention: output.text_to_atom.filter(|_| has_text).map(|w| to_vec(w.mean_dim(1).mean_dim(2))),
            embedding: to_vec(output.embedding),
        }
    }

    /// The fused embeddings the heads read (both modalities), one per input, batched.
    pub fn embeddings(&self, inputs: &[ModelInput]) -> Vec<Vec<f32>> {
        self.predict_with_embeddings(inputs).into_iter().map(|(_, embedding)| embedding).collect()
    }

    /// Each input's prediction (both modalities) with the fused embedding its heads read, from
    /// one forward pass per batch of 256 (the same values as [`Predictor::predict`]).
    pub fn predict_with_embeddings(&self, inputs: &[ModelInput]) -> Vec<(Prediction, Vec<f32>)> {
        let mut out = Vec::with_capacity(inputs.len());
        for chunk in inputs.chunks(256) {
            let samples = self.samples(chunk);
            let batch = Batch::new(&samples, &vec![Modalities::BOTH; chunk.len()], &self.device);
            let output = self.net.forward(&batch);
            let tasks = self.manifest.tasks();
            let predictions = self
                .stats
                .predictions(&Evidence::from_raw(output.raw))
                .into_iter()
                .zip(chunk)
                .map(|(p, input)| p.limited(&tasks, input.graph.element_count()));
            let flat = to_vec(output.embedding);
            let width = flat.len() / chunk.len();
            out.extend(predictions.into_iter().zip(flat.chunks(width.max(1)).map(<[f32]>::to_vec)));
        }
        out
    }
}

/// A prediction and what explains it.
#[derive(Clone, Debug)]
pub struct Explanation {
    pub prediction: Prediction,
    /// Modality weights: {graph, text, cross} (`cross` fusion) or {graph, text} (`late`).
    pub gate: Option<Vec<f32>>,
    /// Per token of [`ModelInput::tokens`]: the attention the atoms pay it, averaged over heads
    /// and atoms (sums to 1; `cross` fusion with a non-empty text only).
    pub token_attention: Option<Vec<f32>>,
    /// Per atom (site order): the attention the tokens pay it, averaged over heads and tokens.
    pub atom_attention: Option<Vec<f32>>,
    /// The fused embedding the head reads (out-of-distribution scores).
    pub embedding: Vec<f32>,
}

fn to_vec<const D: usize>(tensor: Tensor<D>) -> Vec<f32> {
    tensor.into_data().convert::<f32>().try_into_vec::<f32>().unwrap_or_default()
}

/// A frozen-text input: the first `max_tokens` tokens and their states, stored as f16 (the
/// precision of the training cache and of `POST /api/v1/embed`).
fn frozen_input(
    graph: CrystalGraph,
    description: String,
    ids: &[u32],
    states: &[f32],
    hidden: usize,
    max_tokens: usize,
) -> ModelInput {
    let n = ids.len().min(max_tokens);
    let states = states[..n * hidden].iter().map(|&v| half::f16::from_f32(v)).collect();
    ModelInput { graph, description, tokens: ids[..n].to_vec(), states: Some(states) }
}

impl Predictor {
    /// The network's samples for `inputs` (no labels).
    fn samples<'a>(&self, inputs: &'a [ModelInput]) -> Vec<Sample<'a>> {
        inputs
            .iter()
            .map(|i| Sample {
                graph: &i.graph,
                tokens: &i.tokens,
                states: i.states.as_deref(),
                targets: vec![None; self.stats.tasks()],
            })
            .collect()
    }
}
