//! Headers every response carries: a Content-Security-Policy under which the page runs only its
//! own scripts and WebAssembly (no inline or injected script, no foreign origin), no MIME
//! sniffing, and no `Referer` sent from the page.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The page's policy: scripts and WebAssembly from its own origin only (`'wasm-unsafe-eval'`
/// lets it compile WebAssembly, nothing else); style attributes are allowed (the bars and
/// colour swatches are drawn with them), style sheets only from the origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
     worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// What the page's links tell other sites: nothing.
pub const REFERRER_POLICY: &str = "no-referrer";

/// Adds the headers to a response that does not set them itself.
pub async fn add(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &'static str); 3] = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, REFERRER_POLICY),
    ];
    for (name, value) in fixed {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    response
}
