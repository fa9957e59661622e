//! The six fusion variants of SCIENCE.md §4 behind one module, so the ablation trains each
//! with the same code, data and budget.

use super::cgcnn::{Cgcnn, CgcnnConfig, pad_nodes};
use super::evidential::EvidentialHead;
use super::frozen_text::{FrozenTextAdapter, FrozenTextConfig};
use super::light_text::{LightTextConfig, LightTextEncoder, masked_mean};
use crate::batch::Batch;
use crate::bundle::FusionKind;
use burn::module::Param;
use burn::nn::attention::{MhaInput, MultiHeadAttention, MultiHeadAttentionConfig};
use burn::nn::{LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::{softmax, softplus};
use serde::{Deserialize, Serialize};

/// Architecture of a fusion network (stored in the bundle manifest).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NetConfig {
    pub fusion: FusionKind,
    pub graph: CgcnnConfig,
    pub text: LightTextConfig,
    /// When set, the text branch reads a frozen large encoder's token states (the `server`
    /// model) and `text` is unused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frozen_text: Option<FrozenTextConfig>,
    /// Width of the shared fusion space.
    #[serde(default = "default_fused")]
    pub fused: usize,
    /// Attention heads of the cross-attention.
    #[serde(default = "default_heads")]
    pub heads: usize,
    /// How `cross` turns its gated {graph, text, cross} embeddings into the head's input.
    #[serde(default, skip_serializing_if = "CrossReadout::is_convex")]
    pub cross_readout: CrossReadout,
}

/// The last step of the `cross` variant. Both keep the gate's weights as the modality
/// explanation; they differ in what the head may do with the weighted parts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrossReadout {
    /// The gate's convex combination `w_g·g + w_t·t + w_c·softplus(c)` (the first shipped
    /// bundles, whose manifests have no `cross_readout`).
    #[default]
    Convex,
    /// The gate-weighted parts side by side, mixed by a linear layer and layer-normalised:
    /// `LN(W [w_g·g, w_t·t, w_c·c])`, so the head can combine the modalities rather than
    /// only average them.
    Mixed,
}

impl CrossReadout {
    fn is_convex(&self) -> bool {
        *self == CrossReadout::Convex
    }
}

fn default_fused() -> usize {
    64
}
fn default_heads() -> usize {
    4
}

/// Width of the published MatMMFuse attention block.
const MATMMFUSE_DIM: usize = 512;
const MATMMFUSE_HEADS: usize = 8;

/// Atom ↔ text cross-attention in both directions plus a learned gate over
/// {graph, text, cross} embeddings.
#[derive(Module, Debug)]
pub struct CrossFusion {
    atoms_to_text: MultiHeadAttention,
    text_to_atoms: MultiHeadAttention,
    atom_norm: LayerNorm,
    token_norm: LayerNorm,
    combine: Linear,
    gate: Linear,
    /// Present only for [`CrossReadout::Mixed`].
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

/// The published MatMMFuse block: pooled embeddings projected to 512, 8-head attention with the
/// graph as the one query and the text as the one key (so the softmax weight is always 1),
/// LayerNorm + residual.
#[derive(Module, Debug)]
pub struct MatMmFuse {
    project_graph: Linear,
    project_text: Linear,
    attention: MultiHeadAttention,
    norm: LayerNorm,
}

#[derive(Module, Debug)]
pub struct FusionNet {
    graph: Option<Cgcnn>,
    text: Option<LightTextEncoder>,
    frozen_text: Option<FrozenTextAdapter>,
    graph_proj: Option<Linear>,
    text_proj: Option<Linear>,
    cross: Option<CrossFusion>,
    matmmfuse: Option<MatMmFuse>,
    late_text_head: Option<EvidentialHead>,
    late_logits: Option<Param<Tensor<1>>>,
    head: EvidentialHead,
    #[module(skip)]
    kind: FusionKind,
}

/// A forward pass's outputs: raw head outputs plus what explains them.
pub struct FusionOutput {
    /// Raw NIG parameters, `[batch, 16]` (see [`super::evidential::Evidence::from_raw`]).
    pub raw: Tensor<2>,
    /// Modality weights `[batch, 3]` over {graph, text, cross} (`cross`), or
    /// `[batch, 2]` over {graph, text} (`late`).
    pub gate: Option<Tensor<2>>,
    /// Atoms attending to tokens, `[batch, heads, atoms, tokens]`.
    pub atom_to_text: Option<Tensor<4>>,
    /// Tokens attending to atoms, `[batch, heads, tokens, atoms]`.
    pub text_to_atom: Option<Tensor<4>>,
    /// The fused embedding the head reads, `[batch, d]` (for out-of-distribution scores).
    pub embedding: Tensor<2>,
}

impl NetConfig {
    pub fn new(fusion: FusionKind, vocab_size: usize) -> NetConfig {
        NetConfig {
            fusion,
            graph: CgcnnConfig::new(),
            text: LightTextConfig::new(vocab_size),
            frozen_text: None,
            fused: default_fused(),
            heads: default_heads(),
            cross_readout: CrossReadout::default(),
        }
    }

