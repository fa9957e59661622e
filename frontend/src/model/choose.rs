//! The page's compute device, decided once per load: the link's or the switch's pick, else the
//! choice remembered in this browser, else on first use a measurement — a software WebGPU
//! adapter is taken as slow without one; otherwise the model is built on both paths and the
//! path with the faster warm prediction is kept (and remembered).

use models::Bundle;

use super::adapter;
use super::device_choice::{self, DeviceChoice, DeviceRequest, Reason};
use super::{ComputeDevice, DeviceKind, LocalModel};

/// The gallery structure timed on first use (30 atoms: the size of a typical query).
const TIMED_EXAMPLE: &str = "corundum";

/// Builds the verified bundle's network on the device `request` leads to, with the reason.
pub async fn build(bundle: &Bundle, vocab: &str, request: DeviceRequest) -> Result<(LocalModel, DeviceChoice), String> {
    let wanted = match request {
        DeviceRequest::Link(kind) => Some(DeviceChoice { kind, reason: Reason::Link }),
        DeviceRequest::Picked(kind) => {
            let choice = DeviceChoice { kind, reason: Reason::Picked };
            device_choice::remember(&choice);
            Some(choice)
        }
        DeviceRequest::Best => device_choice::remembered(),
    };
    let choice = match wanted {
        Some(choice) => choice,
        None => measure(bundle, vocab).await,
    };
    let compute = match choice.kind {
        DeviceKind::Cpu => Ok(ComputeDevice::cpu()),
        DeviceKind::WebGpu => ComputeDevice::webgpu().await,
    };
    match compute {
        Ok(compute) => Ok((LocalModel::new(bundle, vocab, compute)?, choice)),
        Err(problem) => {
            let fallback = DeviceChoice { kind: DeviceKind::Cpu, reason: Reason::NoWebGpu { problem } };
            Ok((LocalModel::new(bundle, vocab, ComputeDevice::cpu())?, fallback))
        }
    }
}

/// First use: the choice, remembered when it is worth keeping.
async fn measure(bundle: &Bundle, vocab: &str) -> DeviceChoice {
    let no_webgpu = |problem| DeviceChoice { kind: DeviceKind::Cpu, reason: Reason::NoWebGpu { problem } };
    let choice = match adapter::probe().await {
        Err(problem) => no_webgpu(problem),
        Ok(info) if info.is_software() => {
            DeviceChoice { kind: DeviceKind::Cpu, reason: Reason::SoftwareAdapter { adapter: info.name() } }
        }
        Ok(_) => match race(bundle, vocab).await {
            Ok((webgpu_ms, cpu_ms)) => DeviceChoice::measured(webgpu_ms, cpu_ms),
            Err(problem) => no_webgpu(problem),
        },
    };
    device_choice::remember(&choice);
    choice
}

/// One warm prediction's time on WebGPU and on the CPU, ms; an error when WebGPU fails.
async fn race(bundle: &Bundle, vocab: &str) -> Result<(f64, f64), String> {
    let webgpu = LocalModel::new(bundle, vocab, ComputeDevice::webgpu().await?)?;
    let webgpu_ms = warm_prediction_ms(&webgpu).await?;
    drop(webgpu);
    let cpu = LocalModel::new(bundle, vocab, ComputeDevice::cpu())?;
    Ok((webgpu_ms, warm_prediction_ms(&cpu).await?))
}

/// The time of a prediction of [`TIMED_EXAMPLE`] after one untimed one (which compiles the
/// device's kernels), ms: featurising, the prediction and the single-input predictions.
async fn warm_prediction_ms(model: &LocalModel) -> Result<f64, String> {
    let example = shared::gallery::example(TIMED_EXAMPLE).ok_or("the timed gallery example is missing")?;
    let analysis = crate::analysis::analyse(example.cif);
    let structure = analysis.structure.ok_or("the timed gallery example does not read")?;
    let description = analysis
        .outcome
        .ok()
        .and_then(|report| report.description.clone())
        .ok_or("the timed gallery example has no description")?;
    model.predict(&structure, description.clone()).await?;
    Ok(model.predict(&structure, description).await?.total_ms)
}
