//! Malformed and hostile input: each gets its documented JSON error and status, nothing panics.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use backend::server::Limits;
use common::*;
use serde_json::json;
use std::time::Duration;

const PREDICT: &str = "/api/v1/predict";

#[tokio::test]
async fn broken_json_wrong_types_and_wrong_content_type() {
    let state = state();
    post(&state, PREDICT, "application/json", "{\"structure\": ").await.error(StatusCode::BAD_REQUEST, "invalid_json");
    post(&state, PREDICT, "application/json", "[1, 2]")
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    post_json(&state, PREDICT, &json!({ "structure": 5 }))
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    post_json(&state, PREDICT, &json!({ "text": "no structure" }))
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    post_json(&state, PREDICT, &json!({ "structure": "x", "format": "pdb" }))
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    post(&state, PREDICT, "text/plain", structure("rock-salt"))
        .await
        .error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    let no_type = send(&state, Request::post(PREDICT).body(Body::from("{}")).unwrap()).await;
    no_type.error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
}

#[tokio::test]
async fn broken_structures_name_the_line() {
    let state = state();
    let cif = "data_x\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c four\n";
    let error = post_json(&state, PREDICT, &json!({ "structure": cif })).await;
    let error = error.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_structure");
    assert!(error["message"].as_str().unwrap().contains("line"), "{error}");
    assert_eq!(error["detail"]["line"], 4, "{error}");
    for text in ["", "\u{0}\u{1}garbage", "1\n\n", "data_\nloop_\n", &"x".repeat(100_000)] {
        post_json(&state, PREDICT, &json!({ "structure": text }))
            .await
            .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_structure");
    }
}

#[tokio::test]
async fn limits_on_body_atoms_text_and_batch_length() {
    let limits = Limits {
        max_body_bytes: 4096,
        max_batch_body_bytes: 64 << 10,
        max_atoms: 4,
        max_text_chars: 10,
        max_batch_items: 2,
        ..Limits::default()
    };
    let state = state_with(limits);
    let huge = json!({ "structure": "x".repeat(10_000) });
    let error = post_json(&state, PREDICT, &huge).await.error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert_eq!(error["detail"]["limit_bytes"], 4096);

    let error = post_json(&state, PREDICT, &json!({ "structure": structure("rock-salt") }))
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "too_many_atoms");
    assert_eq!((error["detail"]["natoms"].as_u64(), error["detail"]["limit"].as_u64()), (Some(8), Some(4)));

    let copper = structure("fcc-copper");
    let long = json!({ "structure": copper, "text": "a very long description" });
    let error = post_json(&state, PREDICT, &long).await.error(StatusCode::UNPROCESSABLE_ENTITY, "text_too_long");
    assert_eq!(error["detail"]["limit"], 10);
    post_json(&state, PREDICT, &json!({ "structure": copper, "text": "  " }))
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");

    // Batches have their own, larger body limit.
    let padded = json!([{ "name": "x".repeat(10_000), "structure": structure("fcc-copper") }]);
    assert_eq!(post_json(&state, "/api/v1/predict/batch", &padded).await.status, StatusCode::OK);
    let too_big = json!([{ "name": "x".repeat(100_000), "structure": "x" }]);
    let error = post_json(&state, "/api/v1/predict/batch", &too_big)
        .await
        .error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert_eq!(error["detail"]["limit_bytes"], 64 << 10);

    let three = json!([{ "structure": copper }, { "structure": copper }, { "structure": copper }]);
    let error = post_json(&state, "/api/v1/predict/batch", &three)
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "batch_too_large");
    assert_eq!((error["detail"]["items"].as_u64(), error["detail"]["limit"].as_u64()), (Some(3), Some(2)));
}

#[tokio::test]
async fn unknown_models_paths_methods_and_shares() {
    let state = state();
    let error = post_json(&state, PREDICT, &json!({ "structure": structure("diamond"), "model": "../../etc/passwd" }))
        .await
        .error(StatusCode::NOT_FOUND, "unknown_model");
    assert_eq!(error["detail"]["available"], json!(["browser"]));
    get(&state, "/api/v1/models/server").await.error(StatusCode::NOT_FOUND, "unknown_model");
    get(&state, "/api/v1/models/nope/weights").await.error(StatusCode::NOT_FOUND, "unknown_model");
    post_json(&state, "/api/v1/predict/batch?model=nope", &json!([{ "structure": "x" }]))
        .await
        .error(StatusCode::NOT_FOUND, "unknown_model");
    get(&state, "/api/v1/nothing/here").await.error(StatusCode::NOT_FOUND, "not_found");
    get(&state, PREDICT).await.error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    get(&state, "/api/v1/share/not-an-id").await.error(StatusCode::NOT_FOUND, "not_found");
    get(&state, "/api/v1/share/aaaaaaaaaaaaaaaaaaaaaaaaaa").await.error(StatusCode::NOT_FOUND, "not_found");
    get(&state, "/s/aaaaaaaaaaaaaaaaaaaaaaaaaa").await.error(StatusCode::NOT_FOUND, "not_found");
    let future = json!({ "version": 99, "structure": "x", "model": "browser", "weights_sha256": "00" });
    post_json(&state, "/api/v1/share", &future).await.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
}

#[tokio::test]
async fn batch_bodies_that_cannot_be_read() {
    let state = state();
    let batch = "/api/v1/predict/batch";
    post(&state, batch, "application/xml", "<x/>")
        .await
        .error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    post(&state, batch, "text/csv", "a,b\n1,2\n").await.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    post(&state, batch, "text/csv", "cif\n").await.error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    post(&state, batch, "application/json", "{").await.error(StatusCode::BAD_REQUEST, "invalid_json");
    post(&state, batch, "multipart/form-data; boundary=x", "garbage")
        .await
        .error(StatusCode::BAD_REQUEST, "invalid_request");
    post(&state, batch, "multipart/form-data", "no boundary").await.error(StatusCode::BAD_REQUEST, "invalid_request");
    let csv = format!("cif\n\"{}\"\n", structure("diamond").replace('"', "\"\""));
    post(&state, &format!("{batch}?format=xml"), "text/csv", csv)
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
}

