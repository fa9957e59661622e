//! The fingerprint view: `ln(1 + x)` of the Morgan bits or counts through a two-layer MLP.

use super::config::FingerprintConfig;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::relu;

#[derive(Module, Debug)]
pub struct FingerprintMlp {
    hidden: Linear,
    out: Linear,
}

impl FingerprintMlp {
    /// Reads `config.bits` values, gives `out` features.
    pub fn new(config: &FingerprintConfig, out: usize, device: &Device) -> Self {
        FingerprintMlp {
            hidden: LinearConfig::new(config.bits, config.hidden).init(device),
            out: LinearConfig::new(config.hidden, out).init(device),
        }
    }

    /// Fingerprints `[batch, bits]` → `[batch, out]`.
    pub fn forward(&self, fingerprint: Tensor<2>) -> Tensor<2> {
        self.out.forward(relu(self.hidden.forward(fingerprint.log1p())))
    }
}
