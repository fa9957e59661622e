//! The large, frozen text encoder: any BERT-architecture Hugging Face checkpoint
//! (`config.json` + `model.safetensors`), e.g. all-MiniLM-L6-v2, SciBERT, MatSciBERT.
//!
//! The weights are read with burn-store (`PyTorchToBurnAdapter` transposes linear weights and
//! renames layer-norm parameters) and Hugging Face's key names are remapped onto burn's
//! post-norm [`TransformerEncoder`], whose exact-erf GELU is the one BERT uses.

use crate::error::{Error, Result};
use burn::nn::transformer::{TransformerEncoder, TransformerEncoderConfig, TransformerEncoderInput};
use burn::nn::{Embedding, EmbeddingConfig, LayerNorm, LayerNormConfig};
use burn::prelude::*;
use serde::Deserialize;
use std::path::Path;

/// The fields of a Hugging Face BERT `config.json` the encoder needs.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct BertConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    pub max_position_embeddings: usize,
    #[serde(default = "default_type_vocab")]
    pub type_vocab_size: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    #[serde(default = "default_act")]
    pub hidden_act: String,
    #[serde(default)]
    pub model_type: Option<String>,
}

fn default_type_vocab() -> usize {
    2
}
fn default_eps() -> f64 {
    1e-12
}
fn default_act() -> String {
    "gelu".into()
}

impl BertConfig {
    /// Reads and checks `config.json`: only absolute-position BERT encoders with GELU load.
    pub fn from_file(path: &Path) -> Result<BertConfig> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.into(), source })?;
        let config: BertConfig = serde_json::from_str(&text)
            .map_err(|e| Error::Config(format!("{}: not a BERT config.json: {e}", path.display())))?;
        if let Some(kind) = &config.model_type
            && kind != "bert"
        {
            return Err(Error::Config(format!(
                "{}: model_type is '{kind}'; only BERT-architecture encoders load",
                path.display()
            )));
        }
        if config.hidden_act != "gelu" {
            return Err(Error::Config(format!(
                "{}: hidden_act '{}' is not supported (BERT uses 'gelu')",
                path.display(),
                config.hidden_act
            )));
        }
        if config.num_attention_heads == 0 || !config.hidden_size.is_multiple_of(config.num_attention_heads) {
            return Err(Error::Config(format!(
                "{}: hidden_size {} is not a multiple of num_attention_heads {}",
                path.display(),
                config.hidden_size,
                config.num_attention_heads
            )));
        }
        Ok(config)
    }

    pub fn init(&self, device: &Device) -> Bert {
        let h = self.hidden_size;
        Bert {
            embeddings: BertEmbeddings {
                word_embeddings: EmbeddingConfig::new(self.vocab_size, h).init(device),
                position_embeddings: EmbeddingConfig::new(self.max_position_embeddings, h).init(device),
                token_type_embeddings: EmbeddingConfig::new(self.type_vocab_size, h).init(device),
                layer_norm: LayerNormConfig::new(h).with_epsilon(self.layer_norm_eps).init(device),
            },
            encoder: TransformerEncoderConfig::new(
                h,
                self.intermediate_size,
                self.num_attention_heads,
                self.num_hidden_layers,
            )
            .with_dropout(0.0)
            .with_norm_first(false)
            .with_layer_norm_eps(self.layer_norm_eps)
            .init(device),
        }
    }
}

#[derive(Module, Debug)]
pub struct BertEmbeddings {
    word_embeddings: Embedding,
    position_embeddings: Embedding,
    token_type_embeddings: Embedding,
    layer_norm: LayerNorm,
}

#[derive(Module, Debug)]
pub struct Bert {
    embeddings: BertEmbeddings,
    encoder: TransformerEncoder,
}

/// Hugging Face BERT key → burn module path (applied in order; the attention output's dense
/// and LayerNorm must be renamed before the feed-forward output's).
#[cfg(not(target_family = "wasm"))]
const KEY_REMAPS: [(&str, &str); 9] = [
    (r"^bert\.", ""),
    (r"^embeddings\.LayerNorm\.", "embeddings.layer_norm."),
    (r"^encoder\.layer\.(\d+)\.attention\.self\.", "encoder.layers.$1.mha."),
    (r"^encoder\.layer\.(\d+)\.attention\.output\.dense\.", "encoder.layers.$1.mha.output."),
    (r"^encoder\.layer\.(\d+)\.attention\.output\.LayerNorm\.", "encoder.layers.$1.norm_1."),
    (r"^encoder\.layer\.(\d+)\.intermediate\.dense\.", "encoder.layers.$1.pwff.linear_inner."),
    (r"^encoder\.layer\.(\d+)\.output\.dense\.", "encoder.layers.$1.pwff.linear_outer."),
    (r"^encoder\.layer\.(\d+)\.output\.LayerNorm\.", "encoder.layers.$1.norm_2."),
    (r"^encoder\.layer\.", "encoder.layers."),
];

impl Bert {
    /// Builds the encoder described by `config` and fills it from a safetensors file; every
    /// parameter of the encoder must be present in the file.
    #[cfg(not(target_family = "wasm"))]
    pub fn load(config: &BertConfig, weights: &Path, device: &Device) -> Result<Bert> {
        use burn::store::{KeyRemapper, ModuleSnapshot, PyTorchToBurnAdapter, SafetensorsStore};
        let mut bert = config.init(device);
        let remapper = KeyRemapper::from_patterns(KEY_REMAPS.to_vec())
            .map_err(|e| Error::Config(format!("key remapping: {e}")))?;
        let mut store = SafetensorsStore::from_file(weights)
            .with_from_adapter(PyTorchToBurnAdapter)
            .remap(remapper)
            .allow_partial(true);
        let result = bert.load_from(&mut store).map_err(|e| Error::Weights(format!("{}: {e}", weights.display())))?;
        if !result.errors.is_empty() || !result.missing.is_empty() {
            let missing: Vec<&str> = result.missing.iter().map(|(path, _)| path.as_str()).collect();
            return Err(Error::Weights(format!(
                "{}: not a BERT checkpoint matching its config.json: missing {:?}, errors {:?}",
                weights.display(),
                missing,
                result.errors
            )));
        }
        Ok(bert)
    }

    pub fn hidden(&self) -> usize {
        self.embeddings.word_embeddings.weight.dims()[1]
    }

    pub fn max_positions(&self) -> usize {
        self.embeddings.position_embeddings.weight.dims()[0]
    }

    /// Token states `[batch, tokens, hidden]` of padded id sequences (`pad` true at padding).
    pub fn forward(&self, ids: Tensor<2, Int>, pad: Tensor<2, Bool>) -> Tensor<3> {
        let device = ids.device();
        let [b, t] = ids.dims();
        let positions = Tensor::<1, Int>::arange(0..t as i64, &device).unsqueeze_dim::<2>(0).repeat_dim(0, b);
        let types = Tensor::<2, Int>::zeros([b, t], &device);
        let e = &self.embeddings;
        let x = e.word_embeddings.forward(ids)
            + e.position_embeddings.forward(positions)
            + e.token_type_embeddings.forward(types);
        let x = e.layer_norm.forward(x);
        self.encoder.forward(TransformerEncoderInput::new(x).mask_pad(pad))
    }
}
