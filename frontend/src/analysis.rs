//! Running the analysis of one structure text, timed.

use std::sync::Arc;

use shared::{
    Structure,
    report::{InspectOptions, Report, report},
};

/// The outcome of analysing one input text (cheap to clone).
#[derive(Debug, Clone)]
pub struct Analysis {
    pub outcome: Result<Arc<Report>, shared::Error>,
    /// The parsed structure (what the model reads), when it could be read.
    pub structure: Option<Arc<Structure>>,
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
    let analysed = shared::parse(text).and_then(|structure| Ok((report(&structure, &options())?, structure)));
    let (outcome, structure) = match analysed {
        Ok((report, structure)) => (Ok(Arc::new(report)), Some(Arc::new(structure))),
        Err(e) => (Err(e), None),
    };
    Analysis { outcome, structure, elapsed_ms: now_ms() - start }
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
