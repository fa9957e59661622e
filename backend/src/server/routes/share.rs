//! Share links: `POST /api/v1/share`, `GET /api/v1/share/{id}`, and the page `GET /s/{id}`.

use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::ApiJson;
use crate::server::state::AppState;
use crate::server::static_files::REVALIDATE;
use crate::server::storage::{is_share_id, new_share_id};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::Redirect;
use shared::api::{ShareCreated, ShareState, SharedState};

pub async fn create(
    State(state): State<AppState>,
    ApiJson(share): ApiJson<ShareState>,
) -> ApiResult<(StatusCode, Json<ShareCreated>)> {
    if share.version != ShareState::VERSION {
        return Err(ApiError::invalid_request(format!(
            "share state version {} is not supported (this server writes version {})",
            share.version,
            ShareState::VERSION
        )));
    }
    if share.structure.trim().is_empty() {
        return Err(ApiError::invalid_request("the shared state has no structure"));
    }
    let store = state.store.clone();
    let id = tokio::task::spawn_blocking(move || {
        let id = new_share_id()?;
        store.insert_share(&id, &share).map(|()| id)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
    .map_err(storage_error)?;
    Ok((StatusCode::CREATED, Json(ShareCreated { url: format!("/s/{id}"), id })))
}

pub async fn get(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<SharedState>> {
    let share = load(&state, &id).await?;
    let installed = state.registry.get(&share.model);
    let (model_available, notice) = match installed {
        Some(m) if m.manifest.weights.sha256.eq_ignore_ascii_case(&share.weights_sha256) => (true, None),
        Some(m) => (
            false,
            Some(format!(
                "The model '{}' has new weights (version {}) since this was shared; predictions may differ.",
                share.model, m.manifest.version
            )),
        ),
        None => (false, Some(format!("The model '{}' of this share is no longer installed.", share.model))),
    };
    Ok(Json(SharedState { id, state: share, model_available, notice }))
}

/// Opens the app on the share: a redirect to `/#share=<id>`, which the app reads (asked for
/// again on each visit, as `index.html` is).
pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<([(header::HeaderName, &'static str); 1], Redirect)> {
    load(&state, &id).await?;
    Ok(([(header::CACHE_CONTROL, REVALIDATE)], Redirect::to(&format!("/#share={id}"))))
}

async fn load(state: &AppState, id: &str) -> ApiResult<ShareState> {
    let not_found = || ApiError::not_found(format!("no share '{id}'"));
    if !is_share_id(id) {
        return Err(not_found());
    }
    let (store, key) = (state.store.clone(), id.to_string());
    tokio::task::spawn_blocking(move || store.share(&key))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(storage_error)?
        .ok_or_else(not_found)
}

fn storage_error(e: crate::error::Error) -> ApiError {
    ApiError::internal(format!("the share store failed: {e}"))
}
