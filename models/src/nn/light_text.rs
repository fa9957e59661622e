//! The browser's text encoder: the MiniLM tokenizer's vocabulary pruned to the words the
//! descriptions use, learned token + position embeddings and a small pre-norm transformer,
//! trained with the task (SCIENCE.md §3).

use crate::batch::Batch;
use burn::nn::transformer::{TransformerEncoder, TransformerEncoderConfig, TransformerEncoderInput};
use burn::nn::{Embedding, EmbeddingConfig, LayerNorm, LayerNormConfig};
use burn::prelude::*;

#[derive(Config, Debug)]
pub struct LightTextConfig {
    /// Size of the pruned vocabulary.
    pub vocab_size: usize,
    #[config(default = 64)]
    pub hidden: usize,
    #[config(default = 2)]
    pub layers: usize,
    #[config(default = 4)]
    pub heads: usize,
    /// Longest token sequence (positions).
    #[config(default = 128)]
    pub max_tokens: usize,
}

#[derive(Module, Debug)]
pub struct LightTextEncoder {
    tokens: Embedding,
    positions: Embedding,
    encoder: TransformerEncoder,
    norm: LayerNorm,
    hidden: usize,
}

/// What a text encoder hands to fusion.
pub struct TextEncoding {
    /// Token states, `[batch, tokens, hidden]`.
    pub tokens: Tensor<3>,
    /// Mean over each structure's tokens (zero where there is no text), `[batch, hidden]`.
    pub pooled: Tensor<2>,
}

impl LightTextConfig {
    pub fn init(&self, device: &Device) -> LightTextEncoder {
        LightTextEncoder {
            tokens: EmbeddingConfig::new(self.vocab_size, self.hidden).init(device),
            positions: EmbeddingConfig::new(self.max_tokens, self.hidden).init(device),
            encoder: TransformerEncoderConfig::new(self.hidden, 4 * self.hidden, self.heads, self.layers)
                .with_dropout(0.0)
                .with_norm_first(true)
                .init(device),
            norm: LayerNormConfig::new(self.hidden).init(device),
            hidden: self.hidden,
        }
    }
}

impl LightTextEncoder {
    pub fn hidden(&self) -> usize {
        self.hidden
    }

    pub fn forward(&self, batch: &Batch) -> TextEncoding {
        self.encode(batch.tokens.clone(), batch.token_pad.clone(), batch.inv_token_counts.clone())
    }

    /// Token ids `[batch, tokens]` with their padding mask and `1 / tokens` per row `[batch, 1]`
    /// (what a molecule batch's SMILES tokens give as well as a structure batch's).
    pub fn encode(&self, tokens: Tensor<2, Int>, pad: Tensor<2, Bool>, inv_counts: Tensor<2>) -> TextEncoding {
        let device = tokens.device();
        let [b, t] = tokens.dims();
        let positions = Tensor::<1, Int>::arange(0..t as i64, &device).unsqueeze_dim::<2>(0).repeat_dim(0, b);
        let x = self.tokens.forward(tokens) + self.positions.forward(positions);
        let x = self.encoder.forward(TransformerEncoderInput::new(x).mask_pad(pad.clone()));
        let x = self.norm.forward(x);
        let pooled = masked_mean(x.clone(), pad, inv_counts);
        TextEncoding { tokens: x, pooled }
    }
}

/// Mean over the unpadded positions of `[batch, len, d]`; `inv_counts` is `[batch, 1]`.
pub fn masked_mean(x: Tensor<3>, pad: Tensor<2, Bool>, inv_counts: Tensor<2>) -> Tensor<2> {
    let keep = pad.bool_not().float().unsqueeze_dim::<3>(2);
    (x * keep).sum_dim(1).squeeze_dim::<2>(1) * inv_counts
}
