//! The reference phase table for energy above hull in the page: fetched lazily, after the first
//! prediction (never on the first visit), from `models/` beside `index.html` — `phases.json` and
//! the gzip table it names, copied there by scripts/build-frontend.sh — and sha256-checked by
//! `ReferencePhases::from_bytes`, as the server reads it.

use std::path::Path;

use models::phases::{PHASES_INFO_FILE, PhasesInfo, ReferencePhases};

use super::fetch::{LazyStatus, downloaded, file_beside, request};

/// Where `phases.json` and the table live, relative to the page.
pub const PHASES_BASE: &str = "models/";

/// Where the reference phases stand (not requested until a prediction is shown).
pub type PhasesStatus = LazyStatus;

/// Downloads `phases.json` and then the table it names, and checks the table's sha256.
pub async fn reference_phases() -> Result<ReferencePhases, String> {
    let info_url = format!("{PHASES_BASE}{PHASES_INFO_FILE}");
    let json = downloaded(&info_url, request(&info_url)?).await?;
    let info = PhasesInfo::from_json(&json, Path::new(PHASES_INFO_FILE)).map_err(|e| e.to_string())?;
    let table_url = file_beside(&info_url, PHASES_BASE, &info.file)?;
    let compressed = downloaded(&table_url, request(&table_url)?).await?;
    ReferencePhases::from_bytes(info, &compressed, Path::new(&table_url)).map_err(|e| e.to_string())
}
