//! Talking to the matfuse backend when the page is served by it (same origin); a static host
//! has none, and everything that uses these calls is optional.

use serde::{Serialize, de::DeserializeOwned};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// Whether `healthz` beside the page answers like the matfuse backend.
pub async fn available() -> bool {
    get_json::<shared::api::Health>("healthz").await.is_ok_and(|h| h.status == "ok")
}

pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, String> {
    let init = RequestInit::new();
    init.set_method("GET");
    send(url, &init).await
}

pub async fn post_json<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, String> {
    let init = RequestInit::new();
    init.set_method("POST");
    let json = serde_json::to_string(body).map_err(|e| e.to_string())?;
    init.set_body(&JsValue::from_str(&json));
    let headers = web_sys::Headers::new().map_err(|e| format!("{e:?}"))?;
    headers.set("Content-Type", "application/json").map_err(|e| format!("{e:?}"))?;
    init.set_headers(&headers);
    send(url, &init).await
}

async fn send<T: DeserializeOwned>(url: &str, init: &RequestInit) -> Result<T, String> {
    let failed = |e: JsValue| format!("{url}: {}", e.as_string().unwrap_or_else(|| format!("{e:?}")));
    let request = Request::new_with_str_and_init(url, init).map_err(failed)?;
    let window = web_sys::window().ok_or("no window")?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request)).await.map_err(failed)?.dyn_into().map_err(failed)?;
    let text = JsFuture::from(response.text().map_err(failed)?).await.map_err(failed)?.as_string().unwrap_or_default();
    if !response.ok() {
        // The backend's errors are `{ "error": { "code", "message", … } }`.
        let message = serde_json::from_str::<shared::api::ApiError>(&text).map(|e| e.error.message).unwrap_or(text);
        return Err(format!("{url}: HTTP {}: {message}", response.status()));
    }
    serde_json::from_str(&text).map_err(|e| format!("{url}: unexpected answer ({e})"))
}
