//! Training jobs: `POST /api/v1/jobs` (multipart: `config` TOML + `data` CSV or CSV.gz),
//! `GET /api/v1/jobs`, `GET /api/v1/jobs/{id}`, `GET /api/v1/jobs/{id}/events` (server-sent
//! events) and `DELETE /api/v1/jobs/{id}` (cancel). Every one needs the operator token.

use crate::server::error::{ApiError, ApiResult, job_codes};
use crate::server::jobs::live::Subscription;
use crate::server::jobs::record::{DatasetSummary, JobEvent, JobList, JobView};
use crate::server::jobs::submission::{Invalid, JobConfig, check_dataset};
use crate::server::jobs::{Cancelled, Denied, JobError, Upload};
use crate::server::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{FromRequestParts, Multipart, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use sha2::{Digest, Sha256};
use shared::api::codes;
use std::convert::Infallible;
use std::io::Write;

/// Longest configuration accepted (bytes).
const MAX_CONFIG_BYTES: usize = 64 << 10;

/// Proof that a request carries the operator token (403 when jobs are disabled, else 401).
pub struct Operator;

impl FromRequestParts<AppState> for Operator {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match state.jobs.authorize(parts.headers.get(header::AUTHORIZATION)) {
            Ok(()) => Ok(Operator),
            Err(Denied::Disabled) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                job_codes::JOBS_DISABLED,
                "training jobs are disabled on this server (start it with --admin-token or MATFUSE_ADMIN_TOKEN)",
            )
            .into_response()),
            Err(Denied::Unauthorized) => {
                let error = ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    job_codes::UNAUTHORIZED,
                    "send the operator token as `Authorization: Bearer <token>`",
                );
                Err(([(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))], error).into_response())
            }
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    _: Operator,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    let mut multipart = multipart.map_err(|e| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            codes::UNSUPPORTED_MEDIA_TYPE,
            format!("send a multipart/form-data body with a `config` and a `data` field ({})", e.body_text()),
        )
    })?;
    let jobs = state.jobs.clone();
    let upload = blocking(move || jobs.new_upload()).await?.map_err(|e| match e {
        crate::error::Error::MissingFile { .. } => {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, job_codes::JOBS_UNAVAILABLE, e.to_string())
        }
        other => ApiError::internal(format!("job upload: {other}")),
    })?;
    let result = receive(&state, &upload, &mut multipart).await;
    let result = match result {
        Ok(received) => accept(&state, &upload, received).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(submitted) => {
            let location = HeaderValue::from_str(&format!("/api/v1/jobs/{}", submitted.job.id))
                .map_err(|e| ApiError::internal(e.to_string()))?;
            Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(submitted)).into_response())
        }
        Err(e) => {
            let dir = upload.workspace.dir.clone();
            let _ = tokio::task::spawn_blocking(move || std::fs::remove_dir_all(dir)).await;
            Err(e)
        }
    }
}

/// The two parts of a submission, the file already on disk.
struct Received {
    config: String,
    sha256: String,
}

/// Reads the multipart fields: `config` into memory, `data` streamed into the workspace.
async fn receive(state: &AppState, upload: &Upload, multipart: &mut Multipart) -> ApiResult<Received> {
    let limit = state.limits.max_job_body_bytes;
    let (mut config, mut sha256) = (None, None);
    while let Some(field) = multipart.next_field().await.map_err(|e| multipart_error(e, limit))? {
        match field.name() {
            Some("config") if config.is_none() => {
                let bytes = field.bytes().await.map_err(|e| multipart_error(e, limit))?;
                if bytes.len() > MAX_CONFIG_BYTES {
                    return Err(invalid_config(Invalid {
                        message: format!("the configuration is longer than {MAX_CONFIG_BYTES} bytes"),
                        field: None,
                    }));
                }
                let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                    invalid_config(Invalid { message: "the configuration is not UTF-8 text".into(), field: None })
                })?;
                config = Some(text);
            }
            Some("data") if sha256.is_none() => sha256 = Some(save(field, upload, limit).await?),
            Some(name @ ("config" | "data")) => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    codes::INVALID_REQUEST,
                    format!("the multipart field `{name}` appears twice"),
                ));
            }
            other => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    codes::INVALID_REQUEST,
                    format!("unknown multipart field `{}` (send `config` and `data`)", other.unwrap_or_default()),
                ));
            }
        }
    }
    let missing = |name: &str, what: &str| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_REQUEST,
            format!("the multipart field `{name}` ({what}) is missing"),
        )
    };
    Ok(Received {
        config: config.ok_or_else(|| missing("config", "the TOML training configuration"))?,
        sha256: sha256.ok_or_else(|| missing("data", "the CSV or CSV.gz table"))?,
    })
}

/// Streams the `data` field into the workspace on a blocking writer; returns its SHA-256.
async fn save(mut field: Field<'_>, upload: &Upload, limit: usize) -> ApiResult<String> {
    let path = upload.workspace.upload_part();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Bytes>(8);
    let writer = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        let mut hash = Sha256::new();
        while let Some(chunk) = rx.blocking_recv() {
            hash.update(&chunk);
            file.write_all(&chunk)?;
        }
        file.into_inner().map_err(std::io::IntoInnerError::into_error)?.sync_all()?;
        Ok(hex::encode(hash.finalize()))
    });
    let mut read = Ok(());
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                if tx.send(chunk).await.is_err() {
                    break; // the writer failed; its error is reported below
                }
            }
            Ok(None) => break,
            Err(e) => {
                read = Err(multipart_error(e, limit));
                break;
            }
        }
    }
    drop(tx);
    let written = writer.await.map_err(|e| ApiError::internal(e.to_string()))?;
    read?;
    written.map_err(|e| ApiError::internal(format!("the upload could not be stored: {e}")))
}

