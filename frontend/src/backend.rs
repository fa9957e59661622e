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

/// Sends `files` to the backend's `POST api/v1/predict/batch` and calls `on_line` with each
/// NDJSON line as it arrives (the server streams them in input order). The response body is
/// read through its `ReadableStream` so a long batch shows progress before it ends.
pub async fn predict_batch(body: Vec<u8>, content_type: &str, mut on_line: impl FnMut(&str)) -> Result<(), String> {
    let url = "api/v1/predict/batch";
    let failed = |e: JsValue| format!("{url}: {}", e.as_string().unwrap_or_else(|| format!("{e:?}")));
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&js_sys::Uint8Array::from(body.as_slice()));
    let headers = web_sys::Headers::new().map_err(failed)?;
    headers.set("Content-Type", content_type).map_err(failed)?;
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init).map_err(failed)?;
    let window = web_sys::window().ok_or("no window")?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request)).await.map_err(failed)?.dyn_into().map_err(failed)?;
    if !response.ok() {
        let text = JsFuture::from(response.text().map_err(failed)?).await.map_err(failed)?.as_string().unwrap_or_default();
        let message = serde_json::from_str::<shared::api::ApiError>(&text).map(|e| e.error.message).unwrap_or(text);
        return Err(format!("the server refused the batch (HTTP {}): {message}", response.status()));
    }
    // response.body.getReader(), through js_sys so the page needs no more web-sys features.
    let get = |target: &JsValue, key: &str| js_sys::Reflect::get(target, &JsValue::from_str(key)).map_err(failed);
    let stream = get(&response, "body")?;
    let reader = get(&stream, "getReader")?.dyn_into::<js_sys::Function>().map_err(failed)?.call0(&stream).map_err(failed)?;
    let read = get(&reader, "read")?.dyn_into::<js_sys::Function>().map_err(failed)?;
    let mut pending = Vec::new();
    loop {
        let chunk = JsFuture::from(read.call0(&reader).map_err(failed)?.dyn_into::<js_sys::Promise>().map_err(failed)?)
            .await
            .map_err(failed)?;
        if get(&chunk, "done")?.is_truthy() {
            break;
        }
        pending.extend(js_sys::Uint8Array::new(&get(&chunk, "value")?).to_vec());
        while let Some(end) = pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            if !line.trim().is_empty() {
                on_line(line.trim());
            }
        }
    }
    let rest = String::from_utf8_lossy(&pending);
    if !rest.trim().is_empty() {
        on_line(rest.trim());
    }
    Ok(())
}
