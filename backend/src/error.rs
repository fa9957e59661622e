//! The one error type of the `matfuse` binary.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Structure(#[from] shared::Error),

    #[error("{0}")]
    Model(#[from] models::Error),

    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },

    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },

    #[error("{path}: {message}")]
    Table { path: PathBuf, message: String },

    #[error("server: {0}")]
    Serve(std::io::Error),

    #[error("database {path}: {message}")]
    Storage { path: PathBuf, message: String },

    #[error("{0}")]
    Usage(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
