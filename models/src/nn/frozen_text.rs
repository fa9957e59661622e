//! The server model's text branch: token states of a frozen large encoder (precomputed, see
//! [`crate::encoder`] and [`crate::text_cache`]) adapted to the fusion width by a trainable
//! layer norm + projection + one transformer layer, so attention can re-weigh them for the task.

use super::light_text::{TextEncoding, masked_mean};
use crate::batch::Batch;
use burn::nn::transformer::{TransformerEncoder, TransformerEncoderConfig, TransformerEncoderInput};
use burn::nn::{LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::prelude::*;

#[derive(Config, Debug)]
pub struct FrozenTextConfig {
    /// Hidden size of the frozen encoder (384 for MiniLM, 768 for SciBERT).
    pub encoder_hidden: usize,
    /// Width of the adapted token states.
    #[config(default = 128)]
    pub hidden: usize,
    #[config(default = 4)]
    pub heads: usize,
    /// Most content tokens read per structure (one 128-token chunk without `[CLS]`/`[SEP]`).
    #[config(default = 126)]
    pub max_tokens: usize,
    /// Chunks of the description the encoder reads.
    #[config(default = 1)]
    pub max_chunks: usize,
}

#[derive(Module, Debug)]
pub struct FrozenTextAdapter {
    input_norm: LayerNorm,
    project: Linear,
    encoder: TransformerEncoder,
    encoder_hidden: usize,
    hidden: usize,
}

impl FrozenTextConfig {
    pub fn init(&self, device: &Device) -> FrozenTextAdapter {
        FrozenTextAdapter {
            input_norm: LayerNormConfig::new(self.encoder_hidden).init(device),
            project: LinearConfig::new(self.encoder_hidden, self.hidden).init(device),
            encoder: TransformerEncoderConfig::new(self.hidden, 2 * self.hidden, self.heads, 1)
                .with_dropout(0.0)
                .with_norm_first(true)
                .init(device),
            encoder_hidden: self.encoder_hidden,
            hidden: self.hidden,
        }
    }
}

impl FrozenTextAdapter {
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    pub fn forward(&self, batch: &Batch) -> TextEncoding {
        let device = batch.token_pad.device();
        let states = batch.token_states.clone().unwrap_or_else(|| {
            // No structure of the batch has text: zeros, masked out as padding.
            Tensor::zeros([batch.size, batch.max_tokens, self.encoder_hidden], &device)
        });
        let x = self.project.forward(self.input_norm.forward(states));
        let x = self.encoder.forward(TransformerEncoderInput::new(x).mask_pad(batch.token_pad.clone()));
        let pooled = masked_mean(x.clone(), batch.token_pad.clone(), batch.inv_token_counts.clone());
        TextEncoding { tokens: x, pooled }
    }
}
