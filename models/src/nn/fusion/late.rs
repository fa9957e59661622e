//! `late`: one head per modality, their raw outputs averaged with learned weights (masked
//! for a missing modality).

use super::branches::{GraphBranch, TextBranch, embed_both};
use super::record_keys::flat_struct_module;
use super::{FusionOutput, NetConfig, evidential_head, masked_softmax};
use crate::batch::Batch;
use crate::nn::evidential::EvidentialHead;
use burn::module::Param;
use burn::prelude::*;

#[derive(Clone, Debug)]
pub struct LateNet {
    graph: GraphBranch,
    text: TextBranch,
    /// The graph embedding's head.
    head: EvidentialHead,
    /// The text embedding's head.
    late_text_head: EvidentialHead,
    /// Logits of the {graph, text} weights, `[2]` (zeros at start: an even average).
    late_logits: Param<Tensor<1>>,
}

flat_struct_module!(LateNet { inline: [graph, text], named: [head, late_text_head, late_logits] });

impl LateNet {
    pub fn new(config: &NetConfig, device: &Device) -> Self {
        LateNet {
            graph: GraphBranch::new(&config.graph, config.fused, device),
            text: TextBranch::new(config, device),
            head: evidential_head(config, config.fused, device),
            late_text_head: evidential_head(config, config.fused, device),
            late_logits: Param::from_tensor(Tensor::zeros([2], device)),
        }
    }

    pub fn forward(&self, batch: &Batch) -> FusionOutput {
        let both = embed_both(&self.graph, &self.text, batch);
        let (g, t) = (both.graph, both.text);
        let logits = self.late_logits.val().unsqueeze_dim::<2>(0);
        let available = Tensor::cat(vec![batch.has_graph.clone(), batch.has_text.clone()], 1);
        let weights = masked_softmax(logits.repeat_dim(0, batch.size), available);
        let raw_g = self.head.raw(g.clone());
        let raw_t = self.late_text_head.raw(t.clone());
        let raw = raw_g * weights.clone().narrow(1, 0, 1) + raw_t * weights.clone().narrow(1, 1, 1);
        FusionOutput {
            raw,
            gate: Some(weights),
            atom_to_text: None,
            text_to_atom: None,
            embedding: Tensor::cat(vec![g, t], 1),
        }
    }
}
