//! The HTTP server: serves the built web app (the API arrives with the backend issue).

use crate::error::{Error, Result};
use axum::Router;
use axum::routing::get;
use std::net::SocketAddr;
use std::path::PathBuf;
use tower_http::services::{ServeDir, ServeFile};

/// The application router: `/healthz` and the static web app with `index.html` as fallback.
pub fn app(static_dir: PathBuf) -> Router {
    let index = static_dir.join("index.html");
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .fallback_service(ServeDir::new(&static_dir).fallback(ServeFile::new(index)))
        .layer(tower_http::compression::CompressionLayer::new())
}

pub fn serve(addr: SocketAddr, static_dir: PathBuf) -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    if !static_dir.join("index.html").is_file() {
        return Err(Error::Usage(format!(
            "{} has no index.html: build the web app first (scripts/build-frontend.sh) or pass --static-dir",
            static_dir.display()
        )));
    }
    let runtime = tokio::runtime::Runtime::new().map_err(Error::Serve)?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(Error::Serve)?;
        tracing::info!("matfuse serving {} on http://{addr}", static_dir.display());
        axum::serve(listener, app(static_dir))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(Error::Serve)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    #[tokio::test]
    async fn serves_health_and_index_fallback() {
        let dir = std::env::temp_dir().join(format!("matfuse-static-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<html>matfuse</html>").unwrap();
        let health = app(dir.clone()).oneshot(Request::get("/healthz").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(health.status(), StatusCode::OK);
        let page = app(dir.clone()).oneshot(Request::get("/some/route").body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let body = axum::body::to_bytes(page.into_body(), 1 << 20).await.unwrap();
        assert_eq!(&body[..], b"<html>matfuse</html>");
        std::fs::remove_dir_all(dir).ok();
    }
}
