//! The six fusion variants of SCIENCE.md §4, one type each, behind one network type so the
//! ablation trains each with the same code, data and budget.
//!
//! A variant is a struct holding exactly its parts (the input branches of `branches.rs`, its
//! own fusion block, the evidential head) with `new` and `forward`; [`FusionNet`] names it and
//! [`NetConfig::init`] builds it. The parameters' record keys stay those of the bundles written
//! before the variants were types (`record_keys.rs`), so those bundles load unchanged.

mod branches;
mod concat;
mod config;
mod cross;
mod kind;
mod late;
mod matmmfuse;
mod record_keys;
mod single;

pub use config::{CrossReadout, NetConfig};
pub use kind::FusionKind;

use super::evidential::EvidentialHead;
use crate::batch::Batch;
use burn::prelude::*;
use burn::tensor::activation::softmax;
use concat::ConcatNet;
use cross::CrossNet;
use late::LateNet;
use matmmfuse::MatMmFuseNet;
use record_keys::transparent_enum_module;
use single::{GraphNet, TextNet};

/// A fusion network: one variant with exactly the parts it uses.
#[derive(Clone, Debug)]
pub enum FusionNet {
    Graph(GraphNet),
    Text(TextNet),
    Concat(ConcatNet),
    Late(LateNet),
    MatMmFuse(MatMmFuseNet),
    Cross(CrossNet),
}

transparent_enum_module!(FusionNet { Graph, Text, Concat, Late, MatMmFuse, Cross });

/// A forward pass's outputs: raw head outputs plus what explains them.
pub struct FusionOutput {
    /// Raw NIG parameters, `[batch, 4 × tasks]` (see
    /// [`super::evidential::Evidence::from_raw`]).
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

impl FusionOutput {
    /// The head's reading of `embedding`, with nothing else to explain it.
    fn plain(embedding: Tensor<2>, head: &EvidentialHead) -> FusionOutput {
        FusionOutput { raw: head.raw(embedding.clone()), gate: None, atom_to_text: None, text_to_atom: None, embedding }
    }
}

impl FusionNet {
    pub fn kind(&self) -> FusionKind {
        match self {
            FusionNet::Graph(_) => FusionKind::Graph,
            FusionNet::Text(_) => FusionKind::Text,
            FusionNet::Concat(_) => FusionKind::Concat,
            FusionNet::Late(_) => FusionKind::Late,
            FusionNet::MatMmFuse(_) => FusionKind::Matmmfuse,
            FusionNet::Cross(_) => FusionKind::Cross,
        }
    }

    pub fn forward(&self, batch: &Batch) -> FusionOutput {
        match self {
            FusionNet::Graph(net) => net.forward(batch),
            FusionNet::Text(net) => net.forward(batch),
            FusionNet::Concat(net) => net.forward(batch),
            FusionNet::Late(net) => net.forward(batch),
            FusionNet::MatMmFuse(net) => net.forward(batch),
            FusionNet::Cross(net) => net.forward(batch),
        }
    }
}

/// The evidential head every variant ends in, reading `input` features.
fn evidential_head(config: &NetConfig, input: usize, device: &Device) -> EvidentialHead {
    EvidentialHead::new(input, config.fused, config.tasks, device)
}

/// Softmax over the last axis restricted to entries where `available` is 1 (all-zero rows give
/// zeros).
pub(crate) fn masked_softmax(logits: Tensor<2>, available: Tensor<2>) -> Tensor<2> {
    let shifted = logits + available.clone().sub_scalar(1.0).mul_scalar(1e4);
    softmax(shifted, 1) * available.clone().sum_dim(1).clamp_max(1.0)
}