    pub fn uses_graph(&self) -> bool {
        self.fusion != FusionKind::Text
    }

    pub fn uses_text(&self) -> bool {
        self.fusion != FusionKind::Graph
    }

    pub fn init(&self, device: &Device) -> FusionNet {
        let d = self.fused;
        let graph = self.uses_graph().then(|| self.graph.init(device));
        let frozen_text = self.frozen_text.as_ref().filter(|_| self.uses_text()).map(|f| f.init(device));
        let text = (self.uses_text() && frozen_text.is_none()).then(|| self.text.init(device));
        let text_hidden = frozen_text.as_ref().map(|f| f.hidden()).or(text.as_ref().map(|t| t.hidden()));
        let graph_proj = graph.as_ref().map(|g| LinearConfig::new(g.hidden(), d).init(device));
        let text_proj = text_hidden.map(|h| LinearConfig::new(h, d).init(device));
        let mha = |dim: usize, heads: usize| MultiHeadAttentionConfig::new(dim, heads).with_dropout(0.0).init(device);
        let cross = (self.fusion == FusionKind::Cross).then(|| CrossFusion {
            atoms_to_text: mha(d, self.heads),
            text_to_atoms: mha(d, self.heads),
            atom_norm: LayerNormConfig::new(d).init(device),
            token_norm: LayerNormConfig::new(d).init(device),
            combine: LinearConfig::new(2 * d, d).init(device),
            gate: LinearConfig::new(3 * d, 3).init(device),
            mixed: (self.cross_readout == CrossReadout::Mixed).then(|| MixedReadout::new(d, device)),
        });
        let matmmfuse = (self.fusion == FusionKind::Matmmfuse).then(|| MatMmFuse {
            project_graph: LinearConfig::new(d, MATMMFUSE_DIM).init(device),
            project_text: LinearConfig::new(d, MATMMFUSE_DIM).init(device),
            attention: mha(MATMMFUSE_DIM, MATMMFUSE_HEADS),
            norm: LayerNormConfig::new(MATMMFUSE_DIM).init(device),
        });
        let head_input = match self.fusion {
            FusionKind::Concat => 2 * d,
            FusionKind::Matmmfuse => MATMMFUSE_DIM,
            _ => d,
        };
        let late = self.fusion == FusionKind::Late;
        FusionNet {
            graph,
            text,
            frozen_text,
            graph_proj,
            text_proj,
            cross,
            matmmfuse,
            late_text_head: late.then(|| EvidentialHead::new(d, d, device)),
            late_logits: late.then(|| Param::from_tensor(Tensor::zeros([2], device))),
            head: EvidentialHead::new(head_input, d, device),
            kind: self.fusion,
        }
    }
}

impl FusionNet {
    pub fn kind(&self) -> FusionKind {
        self.kind
    }

