//! Server configuration: addresses, directories and the limits that protect the server.

use super::jobs::auth::AdminToken;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The model that answers when a request names none.
pub const DEFAULT_MODEL: &str = "server";
/// What answers when [`DEFAULT_MODEL`] is not installed.
pub const FALLBACK_MODEL: &str = "browser";

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub addr: SocketAddr,
    /// Database and trained models (`<data_dir>/models/<id>/`).
    pub data_dir: PathBuf,
    /// The built web app (index.html, pkg/).
    pub static_dir: PathBuf,
    /// Directories whose subdirectories are model bundles, searched in order (first id wins).
    pub model_dirs: Vec<PathBuf>,
    /// The large text encoder (Hugging Face BERT directory) behind `/embed` and `server` models.
    pub encoder_dir: PathBuf,
    /// Where models and the encoder run.
    pub device: models::device::DeviceChoice,
    /// Origins allowed to call the API from another site (CORS); empty = closed.
    pub cors_origins: Vec<String>,
    pub limits: Limits,
    /// Operator token of the training-job endpoints; `None` disables them.
    pub admin_token: Option<AdminToken>,
    /// Training jobs at once (the rest queue).
    pub max_jobs: usize,
    /// Serve https with this certificate and key instead of http.
    pub tls: Option<super::tls::TlsFiles>,
    /// PostgreSQL shared by several replicas; `None`: the embedded SQLite file in `data_dir`.
    pub database_url: Option<DatabaseUrl>,
    /// How long a training job stays this replica's without a lease renewal (renewed every
    /// third of it): after a replica dies, another takes its job over within this time.
    pub job_lease: Duration,
}

/// A `postgres://user:password@host:port/database` URL; its `Debug` form hides it (password).
#[derive(Clone)]
pub struct DatabaseUrl(pub String);

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DatabaseUrl([redacted])")
    }
}

/// The default [`ServerConfig::job_lease`].
pub const DEFAULT_JOB_LEASE: Duration = Duration::from_secs(30);

/// Limits on what one request may ask; each rejection is a JSON error with its own status.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Body of `/predict` and `/share` (bytes).
    pub max_body_bytes: usize,
    /// Body of `/predict/batch` (bytes).
    pub max_batch_body_bytes: usize,
    /// Body of a training-job submission, upload included (bytes).
    pub max_job_body_bytes: usize,
    /// Atoms per structure (after symmetry expansion), interactive and batch.
    pub max_atoms: usize,
    /// Structures per batch.
    pub max_batch_items: usize,
    /// Characters of a user description.
    pub max_text_chars: usize,
    /// Whole request, headers to response (a batch: until its stream starts).
    pub request_timeout: Duration,
    /// Model evaluations running at once (each on a blocking thread).
    pub max_concurrent_predictions: usize,
    /// How long a request waits for a model slot before a 503 with `Retry-After`. Long enough that
    /// a class predicting at once (32 requests on 2 slots, ~5 s in line on a loaded 2-core
    /// machine) queues rather than fails; shorter than `request_timeout`.
    pub queue_wait: Duration,
    /// What one zip archive in a batch may unpack into.
    pub unpack: shared::batch::UnpackLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 2 << 20,
            max_batch_body_bytes: 64 << 20,
            max_job_body_bytes: 512 << 20,
            max_atoms: 1000,
            max_batch_items: 10_000,
            max_text_chars: 20_000,
            request_timeout: Duration::from_secs(30),
            max_concurrent_predictions: std::thread::available_parallelism().map_or(2, |n| n.get()),
            queue_wait: Duration::from_secs(20),
            unpack: shared::batch::UnpackLimits::default(),
        }
    }
}

impl ServerConfig {
    /// Defaults for a checkout: models from `models/weights`, data in `.matfuse/data`.
    pub fn new(addr: SocketAddr, data_dir: PathBuf, static_dir: PathBuf) -> ServerConfig {
        let model_dirs = vec![PathBuf::from("models/weights"), data_dir.join("models")];
        ServerConfig {
            addr,
            data_dir,
            static_dir,
            model_dirs,
            encoder_dir: models::encoder::default_encoder_dir(),
            device: models::device::DeviceChoice::Cpu,
            cors_origins: Vec::new(),
            limits: Limits::default(),
            admin_token: None,
            max_jobs: 1,
            tls: None,
            database_url: None,
            job_lease: DEFAULT_JOB_LEASE,
        }
    }
}
