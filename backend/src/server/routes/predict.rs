//! `POST /api/v1/predict`.

use crate::server::error::ApiResult;
use crate::server::extract::ApiJson;
use crate::server::inference;
use crate::server::limits::run_blocking;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use shared::api::{PredictRequest, PredictResponse};
use std::time::Instant;

pub async fn predict(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<PredictRequest>,
) -> ApiResult<Json<PredictResponse>> {
    let started = Instant::now();
    let (entry, model) = state.registry.resolve(request.model.as_deref())?;
    let permit = state.gate.acquire().await?;
    let limits = state.limits.clone();
    let result = run_blocking(permit, move || inference::predict(&entry, model, &request, &limits, started)).await?;
    state.metrics.record_prediction(result.is_ok());
    result.map(Json)
}
