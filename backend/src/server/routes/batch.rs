//! `POST /api/v1/predict/batch`: results stream in input order as NDJSON lines
//! (`{"index","name","result"}` / `{"index","name","error"}`) or, with `?format=csv`, as CSV rows.
//! Each item runs exactly the code of a single `/predict`; as many items run at once as there are
//! model slots, and lines still leave in input order. A batch of SMILES (a table with a `smiles`
//! column, or a JSON array of `{"smiles"}` bodies) is answered by the molecule models: each line's
//! `result` is then the single `/predict`'s molecule answer, and the CSV has
//! `shared::batch::MoleculeResultCsv`'s columns.

use crate::server::batch_input::{BatchInput, BatchItem};
use crate::server::error::{ApiError, ApiResult};
use crate::server::limits::run_blocking;
use crate::server::registry::ModelEntry;
use crate::server::registry::MoleculeEntry;
use crate::server::request_id::CurrentRequestId;
use crate::server::state::AppState;
use crate::server::{inference, molecule_inference};
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::Deserialize;
use serde::Serialize;
use shared::api::{
    BatchLine, BatchOutcome, ModelInfo, MoleculePredictResponse, PredictInput, PredictRequest, PredictResponse, codes,
};
use shared::batch;
use shared::task::Task;
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
    if holds_smiles(&items) {
        return molecule_batch(state, request_id, query.model.as_deref(), items, output);
    }
    let (entry, model) = state.registry.resolve(query.model.as_deref())?;
    let table = batch::ResultCsv::new(entry.manifest.properties.iter().map(|p| p.name.as_str()));
    let header = table.header();
    let predict = {
        let state = state.clone();
        move |request: PredictRequest| {
            let (state, entry, model) = (state.clone(), entry.clone(), model.clone());
            async move { predict_item(&state, entry, model, request).await }
        }
    };
    let csv_row =
        move |name: &str, _: Option<&str>, outcome: &ApiResult<PredictResponse>| crystal_csv_row(&table, name, outcome);
    Ok(stream_lines(state, request_id, items, output, header, predict, csv_row))
}

/// Whether the batch is one of SMILES: its first readable item asks about a SMILES.
fn holds_smiles(items: &[BatchItem]) -> bool {
    items
        .iter()
        .find_map(|item| item.request.as_ref().ok())
        .is_some_and(|request| matches!(request.input(), Ok(PredictInput::Smiles(_))))
}

/// A batch of SMILES, each through exactly the code of a single `/predict` with `smiles`
/// (every molecule model, or the one `model` names).
fn molecule_batch(
    state: AppState,
    request_id: String,
    model: Option<&str>,
    items: Vec<BatchItem>,
    output: Output,
) -> ApiResult<Response> {
    let entries = state.registry.resolve_molecules(model)?;
    let tasks: Vec<(&str, &[&Task])> =
        entries.iter().map(|entry| (entry.manifest.id.as_str(), entry.predictor.tasks())).collect();
    let table = batch::MoleculeResultCsv::new(&tasks);
    let header = table.header();
    let predict = {
        let state = state.clone();
        move |request: PredictRequest| {
            let (state, entries) = (state.clone(), entries.clone());
            async move { predict_molecule_item(&state, entries, request).await }
        }
    };
    let csv_row = move |name: &str, smiles: Option<&str>, outcome: &ApiResult<MoleculePredictResponse>| {
        let smiles = smiles.unwrap_or_default();
        match outcome {
            Ok(answer) => table.row(name, &answer.molecule.smiles, Ok(&answer.predictions)),
            Err(e) => table.row(name, smiles, Err(&e.body.message)),
        }
    };
    Ok(stream_lines(state, request_id, items, output, header, predict, csv_row))
}

/// The response streaming each item's answer from `predict` in input order, as NDJSON lines or
/// as CSV rows (`csv_header`, then `csv_row` of each item's name, SMILES if it has one, and
/// answer).
fn stream_lines<R, P, F, C>(
    state: AppState,
    request_id: String,
    items: Vec<BatchItem>,
    output: Output,
    csv_header: String,
    predict: P,
    csv_row: C,
) -> Response
where
    R: Serialize + Send + 'static,
    P: Fn(PredictRequest) -> F + Send + 'static,
    F: Future<Output = ApiResult<R>> + Send,
    C: Fn(&str, Option<&str>, &ApiResult<R>) -> String + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(16);
    // Up to one item per model slot runs at once; lines still leave in input order.
    let parallel = state.limits.max_concurrent_predictions.max(1);
    tokio::spawn(async move {
        if output == Output::Csv && tx.send(Bytes::from(csv_header)).await.is_err() {
            return;
        }
        let outcomes = futures_util::stream::iter(items.into_iter().enumerate())
            .map(move |(index, BatchItem { name, request })| {
                let smiles = request.as_ref().ok().and_then(|r| r.smiles.clone());
                let answer = request.map(&predict);
                async move {
                    let outcome = match answer {
                        Ok(answer) => answer.await,
                        Err(e) => Err(e),
                    };
                    (index, name, smiles, outcome)
                }
            })
            .buffered(parallel);
        futures_util::pin_mut!(outcomes);
        while let Some((index, name, smiles, outcome)) = outcomes.next().await {
            // The stream has answered 200: an item's internal error is reported here.
            let outcome = outcome.map_err(|e| e.reported(&request_id));
            let line = match output {
                Output::Ndjson => ndjson_line(index, name, outcome),
                Output::Csv => Bytes::from(csv_row(&name, smiles.as_deref(), &outcome)),
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
    ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], Body::from_stream(stream)).into_response()
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

/// One SMILES item through exactly the code of `/predict` with `smiles`, waiting as long as it
/// takes for a slot; a structure item in a batch of SMILES is refused.
async fn predict_molecule_item(
    state: &AppState,
    entries: Vec<Arc<MoleculeEntry>>,
    request: PredictRequest,
) -> ApiResult<MoleculePredictResponse> {
    let started = Instant::now();
    let smiles = match request.input().map_err(ApiError::invalid_request)? {
        PredictInput::Smiles(smiles) => smiles.to_string(),
        PredictInput::Structure(_) => {
            return Err(ApiError::invalid_request("this batch holds SMILES: send structures in a batch of their own"));
        }
    };
    let permit = state.gate.acquire_patiently().await?;
    let result =
        run_blocking(permit, move || molecule_inference::predict(&entries, &smiles, started)).await.and_then(|r| r);
    state.metrics.record_prediction(result.is_ok());
    result
}

fn ndjson_line<R: Serialize>(index: usize, name: String, outcome: ApiResult<R>) -> Bytes {
    let outcome = match outcome {
        Ok(response) => BatchOutcome::Result(Box::new(response)),
        Err(e) => BatchOutcome::Error(e.body),
    };
    let mut line = serde_json::to_vec(&BatchLine { index, name, outcome }).unwrap_or_default();
    line.push(b'\n');
    Bytes::from(line)
}

fn crystal_csv_row(table: &batch::ResultCsv, name: &str, outcome: &ApiResult<PredictResponse>) -> String {
    match outcome {
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
    }
}
