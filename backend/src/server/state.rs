//! What every handler shares: the models, the store, the limits and the counters.

use super::config::{Limits, ServerConfig};
use super::limits::InferenceGate;
use super::metrics::Metrics;
use super::registry::Registry;
use super::storage::{SqliteStore, Store};
use crate::error::Result;
use std::path::PathBuf;
use std::sync::Arc;

pub type AppState = Arc<ServerState>;

pub struct ServerState {
    pub registry: Registry,
    pub store: Arc<dyn Store>,
    pub limits: Limits,
    pub gate: InferenceGate,
    pub metrics: Metrics,
    pub static_dir: PathBuf,
}

/// The database file inside the data directory.
pub const DATABASE_FILE: &str = "matfuse.sqlite";

impl ServerState {
    /// Loads the models and opens (migrating) the database.
    pub fn new(config: &ServerConfig) -> Result<AppState> {
        let registry = Registry::load(&config.model_dirs, &burn::prelude::Device::flex());
        let store = Arc::new(SqliteStore::open(&config.data_dir.join(DATABASE_FILE))?);
        Ok(Arc::new(ServerState {
            registry,
            store,
            gate: InferenceGate::new(config.limits.max_concurrent_predictions, config.limits.queue_wait),
            limits: config.limits.clone(),
            metrics: Metrics::default(),
            static_dir: config.static_dir.clone(),
        }))
    }
}
