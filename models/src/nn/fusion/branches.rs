//! The two input branches every variant builds on: an encoder and its projection into the
//! shared fusion space of width `d` ([`super::NetConfig::fused`]).

use super::NetConfig;
use super::record_keys::transparent_enum_module;
use crate::batch::Batch;
use crate::nn::cgcnn::{Cgcnn, CgcnnConfig, GraphEncoding, pad_nodes};
use crate::nn::frozen_text::FrozenTextAdapter;
use crate::nn::light_text::{LightTextEncoder, TextEncoding};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;

/// The CGCNN and its projection (record keys `graph.*`, `graph_proj.*`).
#[derive(Module, Debug)]
pub struct GraphBranch {
    graph: Cgcnn,
    graph_proj: Linear,
}

impl GraphBranch {
    pub fn new(config: &CgcnnConfig, fused: usize, device: &Device) -> Self {
        let graph = config.init(device);
        let graph_proj = LinearConfig::new(graph.hidden(), fused).init(device);
        GraphBranch { graph, graph_proj }
    }

    pub fn encode(&self, batch: &Batch) -> GraphEncoding {
        self.graph.forward(batch)
    }

    /// Pooled encoder states `[batch, hidden]` → `[batch, d]`, zero for structures whose graph
    /// is masked out.
    pub fn project_pooled(&self, pooled: Tensor<2>, batch: &Batch) -> Tensor<2> {
        self.graph_proj.forward(pooled) * batch.has_graph.clone()
    }

    /// Node states `[nodes, hidden]` → atoms `[batch, atoms, d]`, padded per structure.
    pub fn project_atoms(&self, nodes: Tensor<2>, batch: &Batch) -> Tensor<3> {
        pad_nodes(self.graph_proj.forward(nodes), batch)
    }

    /// The structure's graph embedding `[batch, d]` (zero where masked out).
    pub fn embed(&self, batch: &Batch) -> Tensor<2> {
        self.project_pooled(self.encode(batch).pooled, batch)
    }
}

/// The text encoder and its projection: the light encoder trained with the network (the
/// `browser` model) or an adapter over a frozen large encoder's token states (the `server`
/// model).
#[derive(Clone, Debug)]
pub enum TextBranch {
    Light(LightTextBranch),
    Frozen(FrozenTextBranch),
}

transparent_enum_module!(TextBranch { Light, Frozen });

/// Record keys `text.*`, `text_proj.*`.
#[derive(Module, Debug)]
pub struct LightTextBranch {
    text: LightTextEncoder,
    text_proj: Linear,
}

/// Record keys `frozen_text.*`, `text_proj.*`.
#[derive(Module, Debug)]
pub struct FrozenTextBranch {
    frozen_text: FrozenTextAdapter,
    text_proj: Linear,
}

impl TextBranch {
    /// The frozen-encoder adapter when `config.frozen_text` is set, else the light encoder.
    pub fn new(config: &NetConfig, device: &Device) -> Self {
        let project = |hidden: usize| LinearConfig::new(hidden, config.fused).init(device);
        match &config.frozen_text {
            Some(frozen) => {
                let frozen_text = frozen.init(device);
                let text_proj = project(frozen_text.hidden());
                TextBranch::Frozen(FrozenTextBranch { frozen_text, text_proj })
            }
            None => {
                let text = config.text.init(device);
                let text_proj = project(text.hidden());
                TextBranch::Light(LightTextBranch { text, text_proj })
            }
        }
    }

    pub fn encode(&self, batch: &Batch) -> TextEncoding {
        match self {
            TextBranch::Light(branch) => branch.text.forward(batch),
            TextBranch::Frozen(branch) => branch.frozen_text.forward(batch),
        }
    }

    fn projection(&self) -> &Linear {
        match self {
            TextBranch::Light(branch) => &branch.text_proj,
            TextBranch::Frozen(branch) => &branch.text_proj,
        }
    }

    /// Pooled token states `[batch, hidden]` → `[batch, d]`, zero for structures whose text is
    /// masked out.
    pub fn project_pooled(&self, pooled: Tensor<2>, batch: &Batch) -> Tensor<2> {
        self.projection().forward(pooled) * batch.has_text.clone()
    }

    /// Token states `[batch, tokens, hidden]` → `[batch, tokens, d]`.
    pub fn project_tokens(&self, tokens: Tensor<3>) -> Tensor<3> {
        self.projection().forward(tokens)
    }

    /// The description's text embedding `[batch, d]` (zero where masked out).
    pub fn embed(&self, batch: &Batch) -> Tensor<2> {
        self.project_pooled(self.encode(batch).pooled, batch)
    }
}

/// Both modalities of a batch: embeddings in the fusion space and the encoders' unprojected
/// per-atom and per-token states.
pub struct BothEmbedded {
    /// `[batch, d]`, zero where the graph is masked out.
    pub graph: Tensor<2>,
    /// `[batch, d]`, zero where the text is masked out.
    pub text: Tensor<2>,
    /// The graph encoder's node states, `[nodes, hidden]`.
    pub nodes: Tensor<2>,
    /// The text encoder's token states, `[batch, tokens, hidden]`.
    pub tokens: Tensor<3>,
}

/// Runs both encoders, then both projections. burn initialises parameters lazily, on first
/// use, so this order — the single network's before the variants became types — keeps the
/// initial weights a training seed gives.
pub fn embed_both(graph: &GraphBranch, text: &TextBranch, batch: &Batch) -> BothEmbedded {
    let graph_encoding = graph.encode(batch);
    let text_encoding = text.encode(batch);
    BothEmbedded {
        graph: graph.project_pooled(graph_encoding.pooled, batch),
        text: text.project_pooled(text_encoding.pooled, batch),
        nodes: graph_encoding.nodes,
        tokens: text_encoding.tokens,
    }
}