    pub fn forward(&self, batch: &Batch) -> FusionOutput {
        let graph = self.graph.as_ref().map(|g| g.forward(batch));
        let text = match (&self.text, &self.frozen_text) {
            (Some(light), _) => Some(light.forward(batch)),
            (None, Some(frozen)) => Some(frozen.forward(batch)),
            (None, None) => None,
        };
        let g = match (&graph, &self.graph_proj) {
            (Some(enc), Some(proj)) => Some(proj.forward(enc.pooled.clone()) * batch.has_graph.clone()),
            _ => None,
        };
        let t = match (&text, &self.text_proj) {
            (Some(enc), Some(proj)) => Some(proj.forward(enc.pooled.clone()) * batch.has_text.clone()),
            _ => None,
        };
        let plain = |embedding: Tensor<2>, head: &EvidentialHead| FusionOutput {
            raw: head.raw(embedding.clone()),
            gate: None,
            atom_to_text: None,
            text_to_atom: None,
            embedding,
        };
        match self.kind {
            FusionKind::Graph => plain(g.expect("graph variant has a graph encoder"), &self.head),
            FusionKind::Text => plain(t.expect("text variant has a text encoder"), &self.head),
            FusionKind::Concat => plain(Tensor::cat(vec![g.expect("graph"), t.expect("text")], 1), &self.head),
            FusionKind::Late => {
                let (g, t) = (g.expect("graph"), t.expect("text"));
                let logits = self.late_logits.as_ref().expect("late weights").val().unsqueeze_dim::<2>(0);
                let available = Tensor::cat(vec![batch.has_graph.clone(), batch.has_text.clone()], 1);
                let weights = masked_softmax(logits.repeat_dim(0, batch.size), available);
                let raw_g = self.head.raw(g.clone());
                let raw_t = self.late_text_head.as_ref().expect("late text head").raw(t.clone());
                let raw = raw_g * weights.clone().narrow(1, 0, 1) + raw_t * weights.clone().narrow(1, 1, 1);
                FusionOutput {
                    raw,
                    gate: Some(weights),
                    atom_to_text: None,
                    text_to_atom: None,
                    embedding: Tensor::cat(vec![g, t], 1),
                }
            }
            FusionKind::Matmmfuse => {
                let block = self.matmmfuse.as_ref().expect("matmmfuse block");
                let q = block.project_graph.forward(g.expect("graph")).unsqueeze_dim::<3>(1);
                let kv = block.project_text.forward(t.expect("text")).unsqueeze_dim::<3>(1);
                let attended = block.attention.forward(MhaInput::new(q.clone(), kv.clone(), kv)).context;
                let fused = block.norm.forward(q + attended).squeeze_dim::<2>(1);
                plain(fused, &self.head)
            }
            FusionKind::Cross => {
                let cross = self.cross.as_ref().expect("cross block");
                let (g, t) = (g.expect("graph"), t.expect("text"));
                let atoms = pad_nodes(
                    self.graph_proj.as_ref().expect("graph projection").forward(graph.expect("graph").nodes),
                    batch,
                );
                let tokens = self.text_proj.as_ref().expect("text projection").forward(text.expect("text").tokens);
                let a2t = cross.atoms_to_text.forward(
                    MhaInput::new(atoms.clone(), tokens.clone(), tokens.clone()).mask_pad(batch.token_pad.clone()),
                );
                let t2a = cross.text_to_atoms.forward(
                    MhaInput::new(tokens.clone(), atoms.clone(), atoms.clone()).mask_pad(batch.atom_pad.clone()),
                );
                let atoms_ctx = cross.atom_norm.forward(atoms + a2t.context);
                let tokens_ctx = cross.token_norm.forward(tokens + t2a.context);
                let atom_summary = masked_mean(atoms_ctx, batch.atom_pad.clone(), batch.inv_atom_counts.clone());
                let token_summary = masked_mean(tokens_ctx, batch.token_pad.clone(), batch.inv_token_counts.clone());
                let both = batch.has_graph.clone() * batch.has_text.clone();
                let c = cross.combine.forward(Tensor::cat(vec![atom_summary, token_summary], 1));
                let c = match cross.mixed {
                    Some(_) => c,
                    None => softplus(c, 1.0),
                } * both.clone();
                let available = Tensor::cat(vec![batch.has_graph.clone(), batch.has_text.clone(), both], 1);
                let logits = cross.gate.forward(Tensor::cat(vec![g.clone(), t.clone(), c.clone()], 1));
                let weights = masked_softmax(logits, available);
                let parts = [g, t, c].into_iter().enumerate().map(|(i, x)| x * weights.clone().narrow(1, i, 1));
                let fused = match &cross.mixed {
                    Some(mixed) => mixed.forward(parts.collect()),
                    None => parts.reduce(|a, b| a + b).expect("three parts"),
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
    }
}

/// Softmax over the last axis restricted to entries where `available` is 1 (all-zero rows give
/// zeros).
fn masked_softmax(logits: Tensor<2>, available: Tensor<2>) -> Tensor<2> {
    let shifted = logits + available.clone().sub_scalar(1.0).mul_scalar(1e4);
    softmax(shifted, 1) * available.clone().sum_dim(1).clamp_max(1.0)
}

impl PartialEq for NetConfig {
    fn eq(&self, other: &Self) -> bool {
        // The burn `Config` parts have no `PartialEq`; their serialised forms are the identity.
        serde_json::to_value(self).ok() == serde_json::to_value(other).ok()
    }
}
