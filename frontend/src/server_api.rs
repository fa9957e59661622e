//! The HTTP client of the matfuse server's API, for when the server serves the page (same
//! origin): health, share links, batches, suggestions, text embeddings, one `fetch` and one error reading
//! for all. A static host has no server, and everything that uses these calls is optional.

use serde::{Serialize, de::DeserializeOwned};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// Whether `healthz` beside the page answers like the matfuse server.
pub async fn available() -> bool {
    get_json::<shared::api::Health>("healthz").await.is_ok_and(|h| h.status == "ok")
}

pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, String> {
    json_of(url, fetch(url, "GET", None).await?).await
}

pub async fn post_json<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, String> {
    let json = serde_json::to_string(body).map_err(|e| e.to_string())?;
    json_of(url, fetch(url, "POST", Some((JsValue::from_str(&json), "application/json"))).await?).await
}

/// POSTs `body` as JSON and returns the answer's bytes (binary answers such as `api/v1/embed`).
pub async fn post_for_bytes<B: Serialize>(url: &str, body: &B) -> Result<Vec<u8>, String> {
    let json = serde_json::to_string(body).map_err(|e| e.to_string())?;
    let response = ok(url, fetch(url, "POST", Some((JsValue::from_str(&json), "application/json"))).await?).await?;
    let buffer = JsFuture::from(response.array_buffer().map_err(failed(url))?).await.map_err(failed(url))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Turns a JavaScript error into a message naming `url`.
fn failed(url: &str) -> impl Fn(JsValue) -> String + Copy + '_ {
    move |e: JsValue| format!("{url}: {}", e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

/// Sends a request (with `body` of the given content type) and waits for the answer's headers.
async fn fetch(url: &str, method: &str, body: Option<(JsValue, &str)>) -> Result<Response, String> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some((body, content_type)) = body {
        init.set_body(&body);
        let headers = web_sys::Headers::new().map_err(failed(url))?;
        headers.set("Content-Type", content_type).map_err(failed(url))?;
        init.set_headers(&headers);
    }
    let request = Request::new_with_str_and_init(url, &init).map_err(failed(url))?;
    let window = web_sys::window().ok_or("no window")?;
    JsFuture::from(window.fetch_with_request(&request)).await.map_err(failed(url))?.dyn_into().map_err(failed(url))
}

/// The response when it succeeded, else the server's error message (its errors are
/// `{ "error": { "code", "message", … } }`).
async fn ok(url: &str, response: Response) -> Result<Response, String> {
    if response.ok() {
        return Ok(response);
    }
    let text = text_of(url, &response).await?;
    let message = serde_json::from_str::<shared::api::ApiError>(&text).map(|e| e.error.message).unwrap_or(text);
    Err(format!("{url}: HTTP {}: {message}", response.status()))
}

async fn text_of(url: &str, response: &Response) -> Result<String, String> {
    Ok(JsFuture::from(response.text().map_err(failed(url))?)
        .await
        .map_err(failed(url))?
        .as_string()
        .unwrap_or_default())
}

async fn json_of<T: DeserializeOwned>(url: &str, response: Response) -> Result<T, String> {
    let text = text_of(url, &ok(url, response).await?).await?;
    serde_json::from_str(&text).map_err(|e| format!("{url}: unexpected answer ({e})"))
}

/// Sends `files` to the server's `POST api/v1/predict/batch` and calls `on_line` with each
/// NDJSON line as it arrives (the server streams them in input order). The response body is
/// read through its `ReadableStream` so a long batch shows progress before it ends.
pub async fn predict_batch(body: Vec<u8>, content_type: &str, mut on_line: impl FnMut(&str)) -> Result<(), String> {
    let url = "api/v1/predict/batch";
    let body = js_sys::Uint8Array::from(body.as_slice());
    let response = ok(url, fetch(url, "POST", Some((body.into(), content_type))).await?)
        .await
        .map_err(|e| format!("the server refused the batch ({e})"))?;
    let failed = failed(url);
    // response.body.getReader(), through js_sys so the page needs no more web-sys features.
    let get = |target: &JsValue, key: &str| js_sys::Reflect::get(target, &JsValue::from_str(key)).map_err(failed);
    let stream = get(&response, "body")?;
    let reader =
        get(&stream, "getReader")?.dyn_into::<js_sys::Function>().map_err(failed)?.call0(&stream).map_err(failed)?;
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

/// Sends a pool (`body` of `content_type`, any body the batch endpoint reads) to
/// `POST api/v1/suggest` and returns its `k` most disputed structures for `property`.
pub async fn suggest(
    body: Vec<u8>,
    content_type: &str,
    k: usize,
    property: &str,
) -> Result<shared::api::SuggestResponse, String> {
    let property = String::from(js_sys::encode_uri_component(property));
    let url = format!("api/v1/suggest?k={k}&property={property}");
    let body = js_sys::Uint8Array::from(body.as_slice());
    let answer = json_of(&url, fetch(&url, "POST", Some((body.into(), content_type))).await?).await;
    // The query string says nothing the caller does not know: name the endpoint alone.
    answer.map_err(|e| e.replacen(&url, "api/v1/suggest", 1))
}
