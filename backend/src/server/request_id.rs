//! Request ids and internal errors: every request gets an `x-request-id` (a UUID, or the one a
//! client or proxy sent), every response carries it, and an internal error (500) is logged with
//! it and answered with a body that quotes it and says nothing of what went wrong inside.

use super::error::{ApiError, InternalDetail};
use axum::extract::{FromRequestParts, Request};
use axum::http::Extensions;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};

/// The id given to a request that reached a handler without one (no [`set_layer`] around it).
const UNKNOWN: &str = "unknown";

/// Gives a request without an `x-request-id` header a new UUID (outermost layer).
pub fn set_layer() -> SetRequestIdLayer<MakeRequestUuid> {
    SetRequestIdLayer::x_request_id(MakeRequestUuid)
}

/// Copies the request's `x-request-id` onto its response (inside [`set_layer`]).
pub fn propagate_layer() -> PropagateRequestIdLayer {
    PropagateRequestIdLayer::x_request_id()
}

/// The current request's id, as text (`unknown` outside [`set_layer`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentRequestId(pub String);

impl CurrentRequestId {
    fn from_extensions(extensions: &Extensions) -> CurrentRequestId {
        let id = extensions.get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).unwrap_or(UNKNOWN);
        CurrentRequestId(id.to_string())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentRequestId {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(CurrentRequestId::from_extensions(&parts.extensions))
    }
}

/// Middleware: a response made from an internal [`ApiError`] is logged with the request id and
/// replaced by the generic 500 body quoting that id. Sits inside the compression and CORS
/// layers, so the replacement is the body they see.
pub async fn report_internal_errors(request: Request, next: Next) -> Response {
    let CurrentRequestId(id) = CurrentRequestId::from_extensions(request.extensions());
    let mut response = next.run(request).await;
    match response.extensions_mut().remove::<InternalDetail>() {
        Some(InternalDetail(detail)) => ApiError::internal(detail).reported(&id).into_response(),
        None => response,
    }
}
