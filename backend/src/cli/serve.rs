//! `matfuse serve` options (flags or `MATFUSE_*` environment variables).

use crate::server::jobs::auth::AdminToken;
use crate::server::tls::TlsFiles;
use crate::server::{Limits, ServerConfig};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "MATFUSE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Database and trained models (`<data-dir>/models/<id>/`).
    #[arg(long, env = "MATFUSE_DATA_DIR", default_value = ".matfuse/data")]
    pub data_dir: PathBuf,
    /// Directory with the built web app (index.html, pkg/).
    #[arg(long, env = "MATFUSE_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,
    /// Directory of shipped model bundles (searched before `<data-dir>/models`).
    #[arg(long, env = "MATFUSE_MODELS_DIR", default_value = "models/weights")]
    pub models_dir: PathBuf,
    /// Most atoms per structure.
    #[arg(long, env = "MATFUSE_MAX_ATOMS", default_value_t = Limits::default().max_atoms)]
    pub max_atoms: usize,
    /// Most structures per batch request.
    #[arg(long, env = "MATFUSE_MAX_BATCH", default_value_t = Limits::default().max_batch_items)]
    pub max_batch: usize,
    /// Model evaluations at once (default: the number of CPUs).
    #[arg(long, env = "MATFUSE_WORKERS")]
    pub workers: Option<usize>,
    /// Request timeout, seconds.
    #[arg(long, env = "MATFUSE_TIMEOUT", default_value_t = 30.0)]
    pub timeout: f64,
    /// The large text encoder (a Hugging Face BERT directory) for `/embed` and `server` models.
    #[arg(long, env = "MATFUSE_ENCODER_DIR", default_value = models::encoder::DEFAULT_ENCODER_DIR)]
    pub encoder_dir: PathBuf,
    /// Where models run: cpu (default), wgpu or cuda (GPU backends need a build with that feature).
    #[arg(long, env = "MATFUSE_DEVICE", default_value = "cpu")]
    pub device: models::device::DeviceChoice,
    /// An origin (e.g. https://course.example.org) allowed to call the API from its pages;
    /// repeatable or comma-separated. Default: none (cross-origin calls are refused).
    #[arg(long = "cors-origin", env = "MATFUSE_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Operator token for the training-job endpoints (`Authorization: Bearer <token>`).
    /// Without one the job endpoints answer 403.
    #[arg(long, env = "MATFUSE_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,
    /// Training jobs at once; more wait in the queue.
    #[arg(long, env = "MATFUSE_MAX_JOBS", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub max_jobs: u16,
    /// PEM certificate (chain) to serve https instead of http; needs --tls-key.
    #[arg(long, env = "MATFUSE_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "MATFUSE_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// PostgreSQL shared by several replicas (postgres://user:password@host:port/database);
    /// they must also share --data-dir (uploads, checkpoints, trained models). Default: the
    /// embedded SQLite file in --data-dir, for one server.
    #[arg(long, env = "MATFUSE_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Seconds a training job stays a replica's without renewing its lease; after a replica
    /// dies, another takes its jobs over within this time.
    #[arg(long, env = "MATFUSE_JOB_LEASE", default_value_t = crate::server::config::DEFAULT_JOB_LEASE.as_secs(), value_parser = clap::value_parser!(u64).range(3..))]
    pub job_lease: u64,
}

impl ServeArgs {
    pub fn config(&self) -> ServerConfig {
        let mut config = ServerConfig::new(self.addr, self.data_dir.clone(), self.static_dir.clone());
        config.model_dirs[0] = self.models_dir.clone();
        config.encoder_dir = self.encoder_dir.clone();
        config.device = self.device;
        config.cors_origins = self.cors_origins.clone();
        config.admin_token = self.admin_token.as_deref().and_then(AdminToken::new);
        config.max_jobs = usize::from(self.max_jobs);
        config.tls = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert: cert.clone(), key: key.clone() }),
            _ => None,
        };
        config.database_url = self.database_url.clone().map(crate::server::config::DatabaseUrl);
        config.job_lease = Duration::from_secs(self.job_lease);
        let defaults = Limits::default();
        config.limits = Limits {
            max_atoms: self.max_atoms,
            max_batch_items: self.max_batch,
            max_concurrent_predictions: self.workers.unwrap_or(defaults.max_concurrent_predictions),
            request_timeout: Duration::try_from_secs_f64(self.timeout).unwrap_or(defaults.request_timeout),
            ..defaults
        };
        config
    }
}
