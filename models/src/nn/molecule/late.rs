//! `late`: one head per view, their raw outputs averaged with learned weights (masked for a
//! missing view).

use super::head::MoleculeHead;
use super::views::{ViewEncoders, available};
use super::{MoleculeNetConfig, MoleculeOutput};
use crate::molecule_batch::MoleculeBatch;
use crate::nn::fusion::masked_softmax;
use burn::module::Param;
use burn::prelude::*;

#[derive(Module, Debug)]
pub struct LateNet {
    pub(super) views: ViewEncoders,
    /// One head per view: graph, SMILES, fingerprint.
    pub(super) heads: Vec<MoleculeHead>,
    /// Logits of the view weights, `[3]` (zeros at start: an even average).
    pub(super) logits: Param<Tensor<1>>,
}

impl LateNet {
    pub fn new(config: &MoleculeNetConfig, device: &Device) -> Self {
        LateNet {
            views: ViewEncoders::new(config, device),
            heads: (0..3).map(|_| super::head_of(config, config.fused, device)).collect(),
            logits: Param::from_tensor(Tensor::zeros([3], device)),
        }
    }

    pub fn forward(&self, batch: &MoleculeBatch) -> MoleculeOutput {
        let embeddings = self.views.pooled(batch);
        let logits = self.logits.val().unsqueeze_dim::<2>(0).repeat_dim(0, batch.size);
        let weights = masked_softmax(logits, available(batch));
        let raw = embeddings
            .iter()
            .zip(&self.heads)
            .enumerate()
            .map(|(i, (x, head))| head.read(x.clone(), batch) * weights.clone().narrow(1, i, 1))
            .reduce(|a, b| a + b)
            .expect("three views");
        MoleculeOutput { raw, gate: Some(weights), attention: None, embedding: Tensor::cat(embeddings.to_vec(), 1) }
    }
}
