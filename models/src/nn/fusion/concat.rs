//! `concat`: the head reads the graph and text embeddings side by side.

use super::branches::{GraphBranch, TextBranch, embed_both};
use super::record_keys::flat_struct_module;
use super::{FusionOutput, NetConfig, evidential_head};
use crate::batch::Batch;
use crate::nn::evidential::EvidentialHead;
use burn::prelude::*;

#[derive(Clone, Debug)]
pub struct ConcatNet {
    graph: GraphBranch,
    text: TextBranch,
    /// Reads `[batch, 2d]`.
    head: EvidentialHead,
}

flat_struct_module!(ConcatNet { inline: [graph, text], named: [head] });

impl ConcatNet {
    pub fn new(config: &NetConfig, device: &Device) -> Self {
        ConcatNet {
            graph: GraphBranch::new(&config.graph, config.fused, device),
            text: TextBranch::new(config, device),
            head: evidential_head(config, 2 * config.fused, device),
        }
    }

    pub fn forward(&self, batch: &Batch) -> FusionOutput {
        let both = embed_both(&self.graph, &self.text, batch);
        FusionOutput::plain(Tensor::cat(vec![both.graph, both.text], 1), &self.head)
    }
}
