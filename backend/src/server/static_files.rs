//! The built web app (`scripts/build-frontend.sh`'s directory) as static files: names that carry
//! their content hash (`frontend_bg-<16 hex>.wasm`) are cached for a year, everything else —
//! `index.html`, the service worker, the models — is revalidated on every use; brotli and gzip
//! variants written beside a file at build time are sent to clients that accept them. A path
//! that names no file gets `index.html`, so the app's own routes load the app.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

/// `Cache-Control` of a file whose name changes with its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of everything else: kept, but asked about again before each use.
pub const REVALIDATE: &str = "no-cache";

/// The service answering every path no route claims, over `static_dir`.
pub fn service(static_dir: &Path) -> Router {
    let index = ServeFile::new(static_dir.join("index.html")).precompressed_br().precompressed_gzip();
    // The app shell under any path, never cached as the file that path names.
    let shell = Router::new().fallback_service(index).layer(middleware::from_fn(revalidate));
    let files = ServeDir::new(static_dir).precompressed_br().precompressed_gzip().fallback(shell);
    Router::new().fallback_service(files).layer(middleware::from_fn(cache_policy))
}

/// Sets `Cache-Control` by the request's file name, unless the answer already has one.
async fn cache_policy(request: Request, next: Next) -> Response {
    let policy = if is_content_hashed(request.uri().path()) { IMMUTABLE } else { REVALIDATE };
    let mut response = next.run(request).await;
    response.headers_mut().entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static(policy));
    response
}

async fn revalidate(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE));
    response
}

/// Whether the last segment of `path` is `<stem>-<16 lower-case hex digits>.<extension>`, the
/// names `scripts/build-frontend.sh` gives files it hashes.
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, _extension)) = name.split_once('.') else { return false };
    let Some((base, hash)) = stem.rsplit_once('-') else { return false };
    !base.is_empty() && hash.len() == 16 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn hashed_names_are_told_from_plain_ones() {
        assert!(is_content_hashed("/pkg/frontend_bg-0123456789abcdef.wasm"));
        assert!(is_content_hashed("/style-fedcba9876543210.css"));
        assert!(!is_content_hashed("/pkg/frontend_bg.wasm"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/sw.js"));
        assert!(!is_content_hashed("/pkg/frontend_bg-0123456789ABCDEF.wasm"));
        assert!(!is_content_hashed("/pkg/frontend_bg-0123456789abcde.wasm"));
        assert!(!is_content_hashed("/-0123456789abcdef.wasm"));
        assert!(!is_content_hashed("/models/browser/model.bpk"));
    }
}
