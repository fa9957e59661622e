//! `POST /api/v1/embed` (the large encoder's states as a binary body) and the CORS policy.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::json;

/// The installed MiniLM (required under CI).
fn encoder_installed() -> bool {
    let dir = workspace().join(models::encoder::DEFAULT_ENCODER_DIR);
    let present = dir.join("model.safetensors").is_file();
    assert!(present || std::env::var("CI").as_deref() != Ok("true"), "CI=true but {} is missing", dir.display());
    if !present {
        eprintln!("SKIPPED: no text encoder at {} (scripts/fetch-encoder.sh)", dir.display());
    }
    present
}

#[tokio::test]
async fn embed_returns_the_encoders_token_states_as_f16() {
    if !encoder_installed() {
        return;
    }
    let text = "NaCl is Halite, Rock Salt structured and crystallizes in the cubic Fm-3m space group.";
    let reply = post_json(&state(), "/api/v1/embed", &json!({ "text": text })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.excerpt());
    assert_eq!(reply.headers["content-type"], shared::embedding::CONTENT_TYPE);
    let embedding = shared::embedding::decode(&reply.body).unwrap();
    let header = &embedding.header;
    assert_eq!(header.encoder.name, "all-MiniLM-L6-v2");
    assert_eq!(header.encoder.sha256, models::encoder::DEFAULT_ENCODER_SHA256);
    assert_eq!((header.hidden, header.chunks), (384, 1));
    assert!(header.tokens > 10 && header.tokens <= 126);
    let first = &text[header.spans[0].0..header.spans[0].1];
    assert!(!first.is_empty() && "NaCl".starts_with(first), "first token spans {first:?}");
    // The same numbers as the encoder run natively (to f16 precision).
    let encoder = models::encoder::LargeEncoder::load(
        &workspace().join(models::encoder::DEFAULT_ENCODER_DIR),
        &burn::prelude::Device::flex(),
    )
    .unwrap();
    let native = encoder.encode(&[text], 1).unwrap().remove(0);
    assert_eq!(header.token_ids, native.ids);
    let max_diff = native.states.iter().zip(&embedding.states).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(max_diff < 1e-2, "states differ from the native encoder by {max_diff}");
}

#[tokio::test]
async fn embed_rejects_bad_requests_with_json_errors() {
    let state = state();
    if state.registry.encoder().is_some() {
        post_json(&state, "/api/v1/embed", &json!({ "text": "  " }))
            .await
            .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
        let e = post_json(&state, "/api/v1/embed", &json!({ "text": "NaCl", "max_chunks": 0 })).await;
        e.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
        let long = "a ".repeat(20_001);
        post_json(&state, "/api/v1/embed", &json!({ "text": long }))
            .await
            .error(StatusCode::UNPROCESSABLE_ENTITY, "text_too_long");
    }
    post(&state, "/api/v1/embed", "application/json", "{\"text\": 3}")
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    let missing = {
        let mut config = config(temp_dir("data"), backend::server::Limits::default());
        config.encoder_dir = temp_dir("no-encoder");
        backend::server::ServerState::new(&config).unwrap()
    };
    post_json(&missing, "/api/v1/embed", &json!({ "text": "NaCl" }))
        .await
        .error(StatusCode::SERVICE_UNAVAILABLE, "encoder_unavailable");
}

#[tokio::test]
async fn cross_origin_calls_are_refused_unless_configured() {
    let request =
        || Request::get("/api/v1/models").header("origin", "https://course.example.org").body(Body::empty()).unwrap();
    let closed = send(&state(), request()).await;
    assert_eq!(closed.status, StatusCode::OK);
    assert!(closed.headers.get("access-control-allow-origin").is_none());

    let mut config = config(temp_dir("data"), backend::server::Limits::default());
    config.cors_origins = vec!["https://course.example.org/".into()];
    let open = backend::server::ServerState::new(&config).unwrap();
    let reply = send(&open, request()).await;
    assert_eq!(reply.headers["access-control-allow-origin"], "https://course.example.org");
    let other = send(
        &open,
        Request::get("/api/v1/models").header("origin", "https://elsewhere.example").body(Body::empty()).unwrap(),
    )
    .await;
    assert!(other.headers.get("access-control-allow-origin").is_none());

    config.cors_origins = vec!["not an origin\n".into()];
    let err = backend::server::ServerState::new(&config).err().unwrap().to_string();
    assert!(err.contains("--cors-origin"), "{err}");
}

/// The shipped `server` model reads the server's one large encoder (the one `/embed` uses): with
/// it, `server` is the default and a prediction's description encoding lands in that encoder's
/// memo; without it, `browser` answers and the listing says why.
#[tokio::test]
async fn the_server_model_reads_the_servers_own_encoder() {
    let shipped = || {
        let mut config = config(temp_dir("data"), backend::server::Limits::default());
        config.model_dirs = vec![workspace().join("models/weights")];
        config
    };
    let mut without = shipped();
    without.encoder_dir = temp_dir("no-encoder");
    let without = backend::server::ServerState::new(&without).unwrap();
    let listing = get(&without, "/api/v1/models").await.json();
    assert_eq!(listing["default"], "browser", "{listing}");
    assert!(listing["notice"].as_str().unwrap().contains("not installed"), "{listing}");

    if !encoder_installed() {
        return;
    }
    let with = backend::server::ServerState::new(&shipped()).unwrap();
    assert_eq!(get(&with, "/api/v1/models").await.json()["default"], "server");
    let reply = post_json(&with, "/api/v1/predict", &json!({ "structure": structure("rock-salt") })).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.excerpt());
    assert_eq!(reply.json()["model"]["id"], "server");
    assert_eq!(with.registry.encoder().unwrap().memo_len(), 1, "the model used the server's encoder");
}
