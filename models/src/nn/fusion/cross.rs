//! `cross` (the shipped models): atom ↔ token cross-attention in both directions plus a
//! learned gate over the {graph, text, cross} embeddings, masked for missing modalities.

use super::branches::{GraphBranch, TextBranch, embed_both};
use super::config::CrossReadout;
use super::record_keys::flat_struct_module;
use super::{FusionOutput, NetConfig, evidential_head, masked_softmax};
use crate::batch::Batch;
use crate::nn::activation::softplus;
use crate::nn::evidential::EvidentialHead;
use crate::nn::light_text::masked_mean;
use burn::nn::attention::{MhaInput, MultiHeadAttention, MultiHeadAttentionConfig};
use burn::nn::{LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::prelude::*;

#[derive(Clone, Debug)]
pub struct CrossNet {
    graph: GraphBranch,
    text: TextBranch,
    cross: CrossBlock,
    head: EvidentialHead,
}

flat_struct_module!(CrossNet { inline: [graph, text], named: [cross, head] });

/// The attention both ways, the cross embedding and the gate.
#[derive(Module, Debug)]
pub struct CrossBlock {
    atoms_to_text: MultiHeadAttention,
    text_to_atoms: MultiHeadAttention,
    atom_norm: LayerNorm,
    token_norm: LayerNorm,
    combine: Linear,
    gate: Linear,
    /// Present exactly for [`CrossReadout::Mixed`].
    mixed: Option<MixedReadout>,
}

/// The `Mixed` cross readout: the gate-weighted {graph, text, cross} parts side by side, mixed
/// by a linear layer and layer-normalised.
#[derive(Module, Debug)]
pub struct MixedReadout {
    mix: Linear,
    norm: LayerNorm,
}

impl MixedReadout {
    fn new(d: usize, device: &Device) -> Self {
        Self { mix: LinearConfig::new(3 * d, d).init(device), norm: LayerNormConfig::new(d).init(device) }
    }

    /// `parts`: the three gate-weighted `[batch, d]` embeddings.
    fn forward(&self, parts: Vec<Tensor<2>>) -> Tensor<2> {
        self.norm.forward(self.mix.forward(Tensor::cat(parts, 1)))
    }
}

impl CrossNet {
    pub fn new(config: &NetConfig, device: &Device) -> Self {
        let d = config.fused;
        let mha = || MultiHeadAttentionConfig::new(d, config.heads).with_dropout(0.0).init(device);
        CrossNet {
            graph: GraphBranch::new(&config.graph, d, device),
            text: TextBranch::new(config, device),
            cross: CrossBlock {
                atoms_to_text: mha(),
                text_to_atoms: mha(),
                atom_norm: LayerNormConfig::new(d).init(device),
                token_norm: LayerNormConfig::new(d).init(device),
                combine: LinearConfig::new(2 * d, d).init(device),
                gate: LinearConfig::new(3 * d, 3).init(device),
                mixed: (config.cross_readout == CrossReadout::Mixed).then(|| MixedReadout::new(d, device)),
            },
            head: evidential_head(config, d, device),
        }
    }

    pub fn forward(&self, batch: &Batch) -> FusionOutput {
        let cross = &self.cross;
        let both_embedded = embed_both(&self.graph, &self.text, batch);
        let (g, t) = (both_embedded.graph, both_embedded.text);
        let atoms = self.graph.project_atoms(both_embedded.nodes, batch);
        let tokens = self.text.project_tokens(both_embedded.tokens);
        let a2t = cross
            .atoms_to_text
            .forward(MhaInput::new(atoms.clone(), tokens.clone(), tokens.clone()).mask_pad(batch.token_pad.clone()));
        let t2a = cross
            .text_to_atoms
            .forward(MhaInput::new(tokens.clone(), atoms.clone(), atoms.clone()).mask_pad(batch.atom_pad.clone()));
        let atoms_ctx = cross.atom_norm.forward(atoms + a2t.context);
        let tokens_ctx = cross.token_norm.forward(tokens + t2a.context);
        let atom_summary = masked_mean(atoms_ctx, batch.atom_pad.clone(), batch.inv_atom_counts.clone());
        let token_summary = masked_mean(tokens_ctx, batch.token_pad.clone(), batch.inv_token_counts.clone());
        let both = batch.has_graph.clone() * batch.has_text.clone();
        let c = cross.combine.forward(Tensor::cat(vec![atom_summary, token_summary], 1));
        let c = match cross.mixed {
            Some(_) => c,
            None => softplus(c),
        } * both.clone();
        let available = Tensor::cat(vec![batch.has_graph.clone(), batch.has_text.clone(), both], 1);
        let logits = cross.gate.forward(Tensor::cat(vec![g.clone(), t.clone(), c.clone()], 1));
        let weights = masked_softmax(logits, available);
        let weighted = |x: Tensor<2>, i: usize| x * weights.clone().narrow(1, i, 1);
        let [g, t, c] = [weighted(g, 0), weighted(t, 1), weighted(c, 2)];
        let fused = match &cross.mixed {
            Some(mixed) => mixed.forward(vec![g, t, c]),
            None => g + t + c,
        };
        FusionOutput {
            raw: self.head.raw(fused.clone()),
            gate: Some(weights),
            atom_to_text: Some(a2t.weights),
            text_to_atom: Some(t2a.weights),
            embedding: fused,
        }
    }
}
