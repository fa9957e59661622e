//! The architecture of a fusion network, as the bundle manifest stores it.

use super::FusionKind;
use super::FusionNet;
use super::concat::ConcatNet;
use super::cross::CrossNet;
use super::late::LateNet;
use super::matmmfuse::MatMmFuseNet;
use super::single::{GraphNet, TextNet};
use crate::nn::cgcnn::CgcnnConfig;
use crate::nn::frozen_text::FrozenTextConfig;
use crate::nn::light_text::LightTextConfig;
use burn::prelude::*;
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
    /// Number of tasks the head predicts (4 NIG parameters each), one per property of the
    /// bundle's manifest; 4 (the crystal tasks) in manifests written before it existed.
    #[serde(default = "default_tasks")]
    pub tasks: usize,
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
fn default_tasks() -> usize {
    shared::task::CRYSTAL_TASKS.len()
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
            tasks: default_tasks(),
        }
    }

    /// A network of this architecture with freshly initialised parameters on `device`.
    pub fn init(&self, device: &Device) -> FusionNet {
        match self.fusion {
            FusionKind::Graph => FusionNet::Graph(GraphNet::new(self, device)),
            FusionKind::Text => FusionNet::Text(TextNet::new(self, device)),
            FusionKind::Concat => FusionNet::Concat(ConcatNet::new(self, device)),
            FusionKind::Late => FusionNet::Late(LateNet::new(self, device)),
            FusionKind::Matmmfuse => FusionNet::MatMmFuse(MatMmFuseNet::new(self, device)),
            FusionKind::Cross => FusionNet::Cross(CrossNet::new(self, device)),
        }
    }
}

impl PartialEq for NetConfig {
    fn eq(&self, other: &Self) -> bool {
        // The burn `Config` parts have no `PartialEq`; their serialised forms are the identity.
        serde_json::to_value(self).ok() == serde_json::to_value(other).ok()
    }
}
