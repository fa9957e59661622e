//! API errors: a status plus the JSON body `{ "error": { "code", "message", "detail" } }`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::api::{self, ErrorBody, codes};

/// Error codes of the training-job endpoints (beside [`shared::api::codes`]).
pub mod job_codes {
    /// 403: no operator token is configured, so the job endpoints are off.
    pub const JOBS_DISABLED: &str = "jobs_disabled";
    /// 401: the `Authorization: Bearer` token is missing or wrong.
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// 400: the training configuration is not valid.
    pub const INVALID_CONFIG: &str = "invalid_config";
    /// 400: the uploaded table is not usable for training.
    pub const INVALID_DATASET: &str = "invalid_dataset";
    /// 409: the job has already ended.
    pub const JOB_ENDED: &str = "job_ended";
    /// 503: this server cannot train (no text vocabulary installed).
    pub const JOBS_UNAVAILABLE: &str = "jobs_unavailable";
}

/// An error the API answers with.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    /// Seconds for `Retry-After` (503 only).
    pub retry_after: Option<u64>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody { code: code.into(), message: message.into(), detail: serde_json::Value::Null },
            retry_after: None,
        }
    }

    pub fn with_detail(mut self, detail: serde_json::Value) -> ApiError {
        self.body.detail = detail;
        self
    }

    pub fn invalid_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, codes::INVALID_REQUEST, message)
    }

    pub fn not_found(what: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, what)
    }

    pub fn unknown_model(id: &str, known: Vec<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, codes::UNKNOWN_MODEL, format!("no model '{id}' is installed"))
            .with_detail(serde_json::json!({ "model": id, "available": known }))
    }

    pub fn payload_too_large(limit: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            codes::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than the limit of {limit} bytes"),
        )
        .with_detail(serde_json::json!({ "limit_bytes": limit }))
    }

    pub fn overloaded(retry_after: u64) -> ApiError {
        let mut e = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            codes::OVERLOADED,
            "all model slots are busy; retry shortly",
        );
        e.retry_after = Some(retry_after);
        e
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL, message)
    }
}

/// A structure that cannot be read or analysed: 422, with the parser's line where it has one.
impl From<shared::Error> for ApiError {
    fn from(e: shared::Error) -> ApiError {
        match &e {
            shared::Error::TooManyAtoms { natoms, max } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, codes::TOO_MANY_ATOMS, e.to_string())
                    .with_detail(serde_json::json!({ "natoms": natoms, "limit": max }))
            }
            _ => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, codes::INVALID_STRUCTURE, e.to_string())
                .with_detail(serde_json::to_value(&e).unwrap_or_else(|_| serde_json::json!({ "line": e.line() }))),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(api::ApiError { error: self.body })).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
