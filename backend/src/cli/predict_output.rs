//! `matfuse predict --json` and `--text`: the predictions with each structure's stability and
//! the training materials like it (the CSV, the default, is `shared::batch::ResultCsv`).

use super::eval::Predicted;
use serde::Serialize;
use shared::api::{HullEstimator, OodReport, Predictions, SimilarMaterial, Stability};
use shared::io::ParseWarning;
use std::fmt::Write;

/// One structure of `--json`: its prediction, or why there is none.
#[derive(Serialize)]
struct JsonItem<'a> {
    name: &'a str,
    #[serde(flatten)]
    outcome: JsonOutcome<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsonOutcome<'a> {
    Predicted {
        formula: &'a str,
        space_group: &'a str,
        predictions: &'a Predictions,
        ood: &'a OodReport,
        #[serde(skip_serializing_if = "Option::is_none")]
        stability: &'a Option<Stability>,
        similar_materials: &'a [SimilarMaterial],
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        warnings: &'a [ParseWarning],
    },
    Failed {
        error: &'a str,
    },
}

/// A JSON array, one object per structure (`name` and either the prediction's fields or
/// `error`), with a final newline.
pub fn json(predicted: &[(&str, Result<Predicted, String>)]) -> String {
    let items: Vec<JsonItem> = predicted
        .iter()
        .map(|(name, outcome)| JsonItem {
            name,
            outcome: match outcome {
                Ok(p) => JsonOutcome::Predicted {
                    formula: &p.formula,
                    space_group: &p.space_group,
                    predictions: &p.assessed.predictions,
                    ood: &p.assessed.ood,
                    stability: &p.stability,
                    similar_materials: &p.assessed.similar_materials,
                    warnings: &p.warnings,
                },
                Err(error) => JsonOutcome::Failed { error },
            },
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_default() + "\n"
}

/// Per structure: its predicted values, its out-of-distribution level, its stability and the
/// training materials like it, closest first, each with its DFT labels and Materials Project page.
pub fn text(predicted: &[(&str, Result<Predicted, String>)]) -> String {
    let mut out = String::new();
    for (name, outcome) in predicted {
        let p = match outcome {
            Ok(p) => p,
            Err(error) => {
                let _ = writeln!(out, "{name}: error: {error}\n");
                continue;
            }
        };
        let _ = writeln!(out, "{name}: {} ({}), {}", p.formula, p.space_group, p.assessed.ood.level.as_str());
        for (property, value) in p.assessed.predictions.iter() {
            let _ = writeln!(out, "  {property}: {:.3} ± {:.3} {}", value.value, value.sigma, value.unit);
        }
        if let Some(stability) = &p.stability {
            stability_text(&mut out, stability);
        }
        if p.assessed.similar_materials.is_empty() {
            let _ = writeln!(out, "  materials like this one: none (the model has no neighbour index)\n");
            continue;
        }
        let _ = writeln!(out, "  materials like this one (DFT labels):");
        for m in &p.assessed.similar_materials {
            let labels: Vec<String> = shared::task::TASKS
                .iter()
                .filter_map(|t| Some(format!("{} {:.3} {}", t.name, m.labels.get(t.name)?, t.unit)))
                .collect();
            let _ = writeln!(
                out,
                "    {} {} ({} {}), distance {:.3}: {}\n      {}",
                m.material_id,
                m.formula,
                m.space_group.symbol,
                m.space_group.number,
                m.distance,
                labels.join(", "),
                m.url
            );
        }
        out.push('\n');
    }
    out
}

/// The energy above hull by the chosen estimator (the other beside it), the probability of lying
/// on the hull, the decomposition products and the caveat.
fn stability_text(out: &mut String, s: &Stability) {
    let (chosen, other) = match s.estimator {
        HullEstimator::ConvexHull => ("convex hull", s.direct_energy_above_hull.map(|d| ("direct head", d))),
        HullEstimator::DirectHead => ("direct head", Some(("convex hull", s.convex_hull_energy_above_hull))),
    };
    let other = other.map_or(String::new(), |(name, value)| format!("; {name}: {value:.3}"));
    let _ = writeln!(
        out,
        "  energy above hull: {:.3} eV/atom ({chosen}{other}), probability on the hull {:.2}",
        s.energy_above_hull, s.probability_on_hull
    );
    let _ = writeln!(out, "  decomposes into: {}", s.decomposition_text);
    let _ = writeln!(out, "  caveat: {}", s.caveat);
}
