//! The single-modality baselines: `graph` (CGCNN alone) and `text` (the text encoder alone).

use super::branches::{GraphBranch, TextBranch};
use super::record_keys::flat_struct_module;
use super::{FusionOutput, NetConfig, evidential_head};
use crate::batch::Batch;
use crate::nn::evidential::EvidentialHead;
use burn::prelude::*;

/// `graph`: the head reads the projected CGCNN embedding.
#[derive(Clone, Debug)]
pub struct GraphNet {
    graph: GraphBranch,
    head: EvidentialHead,
}

flat_struct_module!(GraphNet { inline: [graph], named: [head] });

impl GraphNet {
    pub fn new(config: &NetConfig, device: &Device) -> Self {
        GraphNet {
            graph: GraphBranch::new(&config.graph, config.fused, device),
            head: evidential_head(config, config.fused, device),
        }
    }

    pub fn forward(&self, batch: &Batch) -> FusionOutput {
        FusionOutput::plain(self.graph.embed(batch), &self.head)
    }
}

/// `text`: the head reads the projected text embedding.
#[derive(Clone, Debug)]
pub struct TextNet {
    text: TextBranch,
    head: EvidentialHead,
}

flat_struct_module!(TextNet { inline: [text], named: [head] });

impl TextNet {
    pub fn new(config: &NetConfig, device: &Device) -> Self {
        TextNet { text: TextBranch::new(config, device), head: evidential_head(config, config.fused, device) }
    }

    pub fn forward(&self, batch: &Batch) -> FusionOutput {
        FusionOutput::plain(self.text.embed(batch), &self.head)
    }
}
