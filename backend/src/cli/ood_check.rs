//! How well the out-of-distribution scores work (`matfuse ood --compare`), as Markdown tables:
//! ROC-AUC of telling the test split from other structures (the centre distance and the
//! nearest-neighbour score side by side), the share of each set flagged, the test split's
//! formation-energy error by score decile (it should rise with the score), and how often a
//! reduced index's top 5 are those of the full one.

use crate::error::{Error, Result};
use models::metrics::separation_auc;
use models::neighbours::{NeighbourIndex, OUTSIDE_PERCENTILE, UNUSUAL_PERCENTILE};
use models::ood::OodStatistics;
use models::predictor::{Predictor, SIMILAR_MATERIALS};
use models::train::Prediction;
use rayon::prelude::*;
use shared::batch::{self, TableItem};
use shared::dataset::FeaturizedRecord;
use shared::io::ParseOptions;
use std::fmt::Write;
use std::path::Path;

/// The property whose error the deciles show.
const ERROR_TASK: &str = "formation_energy_per_atom";
const DECILES: usize = 10;

/// A test structure: its fused embedding and its formation-energy error |predicted − DFT|
/// (eV/atom; `None` without a label).
pub struct TestRow {
    pub embedding: Vec<f32>,
    pub error: Option<f64>,
}

/// The test rows of `rows` (records with the model's prediction and embedding).
pub fn test_rows(predictor: &Predictor, rows: &[(&FeaturizedRecord, &(Prediction, Vec<f32>))]) -> Result<Vec<TestRow>> {
    let position = predictor.manifest.task_names().iter().position(|&n| n == ERROR_TASK);
    let label = shared::task::index(ERROR_TASK);
    let (Some(position), Some(label)) = (position, label) else {
        return Err(Error::CommandLine(format!("the model does not predict {ERROR_TASK}")));
    };
    Ok(rows
        .iter()
        .map(|(record, (prediction, embedding))| TestRow {
            embedding: embedding.clone(),
            error: record
                .labels
                .get(label)
                .copied()
                .flatten()
                .map(|y| (prediction.value[position] - f64::from(y)).abs()),
        })
        .collect())
}

/// Fused embeddings of the structures in `path`: a directory of structure files or a table;
/// an item that does not read is reported on standard error and left out.
pub fn embed_structures(predictor: &Predictor, path: &Path) -> Result<Vec<Vec<f32>>> {
    let read = |path: &Path| std::fs::read(path).map_err(|source| Error::Read { path: path.into(), source });
    let limits = batch::UnpackLimits::default();
    let items: Vec<TableItem> = if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(|source| Error::Read { path: path.into(), source })?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        let mut items = Vec::new();
        for file in &files {
            items.extend(batch::items_from_file(&file.display().to_string(), &read(file)?, limits));
        }
        items
    } else {
        batch::table_items(&read(path)?, &path.display().to_string(), limits)?
    };
    let inputs: Vec<_> = items
        .par_iter()
        .filter_map(|item| {
            let input = item.structure.as_ref().map_err(Clone::clone).and_then(|(text, format)| {
                let options = ParseOptions { format: *format, ..Default::default() };
                let structure = shared::io::parse_with_warnings(text, &options).map_err(|e| e.to_string())?.structure;
                predictor.input(&structure).map_err(|e| e.to_string())
            });
            input.map_err(|e| eprintln!("skipped {}: {e}", item.name)).ok()
        })
        .collect();
    eprintln!("embedding {} structures of {}…", inputs.len(), path.display());
    Ok(predictor.embeddings(&inputs))
}

