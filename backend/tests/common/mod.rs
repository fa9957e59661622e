//! Helpers for the API tests: a server state over the shipped `browser` model with a fresh data
//! directory, and one-shot requests.
#![allow(dead_code)]

pub mod form;
pub mod training;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use backend::server::{AppState, Limits, ServerConfig, ServerState, app};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower::ServiceExt;

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A new empty directory under the system temp directory.
pub fn temp_dir(tag: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "matfuse-api-{tag}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A models directory holding only the shipped `browser` bundle and the reference phases (links
/// to them), so the API tests describe the same registry whether or not a `server` model is
/// installed beside it.
pub fn browser_models_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = temp_dir("models");
        for name in ["browser", "phases.json", "phases.bin.gz"] {
            std::os::unix::fs::symlink(workspace().join("models/weights").join(name), dir.join(name)).unwrap();
        }
        dir
    })
    .clone()
}

/// Configuration over the shipped `browser` model, a static dir with a marker index.html, and
/// `data_dir`.
pub fn config(data_dir: PathBuf, limits: Limits) -> ServerConfig {
    let static_dir = temp_dir("static");
    std::fs::write(static_dir.join("index.html"), "<html>matfuse</html>").unwrap();
    let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), data_dir, static_dir);
    config.model_dirs = vec![browser_models_dir()];
    config.encoder_dir = workspace().join(models::encoder::DEFAULT_ENCODER_DIR);
    config.limits = limits;
    config
}

pub fn state_with(limits: Limits) -> AppState {
    ServerState::new(&config(temp_dir("data"), limits)).unwrap()
}

/// One state shared by the tests that need default limits (the model loads once).
pub fn state() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE.get_or_init(|| state_with(Limits::default())).clone()
}

pub fn structure(id: &str) -> &'static str {
    shared::gallery::example(id).unwrap().cif
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.excerpt()))
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).unwrap()
    }

    /// The body for failure messages, shortened.
    pub fn excerpt(&self) -> String {
        String::from_utf8_lossy(&self.body).chars().take(400).collect()
    }

    /// Asserts a JSON error with this status and code; returns the error object.
    pub fn error(&self, status: StatusCode, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.excerpt());
        let json = self.json();
        assert_eq!(json["error"]["code"], code, "{json}");
        assert!(json["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{json}");
        json["error"].clone()
    }
}

pub async fn send(state: &AppState, request: Request<Body>) -> Reply {
    let response = app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
    Reply { status, headers, body }
}

pub async fn get(state: &AppState, uri: &str) -> Reply {
    send(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

pub async fn post_json(state: &AppState, uri: &str, body: &Value) -> Reply {
    post(state, uri, "application/json", body.to_string()).await
}

pub async fn post(state: &AppState, uri: &str, content_type: &str, body: impl Into<Body>) -> Reply {
    send(state, Request::post(uri).header("content-type", content_type).body(body.into()).unwrap()).await
}

/// `value` with timings replaced and every float rounded to 4 significant digits (snapshots
/// must not depend on the last bits of the CPU's arithmetic).
pub fn stable(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), if k == "timings" { Value::String("[timings]".into()) } else { stable(v) }))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(stable).collect()),
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap();
            let rounded = if x == 0.0 {
                0.0
            } else {
                let scale = 10f64.powi(3 - x.abs().log10().floor() as i32);
                (x * scale).round() / scale
            };
            serde_json::json!(rounded)
        }
        other => other.clone(),
    }
}
