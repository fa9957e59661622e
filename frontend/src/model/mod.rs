//! The shipped `browser` model running in the page: fetch and verify its bundle, pick the
//! compute device (WebGPU or the CPU), predict one structure with what explains the prediction;
//! and, when the matfuse server serves it, the full-fusion `server` model beside it; the
//! molecule bundles of molecule mode ([`molecules`]).

pub mod device;
pub mod fetch;
pub mod full_fusion;
pub mod local;
pub mod molecules;
pub mod neighbours;
pub mod phases;
pub mod status;

pub use device::{ComputeDevice, DeviceKind};
pub use full_fusion::{FullFusionModel, FullFusionState, FullFusionStatus};
pub use local::{LocalModel, LocalPrediction, WeightedSpan};
pub use neighbours::NeighboursStatus;
pub use phases::PhasesStatus;
pub use status::{ModelStatus, ModelSummary, PredictionState};

use crate::analysis::now_ms;

/// Chooses the device, downloads and verifies the bundle under `base` and builds the network.
pub async fn load(base: &str, cpu_only: bool) -> Result<(LocalModel, ModelSummary), String> {
    let start = now_ms();
    let compute = ComputeDevice::choose(cpu_only).await;
    let (bundle, vocab, ood) = fetch::bundle(base).await?;
    let model = LocalModel::new(&bundle, &vocab, compute)?.with_ood(ood);
    let manifest = model.manifest();
    let summary = ModelSummary {
        id: manifest.id.clone(),
        version: manifest.version.clone(),
        weights_sha256: manifest.weights.sha256.clone(),
        trained: manifest.trained,
        device: model.compute.kind,
        fallback_reason: model.compute.fallback_reason.clone(),
        load_ms: now_ms() - start,
    };
    Ok((model, summary))
}
