//! One structure through the model: parse → symmetry + description → graph + tokens → the
//! prediction, its interpretation, the two single-modality predictions and the OOD score (read
//! and explained by `Predictor::read_out` + `Predictor::interpret`, as in the page).
//! Synchronous and CPU-bound: handlers run it on a blocking thread holding a model slot.

use super::config::Limits;
use super::error::{ApiError, ApiResult};
use super::registry::ModelEntry;
use shared::ParseOptions;
use shared::api::{ModelInfo, PredictRequest, PredictResponse, SymmetryInfo, TextSource, Timings, codes};
use shared::describe::{DescribeOptions, describe};
use shared::io::Parsed;
use shared::report::SpaceGroupRef;
use shared::symmetry::DEFAULT_SYMPREC;
use std::time::Instant;

/// Tokens and atoms listed in the interpretation.
const TOP_K: usize = 8;

/// Predicts one request with `entry`; `started` is when the request arrived (for `total_ms`).
pub fn predict(
    entry: &ModelEntry,
    model: ModelInfo,
    request: &PredictRequest,
    limits: &Limits,
    started: Instant,
) -> ApiResult<PredictResponse> {
    let featurize_start = Instant::now();
    let user_text = check_text(request.text.as_deref(), limits)?;
    let Parsed { structure, warnings } = parse(request, limits)?;
    let symmetry = shared::symmetry::analyze(&structure, DEFAULT_SYMPREC)?;
    let (text, source) = match user_text {
        Some(text) => (text.to_string(), TextSource::User),
        None => (describe(&structure, &symmetry, &DescribeOptions::default()).text, TextSource::Generated),
    };
    let predictor = &entry.predictor;
    let input = predictor.input_with_text(&structure, text).map_err(model_error)?;
    let featurize_ms = ms(featurize_start);

    let model_start = Instant::now();
    let readout = predictor.read_out(&input).map_err(model_error)?;
    let model_ms = ms(model_start);

    let interpreted = predictor.interpret(&structure, &input, &readout, entry.ood.as_ref());
    let stability = entry
        .phases
        .as_ref()
        .and_then(|phases| phases.structure_stability(&model.id, &structure, &interpreted.predictions));
    Ok(PredictResponse {
        interpretation: interpreted.to_api(&structure, TOP_K),
        predictions: interpreted.predictions,
        description: interpreted.description,
        description_source: source,
        symmetry: SymmetryInfo {
            formula: shared::composition::reduced_formula(&structure),
            natoms: structure.sites().len(),
            space_group: SpaceGroupRef { number: symmetry.number, symbol: symmetry.symbol.clone() },
            crystal_system: symmetry.crystal_system,
            symprec: DEFAULT_SYMPREC,
        },
        ood: interpreted.ood,
        timings: Timings { featurize_ms, model_ms, total_ms: ms(started) },
        model,
        warnings,
        similar_materials: interpreted.similar_materials,
        stability,
    })
}

/// Parses the request's structure, keeping the reader's warnings. The parser stops at its own
/// ceiling (5,000 atoms) with a parse error; below that the server's limit is checked on the
/// parsed count, so the error can give it.
fn parse(request: &PredictRequest, limits: &Limits) -> ApiResult<Parsed> {
    if let shared::api::PredictInput::Smiles(_) = request.input().map_err(ApiError::invalid_request)? {
        return Err(ApiError::invalid_request(
            "a crystal model reads `structure`; `smiles` goes to the molecule models",
        ));
    }
    let max_atoms = limits.max_atoms.max(shared::structure::DEFAULT_MAX_ATOMS);
    let parsed = shared::io::parse_with_warnings(
        request.structure.as_deref().unwrap_or_default(),
        &ParseOptions { format: request.format, max_atoms, strict: request.strict, ..Default::default() },
    )?;
    let natoms = parsed.structure.sites().len();
    if natoms > limits.max_atoms {
        return Err(shared::Error::TooManyAtoms { natoms, max: limits.max_atoms }.into());
    }
    Ok(parsed)
}

/// The user's description if there is one; refuses empty and over-long texts.
fn check_text<'a>(text: Option<&'a str>, limits: &Limits) -> ApiResult<Option<&'a str>> {
    let Some(text) = text else { return Ok(None) };
    if text.trim().is_empty() {
        return Err(ApiError::invalid_request("`text` is empty; leave it out to use the generated description"));
    }
    let chars = text.chars().count();
    if chars > limits.max_text_chars {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            codes::TEXT_TOO_LONG,
            format!("`text` has {chars} characters, more than the limit of {}", limits.max_text_chars),
        )
        .with_detail(serde_json::json!({ "chars": chars, "limit": limits.max_text_chars })));
    }
    Ok(Some(text))
}

fn model_error(e: models::Error) -> ApiError {
    ApiError::internal(e.to_string())
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}
