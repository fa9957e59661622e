//! `POST /api/v1/predict`: a crystal (`structure`) through the crystal model, or a molecule
//! (`smiles`) through the molecule models.

use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::ApiJson;
use crate::server::limits::run_blocking;
use crate::server::state::AppState;
use crate::server::{inference, molecule_inference};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use shared::api::{PredictInput, PredictRequest};
use std::time::Instant;

pub async fn predict(State(state): State<AppState>, ApiJson(request): ApiJson<PredictRequest>) -> ApiResult<Response> {
    let started = Instant::now();
    if let PredictInput::Smiles(smiles) = request.input().map_err(ApiError::invalid_request)? {
        let entries = state.registry.resolve_molecules(request.model.as_deref())?;
        let smiles = smiles.to_string();
        let permit = state.gate.acquire().await?;
        let result = run_blocking(permit, move || molecule_inference::predict(&entries, &smiles, started)).await?;
        state.metrics.record_prediction(result.is_ok());
        return result.map(|answer| Json(answer).into_response());
    }
    let (entry, model) = state.registry.resolve(request.model.as_deref())?;
    let permit = state.gate.acquire().await?;
    let limits = state.limits.clone();
    let result = run_blocking(permit, move || inference::predict(&entry, model, &request, &limits, started)).await?;
    state.metrics.record_prediction(result.is_ok());
    result.map(|answer| Json(answer).into_response())
}
