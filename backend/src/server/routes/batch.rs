//! `POST /api/v1/predict/batch`: results stream in input order as NDJSON lines
//! (`{"index","name","result"}` / `{"index","name","error"}`) or, with `?format=csv`, as CSV rows.
//! Each item runs exactly the code of a single `/predict`; as many items run at once as there are
//! model slots, and lines still leave in input order.

use crate::server::batch_input::{BatchInput, BatchItem};
use crate::server::error::{ApiError, ApiResult};
use crate::server::inference;
use crate::server::limits::run_blocking;
use crate::server::registry::ModelEntry;
use crate::server::request_id::CurrentRequestId;
use crate::server::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;
use shared::api::{BatchLine, BatchOutcome, ModelInfo, PredictRequest, PredictResponse, codes};
use shared::batch;
use std::sync::Arc;
use std::time::Instant;

#[derive(Deserialize)]
pub struct BatchQuery {
    /// `ndjson` (default) or `csv`.
    #[serde(default)]
    format: Option<String>,
    /// Model id for every item (default model when absent).
    #[serde(default)]
    model: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Output {
    Ndjson,
    Csv,
}

pub async fn batch(
    State(state): State<AppState>,
    CurrentRequestId(request_id): CurrentRequestId,
    query: Result<Query<BatchQuery>, QueryRejection>,
    BatchInput(items): BatchInput,
) -> ApiResult<Response> {
    let Query(query) =
        query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, codes::INVALID_REQUEST, e.body_text()))?;
    let output = match query.format.as_deref() {
        None | Some("ndjson") => Output::Ndjson,
        Some("csv") => Output::Csv,
        Some(other) => {
            return Err(ApiError::invalid_request(format!("unknown output format '{other}' (ndjson or csv)")));
        }
    };
    let (entry, model) = state.registry.resolve(query.model.as_deref())?;
    let table = batch::ResultCsv::new(entry.manifest.properties.iter().map(|p| p.name.as_str()));
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(16);
    // Up to one item per model slot runs at once; lines still leave in input order.
    let parallel = state.limits.max_concurrent_predictions.max(1);
    tokio::spawn(async move {
        if output == Output::Csv && tx.send(Bytes::from(table.header())).await.is_err() {
            return;
        }
        let outcomes = futures_util::stream::iter(items.into_iter().enumerate())
            .map(|(index, BatchItem { name, request })| {
                let (state, entry, model) = (state.clone(), entry.clone(), model.clone());
                async move {
                    let outcome = match request {
                        Ok(request) => predict_item(&state, entry, model, request).await,
                        Err(e) => Err(e),
                    };
                    (index, name, outcome)
                }
            })
            .buffered(parallel);
        futures_util::pin_mut!(outcomes);
        while let Some((index, name, outcome)) = outcomes.next().await {
            // The stream has answered 200: an item's internal error is reported here.
            let outcome = outcome.map_err(|e| e.reported(&request_id));
            let line = match output {
                Output::Ndjson => ndjson_line(index, name, outcome),
                Output::Csv => csv_line(&table, &name, &outcome),
            };
            if tx.send(line).await.is_err() {
                return; // the client went away
            }
        }
    });
    // Fused: the gzip layer polls the body once more after its end, which `unfold` forbids.
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|bytes| (Ok::<_, std::convert::Infallible>(bytes), rx))
    })
    .fuse();
    let content_type = match output {
        Output::Ndjson => "application/x-ndjson",
        Output::Csv => "text/csv; charset=utf-8",
    };
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], Body::from_stream(stream)).into_response())
}

/// One item through exactly the code of `/predict`, waiting as long as it takes for a slot.
async fn predict_item(
    state: &AppState,
    entry: Arc<ModelEntry>,
    model: ModelInfo,
    request: PredictRequest,
) -> ApiResult<PredictResponse> {
    let started = Instant::now();
    let limits = state.limits.clone();
    let permit = state.gate.acquire_patiently().await?;
    let result = run_blocking(permit, move || inference::predict(&entry, model, &request, &limits, started))
        .await
        .and_then(|r| r);
    state.metrics.record_prediction(result.is_ok());
    result
}

fn ndjson_line(index: usize, name: String, outcome: ApiResult<PredictResponse>) -> Bytes {
    let outcome = match outcome {
        Ok(response) => BatchOutcome::Result(Box::new(response)),
        Err(e) => BatchOutcome::Error(e.body),
    };
    let mut line = serde_json::to_vec(&BatchLine { index, name, outcome }).unwrap_or_default();
    line.push(b'\n');
    Bytes::from(line)
}

fn csv_line(table: &batch::ResultCsv, name: &str, outcome: &ApiResult<PredictResponse>) -> Bytes {
    let row = match outcome {
        Ok(r) => table.row(
            name,
            Ok(batch::RowValues {
                formula: &r.symmetry.formula,
                space_group: &r.symmetry.space_group.symbol,
                predictions: &r.predictions,
                ood: &r.ood,
                warnings: &r.warnings,
            }),
        ),
        Err(e) => table.row(name, Err(&e.body.message)),
    };
    Bytes::from(row)
}
