//! What the browser says about its WebGPU adapter, read before burn initialises WebGPU: a
//! fallback or software adapter (SwiftShader, llvmpipe) emulates a GPU on the CPU and is far
//! slower than the page's own CPU path (BENCHMARKS.md: 1,436 ms against 14 ms for 20 atoms).

/// The adapter's description (`GPUAdapter.info` and `isFallbackAdapter`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AdapterInfo {
    /// The browser marks it as a fallback adapter (`isFallbackAdapter`).
    pub fallback: bool,
    pub vendor: String,
    pub architecture: String,
    pub device: String,
    pub description: String,
}

/// Names of software renderers, as they appear in adapter descriptions (lower case).
const SOFTWARE_RENDERERS: [&str; 4] = ["swiftshader", "llvmpipe", "lavapipe", "basic render driver"];

impl AdapterInfo {
    /// Whether the adapter computes in software on the CPU.
    pub fn is_software(&self) -> bool {
        self.fallback
            || self.fields().any(|field| {
                let field = field.to_lowercase();
                SOFTWARE_RENDERERS.iter().any(|name| field.contains(name))
            })
    }

    /// How the page names it: its non-empty fields, or "a fallback adapter".
    pub fn name(&self) -> String {
        let parts: Vec<&str> = self.fields().filter(|f| !f.is_empty()).collect();
        if parts.is_empty() { "a fallback adapter".to_owned() } else { parts.join(" ") }
    }

    fn fields(&self) -> impl Iterator<Item = &str> {
        [&self.vendor, &self.architecture, &self.device, &self.description].into_iter().map(String::as_str)
    }
}

/// Asks `navigator.gpu` for an adapter and reads its description; the error says why there is
/// none.
#[cfg(target_family = "wasm")]
pub async fn probe() -> Result<AdapterInfo, String> {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    let get = |target: &JsValue, key: &str| Reflect::get(target, &key.into()).unwrap_or(JsValue::UNDEFINED);
    let text = |target: &JsValue, key: &str| get(target, key).as_string().unwrap_or_default();
    let navigator: JsValue = web_sys::window().ok_or("no window")?.navigator().into();
    let gpu = get(&navigator, "gpu");
    if gpu.is_undefined() || gpu.is_null() {
        return Err("this browser offers no WebGPU here (it needs a secure context: https or localhost)".into());
    }
    let request = get(&gpu, "requestAdapter")
        .dyn_into::<Function>()
        .map_err(|_| "this browser's WebGPU cannot request an adapter")?;
    let pending = request.call0(&gpu).map_err(|e| format!("WebGPU refused an adapter ({e:?})"))?;
    let adapter = wasm_bindgen_futures::JsFuture::from(Promise::resolve(&pending))
        .await
        .map_err(|e| format!("WebGPU refused an adapter ({e:?})"))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("the browser offers no WebGPU adapter".into());
    }
    let info = get(&adapter, "info");
    let fallback = [get(&adapter, "isFallbackAdapter"), get(&info, "isFallbackAdapter")]
        .iter()
        .any(|flag| flag.as_bool() == Some(true));
    Ok(AdapterInfo {
        fallback,
        vendor: text(&info, "vendor"),
        architecture: text(&info, "architecture"),
        device: text(&info, "device"),
        description: text(&info, "description"),
    })
}

#[cfg(not(target_family = "wasm"))]
pub async fn probe() -> Result<AdapterInfo, String> {
    Err("WebGPU is only tried in the browser".into())
}

#[cfg(test)]
mod tests {
    use super::AdapterInfo;

    #[test]
    fn software_adapters_are_recognised_by_flag_or_name() {
        let swiftshader =
            AdapterInfo { vendor: "google".into(), architecture: "swiftshader".into(), ..Default::default() };
        assert!(swiftshader.is_software());
        assert_eq!(swiftshader.name(), "google swiftshader");
        let llvmpipe = AdapterInfo { description: "llvmpipe (LLVM 15.0.7, 256 bits)".into(), ..Default::default() };
        assert!(llvmpipe.is_software());
        let flagged = AdapterInfo { fallback: true, ..Default::default() };
        assert!(flagged.is_software());
        assert_eq!(flagged.name(), "a fallback adapter");
        let hardware = AdapterInfo { vendor: "nvidia".into(), architecture: "ada".into(), ..Default::default() };
        assert!(!hardware.is_software());
    }
}
