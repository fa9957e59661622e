//! Running the analysis of one structure text, timed.

use std::sync::Arc;

use shared::{
    Structure,
    io::{ParseOptions, ParseWarning, Parsed, parse_with_warnings},
    report::{InspectOptions, Report, report},
};

/// The outcome of analysing one input text (cheap to clone).
#[derive(Debug, Clone)]
pub struct Analysis {
    pub outcome: Result<Arc<Report>, shared::Error>,
    /// The parsed structure (what the model reads), when it could be read.
    pub structure: Option<Arc<Structure>>,
    /// What the reader repaired or assumed (shown beside the editor); empty on failure.
    pub warnings: Arc<[ParseWarning]>,
    /// Wall-clock time the analysis took, in milliseconds.
    pub elapsed_ms: f64,
}

/// Options of the page: the library defaults, plus the text description.
pub fn options() -> InspectOptions {
    InspectOptions { describe: true, ..InspectOptions::default() }
}

/// Parses `text` (format auto-detected), finds its symmetry and describes it.
pub fn analyse(text: &str) -> Analysis {
    let start = now_ms();
    let analysed = parse_with_warnings(text, &ParseOptions::default())
        .and_then(|parsed| Ok((report(&parsed.structure, &options())?, parsed)));
    let (outcome, structure, warnings) = match analysed {
        Ok((report, Parsed { structure, warnings })) => {
            (Ok(Arc::new(report)), Some(Arc::new(structure)), warnings.into())
        }
        Err(e) => (Err(e), None, Arc::from([])),
    };
    Analysis { outcome, structure, warnings, elapsed_ms: now_ms() - start }
}

/// A monotonic clock in milliseconds since the page started loading (`performance.now()` in
/// the browser).
#[cfg(target_family = "wasm")]
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

#[cfg(not(target_family = "wasm"))]
pub fn now_ms() -> f64 {
    use std::{sync::OnceLock, time::Instant};
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}
