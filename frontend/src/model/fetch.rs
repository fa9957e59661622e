//! Fetching the `browser` bundle from the page's own origin: `models/browser/` beside
//! `index.html` (copied there by scripts/build-frontend.sh), so a static host serves it too.

use models::Bundle;
use models::ood::{OOD_FILE, OodStatistics};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where the bundle lives, relative to the page.
pub const BUNDLE_URL: &str = "models/browser/";

/// The bundle under `base` (ends with `/`), its vocabulary's text, each file checked against
/// the manifest's sha256, and the training data's out-of-distribution statistics when the
/// bundle has them for these weights. The files download in parallel.
pub async fn bundle(base: &str) -> Result<(Bundle, String, Option<OodStatistics>), String> {
    let manifest_json = bytes(request(&format!("{base}{}", models::bundle::MANIFEST_FILE))?).await?;
    let manifest = models::Manifest::from_json(&manifest_json, std::path::Path::new(models::bundle::MANIFEST_FILE))
        .map_err(|e| e.to_string())?;
    let vocab_file = manifest.vocabulary.first().ok_or("the bundle lists no vocabulary file")?;
    let weights = request(&format!("{base}{}", manifest.weights.file))?;
    let vocab = request(&format!("{base}{}", vocab_file.file))?;
    let ood = request(&format!("{base}{OOD_FILE}"))?;
    let bundle = Bundle::from_bytes(&manifest_json, bytes(weights).await?).map_err(|e| e.to_string())?;
    let vocab = manifest.verify_vocabulary(bytes(vocab).await?).map_err(|e| e.to_string())?;
    // Optional: a bundle without statistics still predicts (the page then checks elements only).
    let ood = match bytes(ood).await {
        Ok(json) => OodStatistics::from_json(&json, &manifest.weights.sha256)?,
        Err(_) => None,
    };
    Ok((bundle, vocab, ood))
}

/// A started request for `url` (the download begins at once).
fn request(url: &str) -> Result<(String, JsFuture), String> {
    let window = web_sys::window().ok_or("no window")?;
    Ok((url.to_owned(), JsFuture::from(window.fetch_with_str(url))))
}

/// The body of a started request, or what went wrong.
async fn bytes((url, response): (String, JsFuture)) -> Result<Vec<u8>, String> {
    let failed = |e: wasm_bindgen::JsValue| format!("could not download {url}: {e:?}");
    let response: web_sys::Response = response.await.map_err(failed)?.dyn_into().map_err(failed)?;
    if !response.ok() {
        return Err(format!("could not download {url}: HTTP {}", response.status()));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(failed)?).await.map_err(failed)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
