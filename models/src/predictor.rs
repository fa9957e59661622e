//! A loaded bundle ready to predict: structure → graph + description + tokens → network →
//! values and σ in property units, with the modality weights that explain them.

use crate::batch::{Batch, Modalities, PROPERTIES, Sample};
use crate::bundle::{Bundle, Manifest};
use crate::error::{Error, Result};
use crate::nn::evidential::Evidence;
use crate::nn::{FusionNet, NetConfig};
use crate::train::{Prediction, Standardizer};
use crate::vocab::Vocabulary;
use burn::prelude::*;
use shared::Structure;
use shared::describe::{DescribeOptions, describe_structure};
use shared::graph::CrystalGraph;

/// What the network reads for one structure.
#[derive(Clone, Debug)]
pub struct ModelInput {
    pub graph: CrystalGraph,
    pub description: String,
    pub tokens: Vec<u32>,
}

pub struct Predictor {
    pub manifest: Manifest,
    pub network: NetConfig,
    net: FusionNet,
    vocab: Vocabulary,
    stats: Standardizer,
    device: Device,
}

impl Predictor {
    /// Builds the network of a verified bundle on `device`.
    pub fn new(bundle: &Bundle, vocab_text: &str, device: &Device) -> Result<Predictor> {
        let manifest = bundle.manifest.clone();
        let network = manifest
            .network
            .clone()
            .ok_or_else(|| Error::Weights(format!("bundle '{}' does not describe its network", manifest.id)))?;
        if manifest.properties.len() != PROPERTIES {
            return Err(Error::Weights(format!(
                "bundle '{}' lists {} properties, expected {PROPERTIES}",
                manifest.id,
                manifest.properties.len()
            )));
        }
        let vocab = Vocabulary::from_text(vocab_text)?;
        if vocab.len() != network.text.vocab_size {
            return Err(Error::Weights(format!(
                "vocabulary has {} tokens, the network expects {}",
                vocab.len(),
                network.text.vocab_size
            )));
        }
        let net = crate::weights::from_bytes(&network, &bundle.weights, device)?;
        let stats = Standardizer {
            mean: std::array::from_fn(|p| manifest.properties[p].mean),
            std: std::array::from_fn(|p| manifest.properties[p].std),
        };
        Ok(Predictor { manifest, network, net, vocab, stats, device: device.clone() })
    }

    /// Loads and verifies the bundle in `dir`.
    pub fn load(dir: &std::path::Path, device: &Device) -> Result<Predictor> {
        let bundle = Bundle::load(dir)?;
        let vocab_file = bundle
            .manifest
            .vocabulary
            .first()
            .ok_or_else(|| Error::Weights(format!("bundle '{}' has no vocabulary file", bundle.manifest.id)))?;
        let path = bundle.path(vocab_file);
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Read { path, source })?;
        Predictor::new(&bundle, &text, device)
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
        let tokens = self.vocab.encode_ids(&description, self.network.text.max_tokens)?;
        Ok(ModelInput { graph: CrystalGraph::from_structure(structure), description, tokens })
    }

    /// Predictions for many inputs (batched), with the given modalities present.
    pub fn predict(&self, inputs: &[ModelInput], modalities: Modalities) -> Vec<Prediction> {
        let samples = samples(inputs);
        crate::train::predict(&self.net, &samples, modalities, &self.stats, 256, &self.device)
    }

    /// One structure's prediction plus the modality weights ({graph, text, cross} for `cross`).
    pub fn explain(&self, input: &ModelInput) -> (Prediction, Option<Vec<f32>>) {
        let samples = samples(std::slice::from_ref(input));
        let batch = Batch::new(&samples, &[Modalities::BOTH], &self.device);
        let output = self.net.forward(&batch);
        let gate = output.gate.map(|g| g.into_data().convert::<f32>().try_into_vec::<f32>().unwrap_or_default());
        let prediction = self.stats.predictions(&Evidence::from_raw(output.raw))[0];
        (prediction, gate)
    }
}

fn samples(inputs: &[ModelInput]) -> Vec<Sample<'_>> {
    inputs.iter().map(|i| Sample { graph: &i.graph, tokens: &i.tokens, states: None, targets: [None; PROPERTIES] }).collect()
}
