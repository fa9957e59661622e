//! What every handler shares: the models, the store, the training jobs, the limits and the
//! counters.

use super::config::{Limits, ServerConfig};
use super::jobs::{JobSettings, Jobs};
use super::limits::InferenceGate;
use super::metrics::Metrics;
use super::registry::Registry;
use super::storage::Store;
use crate::error::{Error, Result};
use models::encoder::LargeEncoder;
use std::path::PathBuf;
use std::sync::Arc;

pub type AppState = Arc<ServerState>;

pub struct ServerState {
    pub registry: Arc<Registry>,
    pub store: Arc<dyn Store>,
    pub jobs: Arc<Jobs>,
    pub limits: Limits,
    pub gate: InferenceGate,
    pub metrics: Arc<Metrics>,
    pub static_dir: PathBuf,
    /// Origins allowed to call the API cross-site (empty: none).
    pub cors_origins: Vec<axum::http::HeaderValue>,
}

/// The embedded database file inside the data directory.
pub use super::storage::DATABASE_FILE;

impl ServerState {
    /// Loads the models and opens (migrating) the database. Interrupted training jobs resume
    /// only once [`Jobs::resume`] is called (in a runtime).
    pub fn new(config: &ServerConfig) -> Result<AppState> {
        let cors_origins = config
            .cors_origins
            .iter()
            .map(|origin| {
                axum::http::HeaderValue::from_str(origin.trim_end_matches('/'))
                    .map_err(|_| Error::CommandLine(format!("--cors-origin '{origin}' is not a valid origin")))
            })
            .collect::<Result<Vec<_>>>()?;
        let device = config.device.device()?;
        let encoder = match LargeEncoder::load(&config.encoder_dir, &device) {
            Ok(encoder) => {
                tracing::info!(encoder = %encoder.reference(), "large text encoder loaded");
                Some(Arc::new(encoder))
            }
            Err(e) => {
                tracing::warn!("/api/v1/embed disabled: {e}");
                None
            }
        };
        let frozen_encoder = encoder.is_some();
        let registry = Arc::new(Registry::load(&config.model_dirs, encoder, &device));
        let store: Arc<dyn Store> =
            super::storage::open(config.database_url.as_ref().map(|url| url.0.as_str()), &config.data_dir)?;
        let metrics = Arc::new(Metrics::default());
        let settings = JobSettings {
            data_dir: config.data_dir.clone(),
            encoder_dir: config.encoder_dir.clone(),
            frozen_encoder,
            device: config.device,
            max_jobs: config.max_jobs,
            admin_token: config.admin_token.clone(),
            lease: config.job_lease,
        };
        let jobs = Arc::new(Jobs::new(settings, store.clone(), registry.clone(), metrics.clone())?);
        Ok(Arc::new(ServerState {
            registry,
            store,
            jobs,
            gate: InferenceGate::new(config.limits.max_concurrent_predictions, config.limits.queue_wait),
            limits: config.limits.clone(),
            metrics,
            static_dir: config.static_dir.clone(),
            cors_origins,
        }))
    }
}
