//! The architecture of a molecule network, as a molecule bundle's manifest stores it.

use super::dmpnn::DmpnnConfig;
use super::{MoleculeFusion, MoleculeNet};
use crate::nn::light_text::LightTextConfig;
use burn::prelude::*;
use serde::{Deserialize, Serialize};
use shared::molecule::fingerprint::DEFAULT_BITS;
use shared::molecule::tokens::vocabulary;

/// What the head predicts for every task of a network (a bundle's tasks share one kind).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeadKind {
    /// Evidential (Normal-Inverse-Gamma) values with σ, standardised targets.
    #[default]
    Regression,
    /// One logit per task, 0/1 labels, binary cross-entropy.
    Classification,
}

/// The SMILES transformer (token vocabulary: [`vocabulary`], fixed at 200).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmilesConfig {
    pub hidden: usize,
    pub layers: usize,
    pub heads: usize,
    /// Token positions; longer SMILES are cut (keeping `[SEP]`).
    pub max_tokens: usize,
}

impl Default for SmilesConfig {
    fn default() -> Self {
        SmilesConfig { hidden: 64, layers: 2, heads: 4, max_tokens: 256 }
    }
}

impl SmilesConfig {
    pub(super) fn light_text(&self) -> LightTextConfig {
        LightTextConfig::new(vocabulary().len())
            .with_hidden(self.hidden)
            .with_layers(self.layers)
            .with_heads(self.heads)
            .with_max_tokens(self.max_tokens)
    }
}

/// The fingerprint MLP's input (Morgan radius 2) and width.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FingerprintConfig {
    pub bits: usize,
    /// Counts per bit rather than 0/1 (read as `ln(1 + count)`).
    pub counts: bool,
    pub hidden: usize,
}

impl Default for FingerprintConfig {
    fn default() -> Self {
        FingerprintConfig { bits: DEFAULT_BITS, counts: true, hidden: 256 }
    }
}

/// Architecture of a molecule network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoleculeNetConfig {
    pub fusion: MoleculeFusion,
    #[serde(default)]
    pub graph: DmpnnConfig,
    #[serde(default)]
    pub smiles: SmilesConfig,
    #[serde(default)]
    pub fingerprint: FingerprintConfig,
    /// Width of the shared fusion space.
    #[serde(default = "default_fused")]
    pub fused: usize,
    /// Attention heads of the cross-attention.
    #[serde(default = "default_heads")]
    pub heads: usize,
    /// Outputs of the head (a training configuration leaves it to its `[data] tasks`).
    #[serde(default)]
    pub tasks: usize,
    #[serde(default)]
    pub head: HeadKind,
}

fn default_fused() -> usize {
    128
}
fn default_heads() -> usize {
    4
}

impl MoleculeNetConfig {
    pub fn new(fusion: MoleculeFusion, tasks: usize, head: HeadKind) -> MoleculeNetConfig {
        MoleculeNetConfig {
            fusion,
            graph: DmpnnConfig::default(),
            smiles: SmilesConfig::default(),
            fingerprint: FingerprintConfig::default(),
            fused: default_fused(),
            heads: default_heads(),
            tasks,
            head,
        }
    }

    /// A network of width 16 with a 128-bit fingerprint, for quick tests.
    #[cfg(test)]
    pub(crate) fn tiny(fusion: MoleculeFusion, tasks: usize, head: HeadKind) -> MoleculeNetConfig {
        let mut config = MoleculeNetConfig::new(fusion, tasks, head);
        config.graph.hidden = 16;
        config.smiles = SmilesConfig { hidden: 16, layers: 1, heads: 2, max_tokens: 32 };
        config.fingerprint = FingerprintConfig { bits: 128, counts: true, hidden: 16 };
        config.fused = 16;
        config.heads = 2;
        config
    }

    /// A network of this architecture with freshly initialised parameters on `device`.
    pub fn init(&self, device: &Device) -> MoleculeNet {
        MoleculeNet::new(self, device)
    }
}
