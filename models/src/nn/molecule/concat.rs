//! `concat`: the head reads the three view embeddings side by side (a missing view is zeros).

use super::head::MoleculeHead;
use super::views::ViewEncoders;
use super::{MoleculeNetConfig, MoleculeOutput};
use crate::molecule_batch::MoleculeBatch;
use burn::prelude::*;

#[derive(Module, Debug)]
pub struct ConcatNet {
    pub(super) views: ViewEncoders,
    /// Reads `[batch, 3d]`.
    head: MoleculeHead,
}

impl ConcatNet {
    pub fn new(config: &MoleculeNetConfig, device: &Device) -> Self {
        ConcatNet { views: ViewEncoders::new(config, device), head: super::head_of(config, 3 * config.fused, device) }
    }

    pub fn forward(&self, batch: &MoleculeBatch) -> MoleculeOutput {
        let embedding = Tensor::cat(self.views.pooled(batch).to_vec(), 1);
        MoleculeOutput::plain(embedding, &self.head, batch)
    }
}
