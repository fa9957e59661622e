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
            pooled: self.project_pooled(encoding.pooled, batch),
            atoms: batch.pad_atoms(self.proj.forward(encoding.atoms)),
        }
    }

    /// The embedding alone, without projecting and padding the atom states (what a reader of
    /// `pooled` only needs): equal to `embed(batch).pooled`.
    pub fn pooled(&self, batch: &MoleculeBatch) -> Tensor<2> {
        self.project_pooled(self.encoder.forward(batch).pooled, batch)
    }

    /// The encoder's pooled state in the fusion space, zero where the graph is missing.
    fn project_pooled(&self, pooled: Tensor<2>, batch: &MoleculeBatch) -> Tensor<2> {
        self.proj.forward(pooled) * batch.has_graph.clone()
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
        let TextEncoding { tokens, pooled } = self.encoding(batch);
        SmilesEmbedding { pooled: self.project_pooled(pooled, batch), tokens: self.proj.forward(tokens) }
    }

    /// The embedding alone, without projecting every token state: equal to
    /// `embed(batch).pooled`.
    pub fn pooled(&self, batch: &MoleculeBatch) -> Tensor<2> {
        self.project_pooled(self.encoding(batch).pooled, batch)
    }

    /// The transformer's token and pooled states of the batch's SMILES.
    fn encoding(&self, batch: &MoleculeBatch) -> TextEncoding {
        self.encoder.encode(batch.tokens.clone(), batch.token_pad.clone(), batch.inv_token_counts.clone())
    }

    /// The pooled state in the fusion space, zero where the SMILES is missing.
    fn project_pooled(&self, pooled: Tensor<2>, batch: &MoleculeBatch) -> Tensor<2> {
        self.proj.forward(pooled) * batch.has_smiles.clone()
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

    /// The three embeddings {graph, SMILES, fingerprint} alone (what `concat` and `late` read).
    pub fn pooled(&self, batch: &MoleculeBatch) -> [Tensor<2>; 3] {
        [self.graph.pooled(batch), self.smiles.pooled(batch), self.fingerprint.embed(batch)]
    }
}

/// Which views each molecule has, `[batch, 3]` over {graph, SMILES, fingerprint}.
pub fn available(batch: &MoleculeBatch) -> Tensor<2> {
    Tensor::cat(vec![batch.has_graph.clone(), batch.has_smiles.clone(), batch.has_fingerprint.clone()], 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::molecule_batch::{MoleculeInputs, MoleculeSample, Views};
    use crate::nn::molecule::{HeadKind, MoleculeFusion};
    use shared::molecule::Molecule;

    fn values(t: Tensor<2>) -> Vec<f32> {
        t.into_data().convert::<f32>().try_to_vec::<f32>().unwrap()
    }

    #[test]
    fn the_pooled_embeddings_equal_those_of_the_full_embedding() {
        let device = Device::flex();
        let config = MoleculeNetConfig::tiny(MoleculeFusion::Concat, 1, HeadKind::Regression);
        let inputs: Vec<MoleculeInputs> = ["CCO", "c1ccccc1O", "CC(=O)[O-].[Na+]"]
            .iter()
            .map(|s| config.inputs(&Molecule::from_smiles(s).unwrap()))
            .collect();
        let samples: Vec<MoleculeSample<'_>> = inputs.iter().map(|i| MoleculeSample::new(i, vec![Some(0.0)])).collect();
        let no_smiles = Views { graph: true, smiles: false, fingerprint: true };
        let batch = MoleculeBatch::new(&samples, &[Views::ALL, no_smiles, Views::ALL], &device);
        let views = ViewEncoders::new(&config, &device);
        let full = views.embed(&batch);
        let [g, s, f] = views.pooled(&batch);
        assert_eq!(values(g), values(full.graph.pooled));
        assert_eq!(values(s), values(full.smiles.pooled));
        assert_eq!(values(f), values(full.fingerprint));
    }
}
