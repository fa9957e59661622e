//! The shipped `browser` model running in the page: fetch and verify its bundle, pick the
//! compute device (WebGPU or the CPU, the faster by measurement), predict one structure with
//! what explains the prediction; and, when the matfuse server serves it, the full-fusion
//! `server` model beside it; the molecule bundles of molecule mode ([`molecules`]).

pub mod adapter;
pub mod choose;
pub mod device;
pub mod device_choice;
pub mod fetch;
pub mod full_fusion;
pub mod local;
pub mod molecules;
pub mod neighbours;
pub mod phases;
pub mod status;

pub use device::{ComputeDevice, DeviceKind};
pub use device_choice::{DeviceChoice, DeviceRequest};
pub use full_fusion::{FullFusionModel, FullFusionState, FullFusionStatus};
pub use local::{LocalModel, LocalPrediction, WeightedSpan};
pub use neighbours::NeighboursStatus;
pub use phases::PhasesStatus;
pub use status::{ModelStatus, ModelSummary, PredictionState};

use crate::analysis::now_ms;

/// Downloads and verifies the bundle under `base`, then builds the network on the device
/// `request` leads to ([`choose::build`]).
pub async fn load(base: &str, request: DeviceRequest) -> Result<(LocalModel, ModelSummary), String> {
    let start = now_ms();
    let (bundle, vocab, ood) = fetch::bundle(base).await?;
    let (model, device_choice) = choose::build(&bundle, &vocab, request).await?;
    let model = model.with_ood(ood);
    let manifest = model.manifest();
    let summary = ModelSummary {
        id: manifest.id.clone(),
        version: manifest.version.clone(),
        weights_sha256: manifest.weights.sha256.clone(),
        trained: manifest.trained,
        device: model.compute.kind,
        device_choice,
        load_ms: now_ms() - start,
    };
    Ok((model, summary))
}
