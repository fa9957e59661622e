//! Where the model computes: WebGPU when the browser gives an adapter (burn's wgpu backend),
//! otherwise the CPU (burn's flex backend compiled to WebAssembly).

use burn::prelude::Device;

/// The kind of device a prediction ran on: WebGPU or the CPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceKind {
    WebGpu,
    Cpu,
}

impl DeviceKind {
    /// Stable name for `data-` attributes and tests.
    pub fn id(self) -> &'static str {
        match self {
            DeviceKind::WebGpu => "webgpu",
            DeviceKind::Cpu => "cpu",
        }
    }

    /// What the page says.
    pub fn label(self) -> &'static str {
        match self {
            DeviceKind::WebGpu => "WebGPU",
            DeviceKind::Cpu => "CPU (WebAssembly)",
        }
    }
}

/// The device the page's models compute on, its kind, and why WebGPU is not used when it is
/// not.
#[derive(Clone, Debug)]
pub struct ComputeDevice {
    pub device: Device,
    pub kind: DeviceKind,
    pub fallback_reason: Option<String>,
}

impl ComputeDevice {
    /// The CPU, for `reason`.
    pub fn cpu(reason: Option<String>) -> ComputeDevice {
        ComputeDevice { device: Device::flex(), kind: DeviceKind::Cpu, fallback_reason: reason }
    }

    /// WebGPU when `navigator.gpu` exists and yields an adapter, else the CPU with the reason.
    /// `cpu_only` (the page's `?device=cpu`) skips WebGPU. burn's wgpu runtime initialises once
    /// per page, so the first choice is kept and later calls return it.
    pub async fn choose(cpu_only: bool) -> ComputeDevice {
        if let Some(chosen) = CHOSEN.with(|c| c.borrow().clone()) {
            return chosen;
        }
        let chosen = if cpu_only {
            ComputeDevice::cpu(Some("the CPU was asked for (?device=cpu)".into()))
        } else {
            webgpu().await.unwrap_or_else(|reason| ComputeDevice::cpu(Some(reason)))
        };
        CHOSEN.with(|c| c.borrow_mut().replace(chosen.clone()));
        chosen
    }
}

thread_local! {
    static CHOSEN: std::cell::RefCell<Option<ComputeDevice>> = const { std::cell::RefCell::new(None) };
}

#[cfg(target_family = "wasm")]
async fn webgpu() -> Result<ComputeDevice, String> {
    let navigator = web_sys::window().ok_or("no window")?.navigator();
    let gpu = js_sys::Reflect::get(&navigator, &"gpu".into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED);
    if gpu.is_undefined() || gpu.is_null() {
        return Err("this browser offers no WebGPU here (it needs a secure context: https or localhost)".into());
    }
    match Device::wgpu_options().init_async().await {
        Ok(device) => Ok(ComputeDevice { device, kind: DeviceKind::WebGpu, fallback_reason: None }),
        Err(e) if e.to_string().to_lowercase().contains("adapter") => {
            Err("the browser offers no WebGPU adapter".into())
        }
        Err(e) => Err(format!("WebGPU is unavailable ({e})")),
    }
}

#[cfg(not(target_family = "wasm"))]
async fn webgpu() -> Result<ComputeDevice, String> {
    Err("WebGPU is only tried in the browser".into())
}