/// The answer to a submission: the job, and what the server made of the configuration.
#[derive(Serialize)]
struct Submitted {
    #[serde(flatten)]
    job: JobView,
    /// Keys of the configuration the job ignores, and why (its `[data]` file paths: the upload
    /// is the data).
    notes: Vec<String>,
}

/// Checks the configuration and the table, then stores and schedules the job.
async fn accept(state: &AppState, upload: &Upload, received: Received) -> ApiResult<Submitted> {
    let config = JobConfig::parse(&received.config, state.jobs.frozen_encoder()).map_err(invalid_config)?;
    let notes = config.notes();
    let workspace = upload.workspace.clone();
    let counts = blocking(move || {
        let path = workspace.keep_upload().map_err(|e| Invalid { message: format!("the upload: {e}"), field: None })?;
        check_dataset(&path)
    })
    .await?
    .map_err(|e| {
        ApiError::new(StatusCode::BAD_REQUEST, job_codes::INVALID_DATASET, e.message)
            .with_detail(serde_json::json!({ "field": "data" }))
    })?;
    let dataset = DatasetSummary {
        rows: counts.rows,
        train: counts.train,
        val: counts.val,
        test: counts.test,
        sha256: received.sha256,
    };
    let jobs = state.jobs.clone();
    let upload = upload.clone();
    // The store is written on a blocking thread; it schedules the job on this runtime.
    let job =
        blocking(move || jobs.submit(&upload, received.config, &config, dataset)).await?.map_err(storage_error)?;
    Ok(Submitted { job, notes })
}

pub async fn list(State(state): State<AppState>, _: Operator) -> ApiResult<Json<JobList>> {
    let jobs = state.jobs.clone();
    let jobs = blocking(move || jobs.list()).await?.map_err(storage_error)?;
    Ok(Json(JobList { jobs }))
}

pub async fn get(State(state): State<AppState>, _: Operator, Path(id): Path<String>) -> ApiResult<Json<JobView>> {
    let jobs = state.jobs.clone();
    let key = id.clone();
    blocking(move || jobs.get(&key)).await?.map(Json).map_err(|e| job_error(e, &id))
}

/// Cancels: 200 with the cancelled job when it had not started, 202 when its training stops
/// at the next epoch boundary, 409 when it has already ended.
pub async fn cancel(State(state): State<AppState>, _: Operator, Path(id): Path<String>) -> ApiResult<Response> {
    let jobs = state.jobs.clone();
    let key = id.clone();
    match blocking(move || jobs.cancel(&key)).await?.map_err(|e| job_error(e, &id))? {
        Cancelled::Now(view) => Ok((StatusCode::OK, Json(view)).into_response()),
        Cancelled::Requested(view) => Ok((StatusCode::ACCEPTED, Json(view)).into_response()),
    }
}

/// The job's `stage` events (each stage's start and end) and `epoch` events in the order they
/// happened (those so far first), `progress` events while featurising or encoding (live only),
/// then one `end` event; the stream closes after `end` (or without it when the server stops: the
/// job resumes on its next start). A job another replica trains streams from the database
/// (polled each second; no `progress` events).
pub async fn events(
    State(state): State<AppState>,
    _: Operator,
    Path(id): Path<String>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let jobs = state.jobs.clone();
    let key = id.clone();
    let Subscription { past, live } = blocking(move || jobs.subscribe(&key)).await?.map_err(|e| job_error(e, &id))?;
    let live = futures_util::stream::unfold(live, |receiver| async move {
        let mut receiver = receiver?;
        loop {
            match receiver.recv().await {
                Ok(event) => {
                    let more = !matches!(event, JobEvent::End(_));
                    return Some((event, more.then_some(receiver)));
                }
                // A subscriber that fell behind skips what it missed (GET /jobs/{id} has it all).
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let stream = futures_util::stream::iter(past).chain(live);
    Ok(Sse::new(stream.map(|event| Ok(sse_event(&event)))).keep_alive(KeepAlive::default()))
}

fn sse_event(event: &JobEvent) -> Event {
    let (name, data) = match event {
        JobEvent::Stage(e) => ("stage", serde_json::to_string(e)),
        JobEvent::Progress(e) => ("progress", serde_json::to_string(e)),
        JobEvent::Epoch(e) => ("epoch", serde_json::to_string(e)),
        JobEvent::End(e) => ("end", serde_json::to_string(e)),
    };
    Event::default().event(name).data(data.unwrap_or_default())
}

/// Runs `work` on a blocking thread (the store, the file system).
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(work).await.map_err(|e| ApiError::internal(format!("the job task failed: {e}")))
}

fn invalid_config(e: Invalid) -> ApiError {
    let detail = serde_json::json!({ "field": e.field });
    ApiError::new(StatusCode::BAD_REQUEST, job_codes::INVALID_CONFIG, e.message).with_detail(detail)
}

fn multipart_error(e: axum::extract::multipart::MultipartError, limit: usize) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::payload_too_large(limit)
    } else {
        ApiError::new(StatusCode::BAD_REQUEST, codes::INVALID_REQUEST, e.body_text())
    }
}

fn job_error(e: JobError, id: &str) -> ApiError {
    match e {
        JobError::NotFound => ApiError::not_found(format!("no job '{id}'")),
        JobError::Ended(state) => ApiError::new(
            StatusCode::CONFLICT,
            job_codes::JOB_ENDED,
            format!("the job has already ended ({})", state.as_str()),
        )
        .with_detail(serde_json::json!({ "state": state })),
        JobError::Store(e) => storage_error(e),
    }
}

fn storage_error(e: crate::error::Error) -> ApiError {
    ApiError::internal(format!("the job store failed: {e}"))
}
