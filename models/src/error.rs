//! The one error type of the `models` crate.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },

    #[error("{path}: invalid manifest: {message}")]
    Manifest { path: PathBuf, message: String },

    #[error("{path}: sha256 is {actual}, the manifest says {expected} (file corrupted or replaced)")]
    Checksum { path: PathBuf, expected: String, actual: String },

    #[error("model '{model}' was trained with text encoder {expected}, but {actual} is installed")]
    EncoderMismatch { model: String, expected: String, actual: String },

    #[error("vocabulary: {0}")]
    Vocabulary(String),

    #[error("model weights: {0}")]
    Weights(String),

    #[error("{0}")]
    Config(String),

    #[error("unknown fusion variant '{0}' (one of {names})", names = crate::nn::fusion::FusionKind::names())]
    UnknownFusion(String),

    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
