//! What the page knows about the model and the last prediction (plain data for signals).

use std::sync::Arc;

use super::{DeviceChoice, DeviceKind, LocalPrediction};

#[derive(Clone, Debug, PartialEq)]
pub enum ModelStatus {
    Loading,
    Ready(ModelSummary),
    Failed(String),
}

/// The loaded model, as the page describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelSummary {
    pub id: String,
    pub version: String,
    /// sha256 of the weights (what share links pin).
    pub weights_sha256: String,
    /// False for an untrained network of the right shape: its numbers are meaningless.
    pub trained: bool,
    /// What it computes on.
    pub device: DeviceKind,
    /// Why it computes there.
    pub device_choice: DeviceChoice,
    /// Download, verification and set-up of the model, ms.
    pub load_ms: f64,
}

/// The prediction for the current structure: `None` while it runs.
pub type PredictionState = Option<Result<Arc<LocalPrediction>, String>>;
