//! `GET /healthz`, `GET /metrics`, and the JSON answers for unknown API paths and methods.

use crate::server::error::ApiError;
use crate::server::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use shared::api::{Health, codes};

pub async fn healthz(State(state): State<AppState>) -> Json<Health> {
    Json(Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into(), models: state.registry.len() })
}

pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render(state.registry.len()))
}

pub async fn api_not_found() -> ApiError {
    ApiError::not_found("no such API endpoint (see README: API)")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, codes::METHOD_NOT_ALLOWED, "this endpoint does not take that method")
}
