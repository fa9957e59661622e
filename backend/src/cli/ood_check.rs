//! How well the out-of-distribution scores work (`matfuse ood --compare`), as Markdown tables:
//! ROC-AUC of telling the test split from other structures (the centre distance and the
//! nearest-neighbour scores of the reduced and the full index side by side), the share of each
//! set flagged at the validation-calibrated thresholds, the test split's formation-energy error
//! by score decile (it should rise with the score), and how often a reduced index's top 5 are
//! those of the full one.

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
/// `full` is the full-dimension index when that one is reduced (then each table has its
/// columns too).
pub fn report(
    stats: &OodStatistics,
    full: Option<&NeighbourIndex>,
    test: &[TestRow],
    groups: &[(String, Vec<Vec<f32>>)],
) -> String {
    let Some(index) = stats.neighbours.as_deref() else { return String::new() };
    let indexes: Vec<(String, &NeighbourIndex)> =
        std::iter::once(index).chain(full).map(|i| (format!("kNN, {} dims", i.dims()), i)).collect();
    let test_centre: Vec<f64> = test.iter().map(|r| stats.score(&r.embedding)).collect();
    let mut query_ms = Vec::new();
    let test_knn: Vec<Vec<f64>> = indexes
        .iter()
        .map(|(_, i)| {
            let started = std::time::Instant::now();
            let scores = test.iter().map(|r| i.score(&r.embedding)).collect();
            query_ms.push(started.elapsed().as_secs_f64() * 1e3 / test.len().max(1) as f64);
            scores
        })
        .collect();
    let share = |quantiles: Vec<f64>, threshold: f64| {
        quantiles.iter().filter(|&&q| q > threshold).count() as f64 / quantiles.len().max(1) as f64 * 100.0
    };

    let mut out = String::new();
    for ((name, i), ms) in indexes.iter().zip(&query_ms) {
        let _ = writeln!(
            out,
            "{name}: {}; exact search {ms:.2} ms per query (one thread); validation-calibrated thresholds: score {:.3} (95th percentile, `unusual` above) and {:.3} (99th, `out_of_distribution` above)\n",
            i.method(),
            i.threshold(UNUSUAL_PERCENTILE),
            i.threshold(OUTSIDE_PERCENTILE)
        );
    }
    let names: Vec<&str> = indexes.iter().map(|(n, _)| n.as_str()).collect();
    let per_index = |f: &dyn Fn(&str) -> String| names.iter().map(|n| f(n)).collect::<Vec<_>>().join(" | ");
    let _ = writeln!(
        out,
        "| compared with the test split ({} structures) | n | ROC-AUC, centre distance | {} | flagged (centre) | {} | {} |",
        test.len(),
        per_index(&|n| format!("ROC-AUC, {n}")),
        per_index(&|n| format!("flagged ({n})")),
        per_index(&|n| format!("out of distribution ({n})"))
    );
    let _ = writeln!(out, "|---|---:|---:|{}", "---:|".repeat(1 + 3 * indexes.len()));
    let row = |out: &mut String, name: &str, centre: &[f64], knn: &[Vec<f64>], auc: Option<(f64, Vec<f64>)>| {
        let fmt = |x: f64| if x.is_nan() { "–".to_string() } else { format!("{x:.3}") };
        let (centre_auc, knn_auc) = auc.unwrap_or((f64::NAN, vec![f64::NAN; knn.len()]));
        let flags = |threshold: f64| {
            indexes
                .iter()
                .zip(knn)
                .map(|((_, i), k)| format!("{:.1} %", share(k.iter().map(|&s| i.percentile(s)).collect(), threshold)))
                .collect::<Vec<_>>()
                .join(" | ")
        };
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {} | {:.1} % | {} | {} |",
            centre.len(),
            fmt(centre_auc),
            knn_auc.iter().map(|&a| fmt(a)).collect::<Vec<_>>().join(" | "),
            share(centre.iter().map(|&s| stats.quantile(s)).collect(), UNUSUAL_PERCENTILE),
            flags(UNUSUAL_PERCENTILE),
            flags(OUTSIDE_PERCENTILE)
        );
    };
    row(&mut out, "(the test split itself)", &test_centre, &test_knn, None);
    for (name, embeddings) in groups {
        let centre: Vec<f64> = embeddings.iter().map(|e| stats.score(e)).collect();
        let knn: Vec<Vec<f64>> = indexes.iter().map(|(_, i)| embeddings.iter().map(|e| i.score(e)).collect()).collect();
        let auc = (
            separation_auc(&test_centre, &centre),
            test_knn.iter().zip(&knn).map(|(t, k)| separation_auc(t, k)).collect(),
        );
        row(&mut out, name, &centre, &knn, Some(auc));
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
    let columns: Vec<(&str, Vec<(f64, f64, f64)>)> = names
        .iter()
        .copied()
        .zip(test_knn.iter().map(|k| by_decile(k)))
        .chain([("centre distance", by_decile(&test_centre))])
        .collect();
    let _ = writeln!(
        out,
        "\n| score decile ({} labelled test structures; formation energy MAE, eV/atom) | {} |",
        labelled.len(),
        columns.iter().map(|(n, _)| format!("{n} | MAE")).collect::<Vec<_>>().join(" | ")
    );
    let _ = writeln!(out, "|---:|{}", "---|---:|".repeat(columns.len()));
    for d in 0..DECILES {
        let cells: Vec<String> =
            columns.iter().map(|(_, c)| format!("{:.3}–{:.3} | {:.4}", c[d].0, c[d].1, c[d].2)).collect();
        let _ = writeln!(out, "| {} | {} |", d + 1, cells.join(" | "));
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
