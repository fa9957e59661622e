//! Where the model computes: WebGPU (burn's wgpu backend) or the CPU (burn's flex backend
//! compiled to WebAssembly). Which one a page uses is [`super::choose`]'s decision.

use burn::prelude::Device;
use serde::{Deserialize, Serialize};

/// The kind of device a prediction ran on: WebGPU or the CPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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

    /// The other path.
    pub fn other(self) -> DeviceKind {
        match self {
            DeviceKind::WebGpu => DeviceKind::Cpu,
            DeviceKind::Cpu => DeviceKind::WebGpu,
        }
    }
}

/// A device the page's models compute on, and its kind.
#[derive(Clone, Debug)]
pub struct ComputeDevice {
    pub device: Device,
    pub kind: DeviceKind,
}

impl ComputeDevice {
    /// The CPU.
    pub fn cpu() -> ComputeDevice {
        ComputeDevice { device: Device::flex(), kind: DeviceKind::Cpu }
    }

    /// WebGPU, or why it cannot be used. burn's wgpu runtime initialises once per page, so the
    /// first outcome is kept and later calls return it.
    pub async fn webgpu() -> Result<ComputeDevice, String> {
        if let Some(known) = WEBGPU.with(|c| c.borrow().clone()) {
            return known;
        }
        let outcome = init_webgpu().await;
        WEBGPU.with(|c| c.borrow_mut().replace(outcome.clone()));
        outcome
    }
}

thread_local! {
    static WEBGPU: std::cell::RefCell<Option<Result<ComputeDevice, String>>> = const { std::cell::RefCell::new(None) };
}

#[cfg(target_family = "wasm")]
async fn init_webgpu() -> Result<ComputeDevice, String> {
    match Device::wgpu_options().init_async().await {
        Ok(device) => Ok(ComputeDevice { device, kind: DeviceKind::WebGpu }),
        Err(e) if e.to_string().to_lowercase().contains("adapter") => {
            Err("the browser offers no WebGPU adapter".into())
        }
        Err(e) => Err(format!("WebGPU is unavailable ({e})")),
    }
}

#[cfg(not(target_family = "wasm"))]
async fn init_webgpu() -> Result<ComputeDevice, String> {
    Err("WebGPU is only tried in the browser".into())
}