#[tokio::test]
async fn a_full_model_pool_answers_503_with_retry_after_then_times_out() {
    let limits = Limits { max_concurrent_predictions: 1, queue_wait: Duration::from_millis(50), ..Limits::default() };
    let state = state_with(limits);
    let body = json!({ "structure": structure("diamond") });
    let held = state.gate.acquire().await.unwrap();
    let reply = post_json(&state, PREDICT, &body).await;
    reply.error(StatusCode::SERVICE_UNAVAILABLE, "overloaded");
    assert_eq!(reply.headers[header::RETRY_AFTER], "1");
    drop(held);
    assert_eq!(post_json(&state, PREDICT, &body).await.status, StatusCode::OK);

    let limits = Limits {
        max_concurrent_predictions: 1,
        queue_wait: Duration::from_secs(10),
        request_timeout: Duration::from_millis(50),
        ..Limits::default()
    };
    let state = state_with(limits);
    let _held = state.gate.acquire().await.unwrap();
    let error = post_json(&state, PREDICT, &body).await.error(StatusCode::REQUEST_TIMEOUT, "timeout");
    assert!(error["detail"]["limit_seconds"].as_f64().is_some());
}

/// Random bytes and mutated structures: every answer is a 200 or a JSON error, never a panic.
#[tokio::test]
async fn mutated_inputs_never_crash() {
    let state = state();
    let base = structure("rutile");
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..40 {
        let mut bytes = base.as_bytes().to_vec();
        for _ in 0..(next() % 8 + 1) {
            let at = (next() as usize) % bytes.len();
            match next() % 3 {
                0 => bytes[at] = (next() % 128) as u8,
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, b"0123456789.-_ \n'"[(next() % 16) as usize]),
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let reply = post_json(&state, PREDICT, &json!({ "structure": text })).await;
        if reply.status != StatusCode::OK {
            assert!(reply.status.is_client_error(), "{}: {}", reply.status, reply.text());
            assert!(reply.json()["error"]["code"].is_string());
        }
    }
}

/// The error payloads as a contract: one snapshot of each kind.
#[tokio::test]
async fn error_payloads_snapshot() {
    let state = state();
    let mut errors = serde_json::Map::new();
    let cases: [(&str, Reply); 5] = [
        ("invalid_json", post(&state, PREDICT, "application/json", "{").await),
        ("unsupported_media_type", post(&state, PREDICT, "text/plain", "x").await),
        (
            "invalid_structure",
            post_json(&state, PREDICT, &json!({ "structure": "Si\n1.0\n1 0 0\n0 1 0\n", "format": "poscar" })).await,
        ),
        ("unknown_model", post_json(&state, PREDICT, &json!({ "structure": "x", "model": "nope" })).await),
        ("not_found", get(&state, "/api/v1/nope").await),
    ];
    for (name, reply) in cases {
        errors.insert(name.into(), json!({ "status": reply.status.as_u16(), "body": reply.json() }));
    }
    insta::assert_json_snapshot!("errors", serde_json::Value::Object(errors));
}

/// An internal error (here: a listed model file that has become a directory) answers 500 with
/// a generic body quoting the request id, never the internal text; every response carries its
/// `x-request-id`, and a client's own id is kept.
#[tokio::test]
async fn an_internal_error_answers_a_generic_500_with_the_request_id() {
    let models = temp_dir("broken-models");
    let bundle = models.join("browser");
    std::fs::create_dir_all(&bundle).unwrap();
    for entry in std::fs::read_dir(workspace().join("models/weights/browser")).unwrap() {
        let path = entry.unwrap().path();
        std::os::unix::fs::symlink(&path, bundle.join(path.file_name().unwrap())).unwrap();
    }
    let mut config = config(temp_dir("data"), Limits::default());
    config.model_dirs = vec![models];
    let state = backend::server::ServerState::new(&config).unwrap();
    // After loading, the file the route reads becomes a directory: reading it fails inside.
    std::fs::remove_file(bundle.join("ood.json")).unwrap();
    std::fs::create_dir(bundle.join("ood.json")).unwrap();

    let reply = get(&state, "/api/v1/models/browser/files/ood.json").await;
    let error = reply.error(StatusCode::INTERNAL_SERVER_ERROR, "internal");
    let id = reply.headers["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    assert_eq!(error["message"], format!("internal error; quote request id {id} when reporting it"));
    assert_eq!(error["detail"]["request_id"], id.as_str());
    let text = reply.text();
    assert!(!text.contains("ood.json") && !text.contains("directory"), "no internal text: {text}");

    let request = Request::get("/api/v1/models/browser/files/ood.json").header("x-request-id", "from-the-proxy-7");
    let reply = send(&state, request.body(Body::empty()).unwrap()).await;
    assert_eq!(reply.headers["x-request-id"], "from-the-proxy-7");
    assert!(reply.text().contains("quote request id from-the-proxy-7"), "{}", reply.text());

    let healthy = get(&state, "/healthz").await;
    assert!(healthy.headers.contains_key("x-request-id"), "every response has an id");
    let not_found = get(&state, "/api/v1/models/browser/files/nope.txt").await;
    let error = not_found.error(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(error["message"], "model 'browser' has no file 'nope.txt'", "client errors keep their text");
}