/// The Markdown report (see the module documentation); `stats` must hold a neighbour index,
/// `full` is the full-dimension index when that one is reduced.
pub fn report(
    stats: &OodStatistics,
    full: Option<&NeighbourIndex>,
    test: &[TestRow],
    groups: &[(String, Vec<Vec<f32>>)],
) -> String {
    let Some(index) = stats.neighbours.as_deref() else { return String::new() };
    let centre = |e: &[f32]| stats.score(e);
    let knn = |e: &[f32]| index.score(e);
    let test_centre: Vec<f64> = test.iter().map(|r| centre(&r.embedding)).collect();
    let started = std::time::Instant::now();
    let test_knn: Vec<f64> = test.iter().map(|r| knn(&r.embedding)).collect();
    let query_ms = started.elapsed().as_secs_f64() * 1e3 / test.len().max(1) as f64;
    let flagged = |quantiles: &[f64], threshold: f64| {
        quantiles.iter().filter(|&&q| q > threshold).count() as f64 / quantiles.len().max(1) as f64 * 100.0
    };
    let centre_flags = |scores: &[f64]| scores.iter().map(|&s| stats.quantile(s)).collect::<Vec<_>>();
    let knn_flags = |scores: &[f64]| scores.iter().map(|&s| index.percentile(s)).collect::<Vec<_>>();

    let mut out = String::new();
    let _ =
        writeln!(out, "neighbour score: {}; exact search {query_ms:.2} ms per query (one thread)\n", index.method());
    let test_full: Option<Vec<f64>> = full.map(|f| test.iter().map(|r| f.score(&r.embedding)).collect());
    let full_auc = |c: &[Vec<f32>]| match (full, &test_full) {
        (Some(f), Some(test)) => {
            format!("{:.3}", separation_auc(test, &c.iter().map(|e| f.score(e)).collect::<Vec<_>>()))
        }
        _ => "–".into(),
    };
    let _ = writeln!(
        out,
        "| compared with the test split ({} structures) | n | ROC-AUC, centre distance | ROC-AUC, kNN | ROC-AUC, kNN on every dimension | flagged (centre) | flagged (kNN) | out of distribution (kNN) |",
        test.len()
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
    let row = |out: &mut String, name: &str, c: &[f64], k: &[f64], auc: (f64, f64), full: String| {
        let _ = writeln!(
            out,
            "| {name} | {} | {:.3} | {:.3} | {full} | {:.1} % | {:.1} % | {:.1} % |",
            c.len(),
            auc.0,
            auc.1,
            flagged(&centre_flags(c), UNUSUAL_PERCENTILE),
            flagged(&knn_flags(k), UNUSUAL_PERCENTILE),
            flagged(&knn_flags(k), OUTSIDE_PERCENTILE)
        );
    };
    row(&mut out, "(the test split itself)", &test_centre, &test_knn, (f64::NAN, f64::NAN), "–".into());
    for (name, embeddings) in groups {
        let c: Vec<f64> = embeddings.iter().map(|e| centre(e)).collect();
        let k: Vec<f64> = embeddings.iter().map(|e| knn(e)).collect();
        row(
            &mut out,
            name,
            &c,
            &k,
            (separation_auc(&test_centre, &c), separation_auc(&test_knn, &k)),
            full_auc(embeddings),
        );
    }

    let labelled: Vec<usize> = (0..test.len()).filter(|&i| test[i].error.is_some()).collect();
    let by_decile = |scores: &[f64]| -> Vec<(f64, f64, f64)> {
        let mut order = labelled.clone();
        order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
        (0..DECILES)
            .map(|d| {
                let part = &order[d * order.len() / DECILES..(d + 1) * order.len() / DECILES];
                let mae = part.iter().filter_map(|&i| test[i].error).sum::<f64>() / part.len().max(1) as f64;
                let (lo, hi) =
                    (part.first().map_or(f64::NAN, |&i| scores[i]), part.last().map_or(f64::NAN, |&i| scores[i]));
                (lo, hi, mae)
            })
            .collect()
    };
    let (knn_deciles, centre_deciles) = (by_decile(&test_knn), by_decile(&test_centre));
    let _ = writeln!(
        out,
        "\n| score decile ({} labelled test structures) | kNN score | formation energy MAE by kNN decile (eV/atom) | centre distance | MAE by centre decile (eV/atom) |",
        labelled.len()
    );
    let _ = writeln!(out, "|---:|---|---:|---|---:|");
    for (d, (k, c)) in knn_deciles.iter().zip(&centre_deciles).enumerate() {
        let _ =
            writeln!(out, "| {} | {:.3}–{:.3} | {:.4} | {:.3}–{:.3} | {:.4} |", d + 1, k.0, k.1, k.2, c.0, c.1, c.2);
    }
    if let Some(full) = full {
        let ids = |i: &NeighbourIndex, e: &[f32]| -> Vec<String> {
            i.nearest(e, SIMILAR_MATERIALS).iter().map(|n| n.material.id.clone()).collect()
        };
        let (mut overlap, mut first) = (0usize, 0usize);
        for row in test {
            let (reduced, exact) = (ids(index, &row.embedding), ids(full, &row.embedding));
            overlap += reduced.iter().filter(|id| exact.contains(id)).count();
            first += usize::from(reduced.first() == exact.first());
        }
        let n = test.len().max(1) as f64;
        let _ = writeln!(
            out,
            "\nTop {SIMILAR_MATERIALS} of the {}-dimension index against the full index ({} dimensions) on the test split: {:.1} % of the materials shared, the closest the same for {:.1} %.",
            index.dims(),
            full.dims(),
            overlap as f64 / (n * SIMILAR_MATERIALS as f64) * 100.0,
            first as f64 / n * 100.0
        );
    }
    out
}
