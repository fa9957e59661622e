//! `POST /api/v1/embed`: the large text encoder's token states and pooled embedding of a text,
//! as the compact binary body of [`shared::embedding`].

use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::ApiJson;
use crate::server::limits::run_blocking;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::api::codes;
use shared::embedding::{CONTENT_TYPE, EmbedRequest, EmbeddingHeader};

/// Most chunks one request may ask for.
pub const MAX_CHUNKS: usize = 8;

pub async fn embed(State(state): State<AppState>, ApiJson(request): ApiJson<EmbedRequest>) -> ApiResult<Response> {
    let Some(encoder) = state.registry.encoder().cloned() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            codes::ENCODER_UNAVAILABLE,
            "the large text encoder is not installed on this server (scripts/fetch-encoder.sh installs it)",
        ));
    };
    let chars = request.text.chars().count();
    if request.text.trim().is_empty() {
        return Err(ApiError::invalid_request("`text` is empty"));
    }
    if chars > state.limits.max_text_chars {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::TEXT_TOO_LONG,
            format!("the text has {chars} characters; the limit is {}", state.limits.max_text_chars),
        )
        .with_detail(serde_json::json!({ "chars": chars, "limit": state.limits.max_text_chars })));
    }
    let max_chunks = request.max_chunks.unwrap_or(1);
    if !(1..=MAX_CHUNKS).contains(&max_chunks) {
        return Err(ApiError::invalid_request(format!("`max_chunks` must be 1 to {MAX_CHUNKS}, not {max_chunks}"))
            .with_detail(serde_json::json!({ "max_chunks": max_chunks, "limit": MAX_CHUNKS })));
    }
    let permit = state.gate.acquire().await?;
    let body = run_blocking(permit, move || -> ApiResult<Vec<u8>> {
        let encoded = encoder.encode_memo(&request.text, max_chunks).map_err(|e| ApiError::internal(e.to_string()))?;
        let header = EmbeddingHeader {
            encoder: encoder.reference().clone(),
            tokens: encoded.ids.len(),
            hidden: encoder.hidden(),
            chunks: encoded.chunks,
            token_ids: encoded.ids,
            spans: encoded.spans,
        };
        Ok(shared::embedding::encode(&header, &encoded.states, &encoded.pooled))
    })
    .await??;
    Ok(([(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response())
}
