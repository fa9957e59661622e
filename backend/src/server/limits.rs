//! Protection for the CPU-bound model: a bounded pool of model slots that queues briefly, then
//! answers 503 with `Retry-After`; and the whole-request timeout.

use super::error::{ApiError, ApiResult};
use super::state::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Model evaluations allowed at once.
pub struct InferenceGate {
    slots: Arc<Semaphore>,
    wait: Duration,
}

impl InferenceGate {
    pub fn new(slots: usize, wait: Duration) -> InferenceGate {
        InferenceGate { slots: Arc::new(Semaphore::new(slots.max(1))), wait }
    }

    /// A slot, waiting at most the configured time (an interactive request).
    pub async fn acquire(&self) -> ApiResult<OwnedSemaphorePermit> {
        match tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(ApiError::overloaded(self.wait.as_secs().max(1))),
        }
    }

    /// A slot, however long it takes (the items of a batch whose stream has started).
    pub async fn acquire_patiently(&self) -> ApiResult<OwnedSemaphorePermit> {
        self.slots.clone().acquire_owned().await.map_err(|_| ApiError::internal("the model pool is closed"))
    }
}

/// Runs `work` on a blocking thread while holding `permit`.
pub async fn run_blocking<T: Send + 'static>(
    permit: OwnedSemaphorePermit,
    work: impl FnOnce() -> T + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await
    .map_err(|e| ApiError::internal(format!("the model task failed: {e}")))
}

/// Answers 408 when a request takes longer than the configured timeout (for a batch: until its
/// stream starts). Work already on a blocking thread finishes and frees its slot.
pub async fn request_timeout(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = state.limits.request_timeout;
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            shared::api::codes::TIMEOUT,
            format!("the request took longer than the limit of {} s", limit.as_secs_f64()),
        )
        .with_detail(serde_json::json!({ "limit_seconds": limit.as_secs_f64() }))
        .into_response(),
    }
}
