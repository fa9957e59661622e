//! `GET /api/v1/models`, `/models/{id}`, `/models/{id}/weights` and `/models/{id}/files/{file}`.

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
    Ok(weights_response(&entry, &headers))
}

/// The bundle laid out as on a static host (`manifest.json`, the weights, the vocabulary and
/// `ood.json`), so the page loads a server model the way it loads its own `models/browser/`.
/// Only those names are served: nothing else in (or outside) the bundle's directory.
pub async fn file(
    State(state): State<AppState>,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let entry = entry(&state, &id)?;
    let m = &entry.manifest;
    if file == m.weights.file {
        return Ok(weights_response(&entry, &headers));
    }
    let listed = file == models::bundle::MANIFEST_FILE
        || file == models::ood::OOD_FILE
        || file == models::neighbours::NEIGHBOURS_FILE
        || file == models::neighbours_info::NEIGHBOURS_INFO_FILE
        || m.vocabulary.iter().any(|v| v.file == file);
    let not_found = || ApiError::not_found(format!("model '{id}' has no file '{file}'"));
    if !listed {
        return Err(not_found());
    }
    let bytes = match tokio::fs::read(entry.dir.join(&file)).await {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(not_found()),
        Err(e) => return Err(ApiError::internal(format!("reading {file} of model '{id}': {e}"))),
    };
    let content_type = if file.ends_with(".json") {
        "application/json"
    } else if file.ends_with(".bin") {
        "application/octet-stream"
    } else {
        "text/plain; charset=utf-8"
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        bytes,
    )
        .into_response())
}

fn weights_response(entry: &ModelEntry, headers: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", entry.manifest.weights.sha256);
    // A sha256 in hex is always a valid header value.
    let cache = [
        (header::ETAG, HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""))),
        (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600, must-revalidate")),
    ];
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == etag || tag.trim() == "*");
    if matches {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    let body = entry.weights.clone();
    (cache, [(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"))], body).into_response()
}

fn entry(state: &AppState, id: &str) -> ApiResult<Arc<ModelEntry>> {
    state.registry.get(id).ok_or_else(|| ApiError::unknown_model(id, state.registry.ids()))
}
