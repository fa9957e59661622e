//! API errors: a status plus the JSON body `{ "error": { "code", "message", "detail" } }`.
//! An internal error's own text is never sent: it travels beside the body, is logged with the
//! request id ([`super::request_id`]), and the client reads a generic message quoting that id.

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
    /// What went wrong inside the server (500 only): logged, never sent.
    pub internal: Option<String>,
}

/// An internal error's text, carried in the response's extensions from [`ApiError::into_response`]
/// to [`super::request_id::report_internal_errors`], which logs it.
#[derive(Clone, Debug)]
pub struct InternalDetail(pub String);

/// The message of a 500 whose request id is not known (a handler called outside the router).
const INTERNAL_MESSAGE: &str = "internal error";

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody { code: code.into(), message: message.into(), detail: serde_json::Value::Null },
            retry_after: None,
            internal: None,
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

    /// A 500 whose `detail` (what failed inside, e.g. a file and its I/O error) is logged with
    /// the request id; the client reads only a generic message.
    pub fn internal(detail: impl Into<String>) -> ApiError {
        ApiError {
            internal: Some(detail.into()),
            ..ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL, INTERNAL_MESSAGE)
        }
    }

    /// Logs an internal error at error level with `request_id` and returns what the client
    /// sees: the generic message quoting the id (`detail.request_id`). Other errors pass
    /// unchanged.
    pub fn reported(self, request_id: &str) -> ApiError {
        let Some(detail) = &self.internal else { return self };
        tracing::error!(request_id, status = self.status.as_u16(), "{detail}");
        ApiError::new(
            self.status,
            codes::INTERNAL,
            format!("internal error; quote request id {request_id} when reporting it"),
        )
        .with_detail(serde_json::json!({ "request_id": request_id }))
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
        if let Some(detail) = self.internal {
            response.extensions_mut().insert(InternalDetail(detail));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_is_answered_without_its_text() {
        let error = ApiError::internal("reading /srv/models/x/ood.json: Is a directory");
        assert_eq!(error.body.message, "internal error");
        let reported = error.reported("abc-123");
        assert_eq!(reported.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(reported.body.code, codes::INTERNAL);
        assert_eq!(reported.body.message, "internal error; quote request id abc-123 when reporting it");
        assert_eq!(reported.body.detail["request_id"], "abc-123");
        assert!(reported.internal.is_none(), "reported once");
    }

    #[test]
    fn client_errors_pass_unchanged() {
        let error = ApiError::not_found("no share 'x'").reported("abc-123");
        assert_eq!((error.status, error.body.message.as_str()), (StatusCode::NOT_FOUND, "no share 'x'"));
    }
}
