//! One `smiles` request through the molecule models: read the SMILES (a refusal names the
//! character position and the problem), then [`models::predictor::MoleculePredictor::explain`]
//! per model asked (synchronous; run on a blocking thread).

use super::error::{ApiError, ApiResult};
use super::registry::MoleculeEntry;
use axum::http::StatusCode;
use shared::api::{MoleculePredictResponse, Timings, codes};
use shared::molecule::Molecule;
use std::sync::Arc;
use std::time::Instant;

/// The molecule of `smiles`, or a 422 `invalid_smiles` whose `detail` holds the 0-based
/// character `position` and the `problem`.
pub fn read_smiles(smiles: &str) -> ApiResult<Molecule> {
    Molecule::from_smiles(smiles).map_err(|e| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, codes::INVALID_SMILES, format!("invalid SMILES: {e}"))
            .with_detail(serde_json::json!({ "position": e.position, "problem": e.kind }))
    })
}

/// `smiles` predicted by every model of `entries`, in order.
pub fn predict(entries: &[Arc<MoleculeEntry>], smiles: &str, started: Instant) -> ApiResult<MoleculePredictResponse> {
    let molecule = read_smiles(smiles)?;
    let summary = models::predictor::molecule::molecule_summary(&molecule);
    let featurized = Instant::now();
    let predictions = entries.iter().map(|entry| entry.predictor.explain(&molecule)).collect();
    let ms = |from: Instant, to: Instant| (to - from).as_secs_f64() * 1e3;
    let done = Instant::now();
    Ok(MoleculePredictResponse {
        molecule: summary,
        predictions,
        timings: Timings {
            featurize_ms: ms(started, featurized),
            model_ms: ms(featurized, done),
            total_ms: ms(started, done),
        },
    })
}
