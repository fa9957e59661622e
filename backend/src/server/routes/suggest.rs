//! `POST /api/v1/suggest?k=&property=&model=`: the uploaded pool (any body the batch endpoint
//! accepts: multipart files, a zip archive, a `text/csv` table, a JSON array of `/predict`
//! bodies with an optional `name`) ranked by the committee's disagreement, the same answer as
//! `matfuse suggest --json` (`crate::suggest`). The pool is ranked as a whole within the
//! request's time limit, so it is bounded ([`MAX_POOL`]).

use crate::error::Error;
use crate::server::batch_input::{BatchInput, BatchItem};
use crate::server::error::{ApiError, ApiResult};
use crate::server::limits::run_blocking;
use crate::server::state::AppState;
use crate::suggest::DEFAULT_PROPERTY;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use shared::api::{SuggestResponse, codes};
use shared::batch::TableItem;

/// The most structures one pool may hold (~10 s for the `browser` model on two cores).
pub const MAX_POOL: usize = 1_000;
/// Structures suggested when `k` is not given.
const DEFAULT_K: usize = 50;

#[derive(Deserialize)]
pub struct SuggestQuery {
    /// How many structures to suggest (default 50).
    #[serde(default)]
    k: Option<usize>,
    /// The property the committee is asked about (default formation energy).
    #[serde(default)]
    property: Option<String>,
    /// Model id (default model when absent).
    #[serde(default)]
    model: Option<String>,
}

pub async fn suggest(
    State(state): State<AppState>,
    query: Result<Query<SuggestQuery>, QueryRejection>,
    BatchInput(items): BatchInput,
) -> ApiResult<Json<SuggestResponse>> {
    let Query(query) =
        query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, codes::INVALID_REQUEST, e.body_text()))?;
    if items.len() > MAX_POOL {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::BATCH_TOO_LARGE,
            format!("the pool has {} structures, more than the limit of {MAX_POOL}", items.len()),
        )
        .with_detail(serde_json::json!({ "items": items.len(), "limit": MAX_POOL })));
    }
    let k = query.k.unwrap_or(DEFAULT_K);
    if k == 0 {
        return Err(ApiError::invalid_request("`k` must be at least 1"));
    }
    let (entry, model) = state.registry.resolve(query.model.as_deref())?;
    let property = query.property.unwrap_or_else(|| DEFAULT_PROPERTY.to_string());
    let pool: Vec<TableItem> = items
        .into_iter()
        .map(|BatchItem { name, request }| TableItem {
            name,
            structure: request.map(|r| (r.structure.unwrap_or_default(), r.format)).map_err(|e| e.body.message),
        })
        .collect();
    let max_atoms = state.limits.max_atoms;
    let permit = state.gate.acquire().await?;
    let answer = run_blocking(permit, move || {
        crate::suggest::suggest(&entry.predictor, model, entry.ood.as_ref(), &pool, &property, k, max_atoms)
    })
    .await?;
    answer.map(Json).map_err(|e| match e {
        Error::UnknownProperty { .. } | Error::CommandLine(_) => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, codes::INVALID_REQUEST, e.to_string())
        }
        other => ApiError::internal(other.to_string()),
    })
}
