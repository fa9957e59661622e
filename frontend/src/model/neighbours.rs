//! The `browser` model's nearest-neighbour index in the page (the out-of-distribution score
//! and "materials like this one", see `models::neighbours`; the training map reads it too):
//! fetched lazily, after the first prediction (never on the first visit), from the bundle's
//! directory — `neighbours.json` first, then the index it pins, refused unless its sha256
//! matches and it was computed for the loaded weights.

use std::path::Path;

use models::neighbours::NeighbourIndex;
use models::neighbours_info::{NEIGHBOURS_INFO_FILE, NeighboursInfo};

use super::fetch::{BUNDLE_URL, LazyStatus, downloaded, file_beside, request};

/// Where the index stands (not requested until a prediction is shown).
pub type NeighboursStatus = LazyStatus;

/// Downloads `neighbours.json`, then the index it names, checked against the pin and against
/// the model's `weights_sha256`.
pub async fn neighbour_index(weights_sha256: &str) -> Result<NeighbourIndex, String> {
    let info_url = format!("{BUNDLE_URL}{NEIGHBOURS_INFO_FILE}");
    let json = downloaded(&info_url, request(&info_url)?).await?;
    let info = NeighboursInfo::from_json(&json, Path::new(NEIGHBOURS_INFO_FILE)).map_err(|e| e.to_string())?;
    let index_url = file_beside(&info_url, BUNDLE_URL, &info.file)?;
    let bytes = downloaded(&index_url, request(&index_url)?).await?;
    info.index(&bytes, weights_sha256, Path::new(&index_url))
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{index_url} was computed for other weights than the loaded model's"))
}
