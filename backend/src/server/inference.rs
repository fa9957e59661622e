//! One structure through the model: parse → symmetry + description → graph + tokens → the
//! prediction, its interpretation, the two single-modality predictions and the OOD score.
//! Synchronous and CPU-bound: handlers run it on a blocking thread holding a model slot.

use super::config::Limits;
use super::error::{ApiError, ApiResult};
use super::registry::ModelEntry;
use models::batch::Modalities;
use models::predictor::{Explanation, ModelInput};
use models::train::Prediction;
use shared::api::{
    AttendedAtom, AttendedToken, Interpretation, ModalityWeights, ModelInfo, PredictRequest, PredictResponse,
    Predictions, SymmetryInfo, TextSource, Timings, codes,
};
use shared::describe::{DescribeOptions, describe};
use shared::report::SpaceGroupRef;
use shared::symmetry::DEFAULT_SYMPREC;
use shared::{ParseOptions, Structure};
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
    let structure = parse(request, limits)?;
    let symmetry = shared::symmetry::analyze(&structure, DEFAULT_SYMPREC)?;
    let (text, source) = match user_text {
        Some(text) => (text.to_string(), TextSource::User),
        None => (describe(&structure, &symmetry, &DescribeOptions::default()).text, TextSource::Generated),
    };
    let predictor = &entry.predictor;
    let input = predictor.input_with_text(&structure, text).map_err(model_error)?;
    let featurize_ms = ms(featurize_start);

    let model_start = Instant::now();
    let explanation = predictor.explain(&input);
    let graph_only = predictor.predict(std::slice::from_ref(&input), Modalities::GRAPH_ONLY);
    let text_only = predictor.predict(std::slice::from_ref(&input), Modalities::TEXT_ONLY);
    let model_ms = ms(model_start);

    let predictions = |p: Option<&Prediction>| -> ApiResult<Predictions> {
        let p = p.ok_or_else(|| ApiError::internal("the model returned no prediction"))?;
        Ok(entry.manifest.in_units(p))
    };
    let interpretation = Interpretation {
        gate: explanation.gate.as_deref().and_then(modality_weights),
        top_tokens: top_tokens(entry, &input, &explanation),
        top_atoms: top_atoms(&structure, &explanation),
        without_text: predictions(graph_only.first())?,
        without_graph: predictions(text_only.first())?,
    };
    Ok(PredictResponse {
        predictions: predictions(Some(&explanation.prediction))?,
        description: input.description.clone(),
        description_source: source,
        symmetry: SymmetryInfo {
            formula: shared::composition::reduced_formula(&structure),
            natoms: structure.sites().len(),
            space_group: SpaceGroupRef { number: symmetry.number, symbol: symmetry.symbol.clone() },
            crystal_system: symmetry.crystal_system,
            symprec: DEFAULT_SYMPREC,
        },
        interpretation,
        ood: models::ood::assess(entry.ood.as_ref(), &structure, &explanation.embedding),
        timings: Timings { featurize_ms, model_ms, total_ms: ms(started) },
        model,
    })
}

/// Parses the request's structure. The parser stops at its own ceiling (5,000 atoms) with a
/// parse error; below that the server's limit is checked on the parsed count, so the error can
/// give it.
fn parse(request: &PredictRequest, limits: &Limits) -> ApiResult<Structure> {
    let max_atoms = limits.max_atoms.max(shared::structure::DEFAULT_MAX_ATOMS);
    let structure = shared::parse_with(
        &request.structure,
        &ParseOptions { format: request.format, max_atoms, ..Default::default() },
    )?;
    let natoms = structure.sites().len();
    if natoms > limits.max_atoms {
        return Err(shared::Error::TooManyAtoms { natoms, max: limits.max_atoms }.into());
    }
    Ok(structure)
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

fn modality_weights(gate: &[f32]) -> Option<ModalityWeights> {
    match gate {
        [graph, text] => Some(ModalityWeights { graph: f64::from(*graph), text: f64::from(*text), cross: None }),
        [graph, text, cross] => {
            Some(ModalityWeights { graph: f64::from(*graph), text: f64::from(*text), cross: Some(f64::from(*cross)) })
        }
        _ => None,
    }
}

/// The `TOP_K` highest `(index, weight)` pairs, highest first (ties: lower index first).
fn top_k(weights: &[f32]) -> Vec<(usize, f64)> {
    let mut ranked: Vec<(usize, f64)> = weights.iter().map(|&w| f64::from(w)).enumerate().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(TOP_K);
    ranked
}

fn top_tokens(entry: &ModelEntry, input: &ModelInput, explanation: &Explanation) -> Vec<AttendedToken> {
    let (Some(weights), Ok(spans)) = (&explanation.token_attention, entry.predictor.token_spans(&input.description))
    else {
        return vec![];
    };
    let text = &input.description;
    top_k(weights)
        .into_iter()
        .filter_map(|(position, weight)| {
            let span = spans.get(position)?;
            let (start, end) = word_around(text, span.start, span.end);
            Some(AttendedToken {
                position,
                token: entry.predictor.vocabulary().token(span.id).unwrap_or("[UNK]").to_string(),
                word: text.get(start..end)?.to_string(),
                start,
                end,
                weight,
            })
        })
        .collect()
}

/// The whitespace-delimited word of `text` that holds the byte span `start..end`.
fn word_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let (start, end) = (start.min(text.len()), end.min(text.len()));
    let before = text.get(..start).unwrap_or("");
    let after = text.get(end..).unwrap_or("");
    let word_start =
        before.rfind(char::is_whitespace).map_or(0, |i| i + before[i..].chars().next().map_or(1, char::len_utf8));
    let word_end = end + after.find(char::is_whitespace).unwrap_or(after.len());
    (word_start, word_end)
}

fn top_atoms(structure: &Structure, explanation: &Explanation) -> Vec<AttendedAtom> {
    let Some(weights) = &explanation.atom_attention else { return vec![] };
    top_k(weights)
        .into_iter()
        .filter_map(|(index, weight)| {
            let site = structure.sites().get(index)?;
            Some(AttendedAtom { index, element: site.element.symbol().to_string(), weight })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_hold_their_tokens() {
        let text = "NaCl is Rock-salt structured.";
        assert_eq!(word_around(text, 0, 2), (0, 4));
        assert_eq!(&text[word_around(text, 12, 13).0..word_around(text, 12, 13).1], "Rock-salt");
        assert_eq!(word_around(text, 28, 29), (18, 29));
        assert_eq!(word_around("", 0, 0), (0, 0));
    }

    #[test]
    fn top_k_is_ordered_and_bounded() {
        let w: Vec<f32> = (0..20).map(|i| (i % 5) as f32).collect();
        let top = top_k(&w);
        assert_eq!(top.len(), TOP_K);
        assert_eq!(top[0], (4, 4.0));
        assert!(top.windows(2).all(|p| p[0].1 >= p[1].1));
    }
}
