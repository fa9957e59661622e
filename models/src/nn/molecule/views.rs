//! The three views every variant builds on, each an encoder with its projection into the shared
//! fusion space of width `d` ([`super::MoleculeNetConfig::fused`]); an embedding is zero where
//! its view is missing.

use super::MoleculeNetConfig;
use super::dmpnn::Dmpnn;
use super::fingerprint::FingerprintMlp;
use crate::molecule_batch::MoleculeBatch;
use crate::nn::light_text::{LightTextEncoder, TextEncoding};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;

/// The D-MPNN and its projection.
#[derive(Module, Debug)]
pub struct GraphView {
    encoder: Dmpnn,
    proj: Linear,
}

/// What the graph view gives: the embedding and the projected atom states.
pub struct GraphEmbedding {
    /// `[batch, d]`, zero where the graph is missing.
    pub pooled: Tensor<2>,
    /// `[batch, max_atoms, d]`, zero at padding.
    pub atoms: Tensor<3>,
}

impl GraphView {
    pub fn new(config: &MoleculeNetConfig, device: &Device) -> Self {
        let encoder = config.graph.init(device);
        let proj = LinearConfig::new(encoder.hidden(), config.fused).init(device);
        GraphView { encoder, proj }
    }

    pub fn embed(&self, batch: &MoleculeBatch) -> GraphEmbedding {
        let encoding = self.encoder.forward(batch);
        GraphEmbedding {
            pooled: self.proj.forward(encoding.pooled) * batch.has_graph.clone(),
            atoms: batch.pad_atoms(self.proj.forward(encoding.atoms)),
        }
    }
}

/// The SMILES transformer (the light text encoder over the fixed SMILES vocabulary) and its
/// projection.
#[derive(Module, Debug)]
pub struct SmilesView {
    encoder: LightTextEncoder,
    proj: Linear,
}

/// What the SMILES view gives.
pub struct SmilesEmbedding {
    /// `[batch, d]`, zero where the SMILES is missing.
    pub pooled: Tensor<2>,
    /// `[batch, max_tokens, d]`.
    pub tokens: Tensor<3>,
}

impl SmilesView {
    pub fn new(config: &MoleculeNetConfig, device: &Device) -> Self {
        let encoder = config.smiles.light_text().init(device);
        let proj = LinearConfig::new(encoder.hidden(), config.fused).init(device);
        SmilesView { encoder, proj }
    }

    pub fn embed(&self, batch: &MoleculeBatch) -> SmilesEmbedding {
        let TextEncoding { tokens, pooled } =
            self.encoder.encode(batch.tokens.clone(), batch.token_pad.clone(), batch.inv_token_counts.clone());
        SmilesEmbedding {
            pooled: self.proj.forward(pooled) * batch.has_smiles.clone(),
            tokens: self.proj.forward(tokens),
        }
    }
}

/// The fingerprint MLP, ending in the fusion width.
#[derive(Module, Debug)]
pub struct FingerprintView {
    mlp: FingerprintMlp,
}

impl FingerprintView {
    pub fn new(config: &MoleculeNetConfig, device: &Device) -> Self {
        FingerprintView { mlp: FingerprintMlp::new(&config.fingerprint, config.fused, device) }
    }

    /// `[batch, d]`, zero where the fingerprint is missing.
    pub fn embed(&self, batch: &MoleculeBatch) -> Tensor<2> {
        self.mlp.forward(batch.fingerprint.clone()) * batch.has_fingerprint.clone()
    }
}

/// The three views of a batch, in the fusion space.
pub struct AllViews {
    pub graph: GraphEmbedding,
    pub smiles: SmilesEmbedding,
    pub fingerprint: Tensor<2>,
}

/// The three views' modules, used together by every multi-view variant.
#[derive(Module, Debug)]
pub struct ViewEncoders {
    pub(super) graph: GraphView,
    pub(super) smiles: SmilesView,
    pub(super) fingerprint: FingerprintView,
}

impl ViewEncoders {
    pub fn new(config: &MoleculeNetConfig, device: &Device) -> Self {
        ViewEncoders {
            graph: GraphView::new(config, device),
            smiles: SmilesView::new(config, device),
            fingerprint: FingerprintView::new(config, device),
        }
    }

    pub fn embed(&self, batch: &MoleculeBatch) -> AllViews {
        AllViews {
            graph: self.graph.embed(batch),
            smiles: self.smiles.embed(batch),
            fingerprint: self.fingerprint.embed(batch),
        }
    }
}

/// Which views each molecule has, `[batch, 3]` over {graph, SMILES, fingerprint}.
pub fn available(batch: &MoleculeBatch) -> Tensor<2> {
    Tensor::cat(vec![batch.has_graph.clone(), batch.has_smiles.clone(), batch.has_fingerprint.clone()], 1)
}
