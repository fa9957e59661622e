//! `cross` (MCMPP-style intermediate fusion): the graph's atoms attend to the SMILES tokens and
//! the fingerprint embedding (one more key), and a learned gate weighs the {graph, SMILES,
//! fingerprint, cross} embeddings, masked for missing views — the crystal `cross` variant's
//! pattern with the fingerprint as a third view.

use super::head::MoleculeHead;
use super::views::{AllViews, ViewEncoders, available};
use super::{MoleculeNetConfig, MoleculeOutput};
use crate::molecule_batch::MoleculeBatch;
use crate::nn::activation::softplus;
use crate::nn::fusion::masked_softmax;
use crate::nn::light_text::masked_mean;
use burn::nn::attention::{MhaInput, MultiHeadAttention, MultiHeadAttentionConfig};
use burn::nn::{LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::prelude::*;

#[derive(Module, Debug)]
pub struct CrossNet {
    pub(super) views: ViewEncoders,
    atoms_to_context: MultiHeadAttention,
    atom_norm: LayerNorm,
    combine: Linear,
    /// Logits of the {graph, SMILES, fingerprint, cross} weights from the four embeddings.
    pub(super) gate: Linear,
    pub(super) head: MoleculeHead,
}

impl CrossNet {
    pub fn new(config: &MoleculeNetConfig, device: &Device) -> Self {
        let d = config.fused;
        CrossNet {
            views: ViewEncoders::new(config, device),
            atoms_to_context: MultiHeadAttentionConfig::new(d, config.heads).with_dropout(0.0).init(device),
            atom_norm: LayerNormConfig::new(d).init(device),
            combine: LinearConfig::new(d, d).init(device),
            gate: LinearConfig::new(4 * d, 4).init(device),
            head: super::head_of(config, d, device),
        }
    }

    #[cfg(test)]
    pub(super) fn views(&self) -> &ViewEncoders {
        &self.views
    }

    pub fn forward(&self, batch: &MoleculeBatch) -> MoleculeOutput {
        let views = self.views.embed(batch);
        let fused = self.fuse(views, batch);
        MoleculeOutput {
            raw: self.head.read(fused.embedding.clone(), batch),
            gate: Some(fused.weights),
            attention: Some(fused.attention),
            embedding: fused.embedding,
        }
    }

    /// How far the SMILES and fingerprint embeddings are from standing in for the fused one:
    /// the mean squared distance of each from the fused embedding of all three views (held
    /// fixed), over the fused embedding's mean square. Without the graph the gate weighs only
    /// those two, so training them towards the fused embedding (`train.stand_in_weight`) keeps
    /// what the head reads close to what it was trained on. `batch` should have every view.
    pub fn stand_in_distance(&self, batch: &MoleculeBatch) -> Tensor<1> {
        let views = self.views.embed(batch);
        let (s, f) = (views.smiles.pooled.clone(), views.fingerprint.clone());
        let target = self.fuse(views, batch).embedding.detach();
        let scale = target.clone().powi_scalar(2).mean().add_scalar(1e-6);
        let distance = |x: Tensor<2>| (x - target.clone()).powi_scalar(2).mean();
        (distance(s) + distance(f)) / scale
    }

    /// Cross-attention, then the gate over {graph, SMILES, fingerprint, cross}.
    fn fuse(&self, views: AllViews, batch: &MoleculeBatch) -> Fused {
        let (g, s, f) = (views.graph.pooled, views.smiles.pooled, views.fingerprint);
        let atoms = views.graph.atoms;
        // Keys and values: every token, then the fingerprint as one more slot.
        let context = Tensor::cat(vec![views.smiles.tokens, f.clone().unsqueeze_dim::<3>(1)], 1);
        let no_fingerprint = batch.has_fingerprint.clone().lower_elem(0.5);
        let context_pad = Tensor::cat(vec![batch.token_pad.clone(), no_fingerprint], 1);
        let attended =
            self.atoms_to_context.forward(MhaInput::new(atoms.clone(), context.clone(), context).mask_pad(context_pad));
        let atoms_ctx = self.atom_norm.forward(atoms + attended.context);
        let summary = masked_mean(atoms_ctx, batch.atom_pad.clone(), batch.inv_atom_counts.clone());
        let has_context = (batch.has_smiles.clone() + batch.has_fingerprint.clone()).clamp_max(1.0);
        let cross_available = batch.has_graph.clone() * has_context;
        let c = softplus(self.combine.forward(summary)) * cross_available.clone();
        let available = Tensor::cat(vec![available(batch), cross_available], 1);
        let logits = self.gate.forward(Tensor::cat(vec![g.clone(), s.clone(), f.clone(), c.clone()], 1));
        let weights = masked_softmax(logits, available);
        let embedding = [g, s, f, c]
            .into_iter()
            .enumerate()
            .map(|(i, x)| x * weights.clone().narrow(1, i, 1))
            .reduce(|a, b| a + b)
            .expect("four parts");
        Fused { embedding, weights, attention: attended.weights }
    }
}

/// The fused embedding with the gate and the attention that made it.
struct Fused {
    embedding: Tensor<2>,
    weights: Tensor<2>,
    attention: Tensor<4>,
}
