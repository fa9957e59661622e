//! `matmmfuse`: the published MatMMFuse block over the pooled embeddings.

use super::branches::{GraphBranch, TextBranch, embed_both};
use super::record_keys::flat_struct_module;
use super::{FusionOutput, NetConfig, evidential_head};
use crate::batch::Batch;
use crate::nn::evidential::EvidentialHead;
use burn::nn::attention::{MhaInput, MultiHeadAttention, MultiHeadAttentionConfig};
use burn::nn::{LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::prelude::*;

/// Width of the published MatMMFuse attention block.
const MATMMFUSE_DIM: usize = 512;
const MATMMFUSE_HEADS: usize = 8;

#[derive(Clone, Debug)]
pub struct MatMmFuseNet {
    graph: GraphBranch,
    text: TextBranch,
    matmmfuse: MatMmFuseBlock,
    /// Reads `[batch, 512]`.
    head: EvidentialHead,
}

flat_struct_module!(MatMmFuseNet { inline: [graph, text], named: [matmmfuse, head] });

/// Pooled embeddings projected to 512, 8-head attention with the graph as the one query and
/// the text as the one key (so the softmax weight is always 1), LayerNorm + residual.
#[derive(Module, Debug)]
pub struct MatMmFuseBlock {
    project_graph: Linear,
    project_text: Linear,
    attention: MultiHeadAttention,
    norm: LayerNorm,
}

impl MatMmFuseNet {
    pub fn new(config: &NetConfig, device: &Device) -> Self {
        let d = config.fused;
        MatMmFuseNet {
            graph: GraphBranch::new(&config.graph, d, device),
            text: TextBranch::new(config, device),
            matmmfuse: MatMmFuseBlock {
                project_graph: LinearConfig::new(d, MATMMFUSE_DIM).init(device),
                project_text: LinearConfig::new(d, MATMMFUSE_DIM).init(device),
                attention: MultiHeadAttentionConfig::new(MATMMFUSE_DIM, MATMMFUSE_HEADS).with_dropout(0.0).init(device),
                norm: LayerNormConfig::new(MATMMFUSE_DIM).init(device),
            },
            head: evidential_head(config, MATMMFUSE_DIM, device),
        }
    }

    pub fn forward(&self, batch: &Batch) -> FusionOutput {
        let both = embed_both(&self.graph, &self.text, batch);
        let block = &self.matmmfuse;
        let q = block.project_graph.forward(both.graph).unsqueeze_dim::<3>(1);
        let kv = block.project_text.forward(both.text).unsqueeze_dim::<3>(1);
        let attended = block.attention.forward(MhaInput::new(q.clone(), kv.clone(), kv)).context;
        let fused = block.norm.forward(q + attended).squeeze_dim::<2>(1);
        FusionOutput::plain(fused, &self.head)
    }
}
