//! `GET /api/v1/models`, `/models/{id}` and `/models/{id}/weights`.

use crate::server::error::{ApiError, ApiResult};
use crate::server::registry::ModelEntry;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::api::{ModelDetail, ModelList};
use std::sync::Arc;

pub async fn list(State(state): State<AppState>) -> Json<ModelList> {
    Json(state.registry.list())
}

pub async fn detail(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<ModelDetail>> {
    Ok(Json(entry(&state, &id)?.detail()))
}

/// The weights file with `ETag` = its sha256; `If-None-Match` with that tag answers 304.
pub async fn weights(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> ApiResult<Response> {
    let entry = entry(&state, &id)?;
    let etag = format!("\"{}\"", entry.manifest.weights.sha256);
    let cache = [
        (header::ETAG, HeaderValue::from_str(&etag).map_err(|e| ApiError::internal(e.to_string()))?),
        (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600, must-revalidate")),
    ];
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == etag || tag.trim() == "*");
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    let body = entry.weights.clone();
    Ok((cache, [(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"))], body).into_response())
}

fn entry(state: &AppState, id: &str) -> ApiResult<Arc<ModelEntry>> {
    state.registry.get(id).ok_or_else(|| ApiError::unknown_model(id, state.registry.ids()))
}
