//! Fetching the `browser` bundle from the page's own origin: `models/browser/` beside
//! `index.html` (copied there by scripts/build-frontend.sh), so a static host serves it too.

use models::Bundle;
use models::ood::{OOD_FILE, OodStatistics};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where the bundle lives, relative to the page.
pub const BUNDLE_URL: &str = "models/browser/";

/// Why a bundle could not be had.
#[derive(Debug)]
pub enum BundleError {
    /// The host has no bundle there: its manifest answered 404.
    Missing { url: String },
    /// A download failed, or a file is not what the manifest says.
    Failed(String),
}

impl std::fmt::Display for BundleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BundleError::Missing { url } => write!(f, "could not download {url}: HTTP 404 (no such model here)"),
            BundleError::Failed(message) => f.write_str(message),
        }
    }
}

impl From<String> for BundleError {
    fn from(message: String) -> Self {
        BundleError::Failed(message)
    }
}

impl From<BundleError> for String {
    fn from(e: BundleError) -> String {
        e.to_string()
    }
}

/// The bundle under `base` (ends with `/`), its vocabulary's text, each file checked against
/// the manifest's sha256, and the training data's out-of-distribution statistics when the
/// bundle has them for these weights. The files download in parallel.
pub async fn bundle(base: &str) -> Result<(Bundle, String, Option<OodStatistics>), BundleError> {
    let manifest_url = format!("{base}{}", models::bundle::MANIFEST_FILE);
    let manifest_json = match bytes(request(&manifest_url)?).await {
        Err(Download::Status(404)) => return Err(BundleError::Missing { url: manifest_url }),
        other => other.map_err(|e| e.message(&manifest_url))?,
    };
    let manifest = models::Manifest::from_json(&manifest_json, std::path::Path::new(models::bundle::MANIFEST_FILE))
        .map_err(|e| e.to_string())?;
    let vocab_file = manifest.vocabulary.first().ok_or_else(|| "the bundle lists no vocabulary file".to_string())?;
    let (weights_url, vocab_url) = (format!("{base}{}", manifest.weights.file), format!("{base}{}", vocab_file.file));
    let weights = request(&weights_url)?;
    let vocab = request(&vocab_url)?;
    let ood = request(&format!("{base}{OOD_FILE}"))?;
    let bundle =
        Bundle::from_bytes(&manifest_json, downloaded(&weights_url, weights).await?).map_err(|e| e.to_string())?;
    let vocab = manifest.verify_vocabulary(downloaded(&vocab_url, vocab).await?).map_err(|e| e.to_string())?;
    // Optional: a bundle without statistics still predicts (the page then checks elements only).
    let ood = match bytes(ood).await {
        Ok(json) => OodStatistics::from_json(&json, &manifest.weights.sha256)?,
        Err(_) => None,
    };
    Ok((bundle, vocab, ood))
}

/// Where a file the page fetches only when first wanted stands.
#[derive(Clone, Debug, PartialEq)]
pub enum LazyStatus {
    /// Not wanted yet.
    NotRequested,
    Loading,
    Ready,
    Failed(String),
}

/// The URL of `file` under `base`, as named by the pin file at `pin_url`: refused unless it is a
/// plain file name beside the pin (no directories, nothing hidden).
pub(crate) fn file_beside(pin_url: &str, base: &str, file: &str) -> Result<String, String> {
    if file.is_empty() || file.contains(['/', '\\']) || file.starts_with('.') {
        return Err(format!("{pin_url} names `{file}`, not a file beside it"));
    }
    Ok(format!("{base}{file}"))
}

/// A started request for `url` (the download begins at once).
pub(crate) fn request(url: &str) -> Result<JsFuture, String> {
    let window = web_sys::window().ok_or("no window")?;
    Ok(JsFuture::from(window.fetch_with_str(url)))
}

/// How one download failed.
enum Download {
    /// The server answered with this HTTP status.
    Status(u16),
    /// The request itself failed (network, CORS, …).
    Js(wasm_bindgen::JsValue),
}

impl Download {
    fn message(&self, url: &str) -> String {
        match self {
            Download::Status(status) => format!("could not download {url}: HTTP {status}"),
            Download::Js(e) => format!("could not download {url}: {e:?}"),
        }
    }
}

/// The body of the started request for `url`, with what went wrong as a message naming the file.
pub(crate) async fn downloaded(url: &str, response: JsFuture) -> Result<Vec<u8>, String> {
    bytes(response).await.map_err(|e| e.message(url))
}

/// The body of a started request's response, or how it failed.
async fn bytes(response: JsFuture) -> Result<Vec<u8>, Download> {
    let response: web_sys::Response = response.await.map_err(Download::Js)?.dyn_into().map_err(Download::Js)?;
    if !response.ok() {
        return Err(Download::Status(response.status()));
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(Download::Js)?).await.map_err(Download::Js)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
