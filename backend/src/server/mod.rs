//! The HTTP server: the prediction API under `/api/v1/`, share links, health and metrics, and
//! the built web app at `/` (see README: API, ARCHITECTURE.md: server).

pub mod batch_input;
pub mod config;
pub mod error;
pub mod extract;
pub mod inference;
pub mod jobs;
pub mod limits;
pub mod metrics;
pub mod molecule_inference;
pub mod registry;
pub mod request_id;
pub mod routes;
pub mod security_headers;
pub mod state;
pub mod static_files;
pub mod storage;
pub mod tls;

use crate::error::{Error, Result};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
pub use config::{Limits, ServerConfig};
use routes::{batch, embed, jobs as job_routes, models, predict, share, suggest, system};
pub use state::{AppState, ServerState};

/// The application router.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/api/v1/predict", post(predict::predict))
        .route(
            "/api/v1/predict/batch",
            post(batch::batch).layer(DefaultBodyLimit::max(state.limits.max_batch_body_bytes)),
        )
        .route(
            "/api/v1/suggest",
            post(suggest::suggest).layer(DefaultBodyLimit::max(state.limits.max_batch_body_bytes)),
        )
        .route("/api/v1/embed", post(embed::embed))
        .route("/api/v1/models", get(models::list))
        .route("/api/v1/models/{id}", get(models::detail))
        .route("/api/v1/models/{id}/weights", get(models::weights))
        .route("/api/v1/models/{id}/files/{file}", get(models::file))
        .route(
            "/api/v1/jobs",
            get(job_routes::list)
                .post(job_routes::create)
                .layer(DefaultBodyLimit::max(state.limits.max_job_body_bytes)),
        )
        .route("/api/v1/jobs/{id}", get(job_routes::get).delete(job_routes::cancel))
        .route("/api/v1/jobs/{id}/events", get(job_routes::events))
        .route("/api/v1/share", post(share::create))
        .route("/api/v1/share/{id}", get(share::get))
        .route("/api/v1/{*rest}", any(system::api_not_found))
        .route("/healthz", get(system::healthz))
        .route("/metrics", get(system::metrics))
        .route("/s/{id}", get(share::page))
        .method_not_allowed_fallback(system::method_not_allowed);
    let cors = cors_layer(&state.cors_origins);
    api.layer(DefaultBodyLimit::max(state.limits.max_body_bytes))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), limits::request_timeout))
        .fallback_service(static_files::service(&state.static_dir))
        .layer(axum::middleware::from_fn(request_id::report_internal_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(cors)
        .layer(request_id::propagate_layer())
        .layer(request_id::set_layer())
        .layer(axum::middleware::from_fn(security_headers::add))
        .with_state(state)
}

/// Cross-origin calls: none unless origins are configured (`--cors-origin`), then those
/// origins may call the API with JSON or binary bodies.
fn cors_layer(origins: &[axum::http::HeaderValue]) -> tower_http::cors::CorsLayer {
    use axum::http::{Method, header};
    let layer = tower_http::cors::CorsLayer::new();
    if origins.is_empty() {
        return layer;
    }
    layer
        .allow_origin(origins.to_vec())
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
}

/// Runs the server until Ctrl-C.
pub fn serve(config: ServerConfig) -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    if !config.static_dir.join("index.html").is_file() {
        return Err(Error::MissingFile {
            path: config.static_dir.join("index.html"),
            needed_for: "the web app; build it first (scripts/build-frontend.sh) or pass --static-dir".into(),
        });
    }
    let state = ServerState::new(&config)?;
    if state.registry.is_empty() {
        tracing::warn!("no model bundles found in {:?}: prediction endpoints will answer 404", config.model_dirs);
    }
    if !state.jobs.enabled() {
        tracing::info!("training jobs disabled (no --admin-token / MATFUSE_ADMIN_TOKEN)");
    }
    let runtime = tokio::runtime::Runtime::new().map_err(Error::Serve)?;
    runtime.block_on(async move {
        let unfinished = state.jobs.resume()?;
        if unfinished > 0 {
            tracing::info!("{unfinished} unfinished training job(s): resumed here or on another replica");
        }
        let tls = match &config.tls {
            Some(files) => Some(files.load().await?),
            None => None,
        };
        let listener = std::net::TcpListener::bind(config.addr).map_err(Error::Serve)?;
        listener.set_nonblocking(true).map_err(Error::Serve)?;
        let addr = listener.local_addr().map_err(Error::Serve)?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        tracing::info!(
            "matfuse serving {} on {scheme}://{addr} (data in {})",
            config.static_dir.display(),
            config.data_dir.display()
        );
        let jobs = state.jobs.clone();
        let service = app(state).layer(tower_http::trace::TraceLayer::new_for_http()).into_make_service();
        let served = match tls {
            // Requests in flight get 30 s to finish after the signal.
            Some(tls) => {
                let handle = axum_server::Handle::new();
                let on_signal = handle.clone();
                tokio::spawn(async move {
                    shutdown_signal().await;
                    on_signal.graceful_shutdown(Some(std::time::Duration::from_secs(30)));
                });
                axum_server::from_tcp_rustls(listener, tls).map_err(Error::Serve)?.handle(handle).serve(service).await
            }
            None => {
                let listener = tokio::net::TcpListener::from_std(listener).map_err(Error::Serve)?;
                axum::serve(listener, service).with_graceful_shutdown(shutdown_signal()).await
            }
        }
        .map_err(Error::Serve);
        // Trainings stop at their next epoch boundary (checkpointed) and resume on the next start.
        tracing::info!("stopping training jobs at their next checkpoint");
        jobs.shutdown().await;
        served
    })
}

/// Ctrl-C, or SIGTERM on Unix (what service managers send).
async fn shutdown_signal() {
    let terminate = async {
        #[cfg(unix)]
        if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            term.recv().await;
            return;
        }
        std::future::pending::<()>().await
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}
