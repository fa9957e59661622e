//! The heads a molecule network ends in: the evidential regression head, or a binary
//! classifier (one logit per task, binary cross-entropy, probability = sigmoid).

use super::config::{FfnActivation, FfnConfig, HeadKind, MoleculeNetConfig};
use crate::molecule_batch::MoleculeBatch;
use crate::nn::activation::softplus;
use crate::nn::evidential::{Evidence, EvidentialHead};
use crate::train::{TrainOptions, regression_loss};
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::relu;

/// Two-layer MLP ending in one logit per task.
#[derive(Module, Debug)]
pub struct BinaryHead {
    hidden: Linear,
    out: Linear,
}

impl BinaryHead {
    pub fn new(input: usize, hidden: usize, tasks: usize, device: &Device) -> Self {
        BinaryHead {
            hidden: LinearConfig::new(input, hidden).init(device),
            out: LinearConfig::new(hidden, tasks).init(device),
        }
    }

    /// Logits, `[batch, tasks]`.
    pub fn logits(&self, x: Tensor<2>) -> Tensor<2> {
        self.out.forward(softplus(self.hidden.forward(x)))
    }
}

/// A feed-forward head of any depth and activation ([`FfnConfig`]) ending in the raw outputs
/// of either head kind.
#[derive(Module, Debug)]
pub struct FfnHead {
    hidden: Vec<Linear>,
    out: Linear,
    relu: bool,
}

impl FfnHead {
    pub fn new(config: &FfnConfig, input: usize, width: usize, outputs: usize, device: &Device) -> Self {
        let hidden = (0..config.layers.max(1))
            .map(|layer| LinearConfig::new(if layer == 0 { input } else { width }, width).init(device))
            .collect();
        FfnHead {
            hidden,
            out: LinearConfig::new(width, outputs).init(device),
            relu: config.activation == FfnActivation::Relu,
        }
    }

    pub fn raw(&self, x: Tensor<2>) -> Tensor<2> {
        let x = self.hidden.iter().fold(x, |x, layer| {
            let y = layer.forward(x);
            if self.relu { relu(y) } else { softplus(y) }
        });
        self.out.forward(x)
    }
}

#[derive(Module, Debug)]
pub enum MoleculeHead {
    Regression(EvidentialHead),
    Classification(BinaryHead),
    /// Either kind through a configured feed-forward network.
    Ffn(FfnHead),
}

impl MoleculeHead {
    /// The head `config` asks for, reading `input` features.
    pub fn new(config: &MoleculeNetConfig, input: usize, device: &Device) -> Self {
        let (hidden, tasks) = (config.fused, config.tasks);
        if !config.ffn.is_default() {
            let width = if config.ffn.hidden == 0 { hidden } else { config.ffn.hidden };
            let outputs = match config.head {
                HeadKind::Regression => 4 * tasks,
                HeadKind::Classification => tasks,
            };
            return MoleculeHead::Ffn(FfnHead::new(&config.ffn, input, width, outputs, device));
        }
        match config.head {
            HeadKind::Regression => MoleculeHead::Regression(EvidentialHead::new(input, hidden, tasks, device)),
            HeadKind::Classification => MoleculeHead::Classification(BinaryHead::new(input, hidden, tasks, device)),
        }
    }

    /// Raw outputs: `[batch, 4 × tasks]` NIG parameters or `[batch, tasks]` logits.
    pub fn raw(&self, x: Tensor<2>) -> Tensor<2> {
        match self {
            MoleculeHead::Regression(head) => head.raw(x),
            MoleculeHead::Classification(head) => head.logits(x),
            MoleculeHead::Ffn(head) => head.raw(x),
        }
    }

    /// Raw outputs for `x` with the batch's descriptors appended when it has them.
    pub fn read(&self, x: Tensor<2>, batch: &MoleculeBatch) -> Tensor<2> {
        match &batch.descriptors {
            Some(descriptors) => self.raw(Tensor::cat(vec![x, descriptors.clone()], 1)),
            None => self.raw(x),
        }
    }
}

/// Masked binary cross-entropy of `logits` against 0/1 `targets`, averaged per task over its
/// labelled rows and summed over tasks (as [`Evidence::loss`]).
pub fn binary_cross_entropy(logits: Tensor<2>, targets: Tensor<2>, mask: Tensor<2>) -> Tensor<1> {
    // −[y ln σ(z) + (1 − y) ln(1 − σ(z))] = softplus(z) − y·z
    let per_item = (softplus(logits.clone()) - targets * logits) * mask.clone();
    let counts = mask.sum_dim(0).clamp_min(1.0);
    (per_item.sum_dim(0) / counts).sum()
}

/// The loss of `kind`'s raw outputs under `options` (`loss`, `evidential_lambda`, `l1_weight`).
pub fn head_loss(
    kind: HeadKind,
    raw: Tensor<2>,
    targets: Tensor<2>,
    mask: Tensor<2>,
    options: &TrainOptions,
) -> Tensor<1> {
    match kind {
        HeadKind::Regression => regression_loss(&Evidence::from_raw(raw), targets, mask, options),
        HeadKind::Classification => binary_cross_entropy(raw, targets, mask),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_cross_entropy_matches_hand_computed_values() {
        let device = Device::flex();
        let t = |v: Vec<f32>| Tensor::<2>::from_data(TensorData::new(v, [3, 1]), &device);
        // rows: z = 0, y = 1 → ln 2; z = 2, y = 0 → ln(1 + e²); z = −1 unlabelled
        let loss = binary_cross_entropy(t(vec![0.0, 2.0, -1.0]), t(vec![1.0, 0.0, 1.0]), t(vec![1.0, 1.0, 0.0]));
        let expected = (2f64.ln() + (1.0 + 2f64.exp()).ln()) / 2.0;
        assert!((f64::from(loss.into_scalar::<f32>()) - expected).abs() < 1e-5);
    }
}
