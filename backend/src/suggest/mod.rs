//! What to compute next (active learning by query by committee): a pool of unlabelled
//! structures ranked by how much a committee of the model's views disagrees on one property
//! ([`committee`]), with the evidential σ and the out-of-distribution score beside each, for
//! `matfuse suggest` and `POST /api/v1/suggest` alike; [`evaluate`] checks on a labelled pool
//! that the top of the ranking holds larger errors than random picks.
//!
//! A structure that cannot be read or predicted is recorded with its error, never fatal.

pub mod committee;
pub mod evaluate;

use crate::error::{Error, Result};
use committee::Reading;
use models::ood::OodStatistics;
use models::predictor::{ModelInput, Predictor};
use rayon::prelude::*;
use shared::api::{ModelInfo, OodReport, SuggestFailure, SuggestResponse, Suggestion};
use shared::batch::TableItem;
use shared::{ParseOptions, Structure};

/// The property ranked by when none is named.
pub const DEFAULT_PROPERTY: &str = "formation_energy_per_atom";

/// One pool structure the committee read.
#[derive(Clone, Debug)]
pub struct Scored {
    pub formula: String,
    pub reading: Reading,
    pub ood: OodReport,
}

/// Each pool item's reading (in pool order), or why it has none.
pub type ScoredPool = Vec<(String, std::result::Result<Scored, String>)>;

/// The position of `property` among `predictor`'s tasks, or the error listing them.
pub fn property_index(predictor: &Predictor, property: &str) -> Result<usize> {
    predictor.manifest.properties.iter().position(|p| p.name == property).ok_or_else(|| Error::UnknownProperty {
        property: property.to_string(),
        model: predictor.manifest.id.clone(),
        known: predictor.manifest.task_names().join(", "),
    })
}

/// Every item of `items` read by the committee of `predictor` on task `property`, with its
/// out-of-distribution report under `ood`; structures of more than `max_atoms` atoms are
/// refused. Featurisation runs in parallel, the network in batches.
pub fn score_pool(
    predictor: &Predictor,
    ood: Option<&OodStatistics>,
    items: &[TableItem],
    property: usize,
    max_atoms: usize,
) -> Result<ScoredPool> {
    if let Some(reason) = committee::unsuitable(predictor) {
        return Err(Error::CommandLine(reason));
    }
    let featurised: Vec<std::result::Result<(Structure, ModelInput), String>> =
        items.par_iter().map(|item| featurise(predictor, item, max_atoms)).collect();
    let mut inputs = Vec::new();
    let structures: Vec<std::result::Result<Structure, String>> = featurised
        .into_iter()
        .map(|outcome| {
            outcome.map(|(structure, input)| {
                inputs.push(input);
                structure
            })
        })
        .collect();
    let mut readings = committee::read(predictor, &inputs, property).into_iter();
    Ok(items
        .iter()
        .zip(structures)
        .map(|(item, structure)| {
            let scored = structure.and_then(|structure| {
                let reading = readings.next().ok_or_else(|| "the model returned no prediction".to_string())?;
                Ok(Scored {
                    formula: shared::composition::reduced_formula(&structure),
                    ood: models::ood::assess(ood, &structure, &reading.embedding),
                    reading,
                })
            });
            (item.name.clone(), scored)
        })
        .collect())
}

/// The `k` most disputed structures of `scored` (ties: pool order), most disputed first, as
/// the API reports them, and every structure that failed.
pub fn rank(scored: &ScoredPool, property: usize, k: usize) -> (Vec<Suggestion>, Vec<SuggestFailure>) {
    let mut read: Vec<(&str, &Scored)> =
        scored.iter().filter_map(|(name, s)| s.as_ref().ok().map(|s| (name.as_str(), s))).collect();
    read.sort_by(|a, b| b.1.reading.disagreement().total_cmp(&a.1.reading.disagreement()));
    let suggestions = read
        .into_iter()
        .take(k)
        .enumerate()
        .map(|(position, (name, s))| Suggestion {
            rank: position + 1,
            name: name.to_string(),
            formula: s.formula.clone(),
            value: s.reading.prediction.value[property],
            members: s.reading.members.to_vec(),
            disagreement: s.reading.disagreement(),
            sigma: s.reading.prediction.sigma[property],
            ood_score: s.ood.score,
            ood_quantile: s.ood.training_quantile,
            ood_level: s.ood.level,
        })
        .collect();
    let failed = scored
        .iter()
        .filter_map(|(name, s)| {
            s.as_ref().err().map(|error| SuggestFailure { name: name.clone(), error: error.clone() })
        })
        .collect();
    (suggestions, failed)
}

/// The whole answer for a pool: `items` scored on `property` and the `k` most disputed listed
/// (what `POST /api/v1/suggest` and `matfuse suggest --json` return).
pub fn suggest(
    predictor: &Predictor,
    model: ModelInfo,
    ood: Option<&OodStatistics>,
    items: &[TableItem],
    property: &str,
    k: usize,
    max_atoms: usize,
) -> Result<SuggestResponse> {
    let index = property_index(predictor, property)?;
    let scored = score_pool(predictor, ood, items, index, max_atoms)?;
    let (ranked, failed) = rank(&scored, index, k);
    let spec = &predictor.manifest.properties[index];
    Ok(SuggestResponse {
        model,
        property: spec.name.clone(),
        unit: spec.unit.clone(),
        committee: committee::MEMBERS.iter().map(|m| m.to_string()).collect(),
        method: committee::METHOD.to_string(),
        // The same sentence for every structure of one model.
        ood_method: scored.iter().find_map(|(_, s)| s.as_ref().ok().map(|s| s.ood.method.clone())).unwrap_or_default(),
        pool: items.len(),
        ranked,
        failed,
    })
}

/// Parses one item (its format from the table's column or detected) and builds its model
/// input from the generated description.
fn featurise(
    predictor: &Predictor,
    item: &TableItem,
    max_atoms: usize,
) -> std::result::Result<(Structure, ModelInput), String> {
    let (text, format) = item.structure.as_ref().map_err(Clone::clone)?;
    let options = ParseOptions {
        format: *format,
        max_atoms: max_atoms.max(shared::structure::DEFAULT_MAX_ATOMS),
        ..Default::default()
    };
    let structure = shared::io::parse_with(text, &options).map_err(|e| e.to_string())?;
    let natoms = structure.sites().len();
    if natoms > max_atoms {
        return Err(shared::Error::TooManyAtoms { natoms, max: max_atoms }.to_string());
    }
    let input = predictor.input(&structure).map_err(|e| e.to_string())?;
    Ok((structure, input))
}
