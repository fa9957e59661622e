//! Request extractors whose rejections are the API's JSON errors (axum's own are plain text).

use super::error::ApiError;
use super::state::AppState;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use shared::api::codes;

/// `axum::Json` with JSON errors: 415 without a JSON content type, 400 for broken JSON, 422 for
/// valid JSON of the wrong shape, 413 above the body limit.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection, state.limits.max_body_bytes)),
        }
    }
}

fn json_rejection(rejection: JsonRejection, limit: usize) -> ApiError {
    let message = rejection.body_text();
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            codes::UNSUPPORTED_MEDIA_TYPE,
            "send the body as JSON with `Content-Type: application/json`",
        ),
        JsonRejection::JsonSyntaxError(_) => ApiError::new(StatusCode::BAD_REQUEST, codes::INVALID_JSON, message),
        JsonRejection::JsonDataError(_) => ApiError::invalid_request(message),
        JsonRejection::BytesRejection(e) => bytes_rejection(e, limit),
        _ => ApiError::new(StatusCode::BAD_REQUEST, codes::INVALID_JSON, message),
    }
}

/// A body that could not be read: 413 when over `limit`, else 400.
pub fn bytes_rejection(rejection: BytesRejection, limit: usize) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::payload_too_large(limit)
    } else {
        ApiError::new(StatusCode::BAD_REQUEST, codes::INVALID_REQUEST, rejection.body_text())
    }
}
