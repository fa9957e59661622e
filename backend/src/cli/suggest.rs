//! `matfuse suggest`: rank a pool of unlabelled structures by the committee's disagreement
//! (`crate::suggest`), as CSV or JSON; `--evaluate` instead compares the top of the ranking with
//! random picks on a pool with known labels (the RESULTS.md table).

use super::print_stdout;
use crate::error::{Error, Result};
use crate::suggest::{self, DEFAULT_PROPERTY, evaluate};
use models::ood::OodStatistics;
use models::predictor::Predictor;
use shared::api::{ModelInfo, SuggestResponse};
use shared::batch::{self, TableItem};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct SuggestArgs {
    /// Model bundle directory (e.g. models/weights/browser); a fusion model.
    #[arg(long)]
    model: PathBuf,
    /// The pool: a structure table (CSV or CSV.gz) with a `cif`, `poscar` or `structure`
    /// column and optional `name`/`material_id`/`id`; label columns are ignored for ranking.
    #[arg(long)]
    pool: PathBuf,
    /// How many structures to suggest.
    #[arg(long, default_value_t = 50)]
    k: usize,
    /// The property the committee is asked about (a task of the model's manifest).
    #[arg(long, default_value = DEFAULT_PROPERTY)]
    property: String,
    /// Only rows of this split (`split` column), e.g. a held-back slice of `val`.
    #[arg(long)]
    split: Option<String>,
    /// Only the first N rows (after `--split`).
    #[arg(long)]
    limit: Option<usize>,
    /// Write the ranked CSV here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the answer of `POST /api/v1/suggest` (JSON) instead of the CSV.
    #[arg(long)]
    json: bool,
    /// Compare the top-k's mean absolute error against the pool's labels with random picks,
    /// ranking by σ and by the out-of-distribution score (a Markdown table).
    #[arg(long, conflicts_with = "json")]
    evaluate: bool,
    /// The label column for `--evaluate` (default: the property's column).
    #[arg(long, requires = "evaluate")]
    label: Option<String>,
    /// Random draws of k structures for `--evaluate`.
    #[arg(long, default_value_t = 20)]
    draws: usize,
    /// Seed of the random draws.
    #[arg(long, default_value_t = 20261205)]
    seed: u64,
    /// Where to run the model: cpu (default), wgpu or cuda.
    #[arg(long, default_value = "cpu", env = "MATFUSE_DEVICE")]
    device: models::device::DeviceChoice,
}

pub fn run(args: &SuggestArgs) -> Result<()> {
    let predictor = Predictor::load(&args.model, &args.device.device()?)?;
    let ood = OodStatistics::load(&args.model, &predictor.manifest.weights.sha256)?;
    let property = suggest::property_index(&predictor, &args.property)?;
    let label_column = match (&args.label, args.evaluate) {
        (Some(column), _) => Some(column.clone()),
        (None, true) => shared::task::by_name(&args.property).map(|t| t.column.to_string()),
        (None, false) => None,
    };
    let (items, labels) = pool(args, label_column.as_deref())?;
    let max_atoms = shared::structure::DEFAULT_MAX_ATOMS;
    let output = if args.evaluate {
        let scored = suggest::score_pool(&predictor, ood.as_ref(), &items, property, max_atoms)?;
        let evaluation = evaluate::evaluate(&scored, &labels, property, args.k, args.draws, args.seed);
        let failed = scored.iter().filter(|(_, s)| s.is_err()).count();
        format!(
            "model {}, pool {} ({} rows, {failed} unreadable; labels: `{}`), property {}\n\n{}",
            predictor.manifest.id,
            args.pool.display(),
            items.len(),
            label_column.as_deref().unwrap_or(""),
            args.property,
            evaluation.to_markdown(&predictor.manifest.properties[property].unit)
        )
    } else {
        let model = ModelInfo {
            id: predictor.manifest.id.clone(),
            version: predictor.manifest.version.clone(),
            trained: predictor.manifest.trained,
            weights_sha256: predictor.manifest.weights.sha256.clone(),
            notice: None,
        };
        let answer = suggest::suggest(&predictor, model, ood.as_ref(), &items, &args.property, args.k, max_atoms)?;
        for failure in &answer.failed {
            eprintln!("warning: {}: {}", failure.name, failure.error);
        }
        if args.json {
            serde_json::to_string(&answer).expect("the answer serialises") + "\n"
        } else {
            ranked_csv(&answer)
        }
    };
    match &args.out {
        Some(path) => std::fs::write(path, output).map_err(|source| Error::Write { path: path.clone(), source }),
        None => print_stdout(&output),
    }
}

/// The pool's items (rows of `--split`, the first `--limit`; an unreadable row is an item
/// carrying its error) and each one's label in `label_column` (`None` without one).
fn pool(args: &SuggestArgs, label_column: Option<&str>) -> Result<(Vec<TableItem>, Vec<Option<f64>>)> {
    let path: &Path = &args.pool;
    let bytes = std::fs::read(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })?;
    let columns: Vec<&str> = label_column.into_iter().collect();
    let rows = batch::read_table(&bytes, &path.display().to_string(), &columns, u64::MAX)?;
    let wanted = |row: &Result<batch::TableRow, shared::Error>| match (&args.split, row) {
        (Some(split), Ok(row)) => row.split.as_deref() == Some(split.as_str()),
        _ => true,
    };
    Ok(rows
        .into_iter()
        .enumerate()
        .filter(|(_, row)| wanted(row))
        .take(args.limit.unwrap_or(usize::MAX))
        .map(|(index, row)| match row {
            Ok(row) => {
                let label = row.labels.first().copied().flatten().map(f64::from);
                (TableItem { name: row.display_name(), structure: Ok((row.structure, row.format)) }, label)
            }
            Err(e) => (TableItem { name: batch::row_name(index), structure: Err(e.to_string()) }, None),
        })
        .unzip())
}

/// The ranking as CSV: one row per suggestion, then one per structure that failed (its
/// `error` filled, the rest empty).
fn ranked_csv(answer: &SuggestResponse) -> String {
    let mut header = vec!["rank", "name", "formula", "value", "disagreement", "sigma"];
    let member_columns: Vec<String> = answer.committee.iter().map(|m| m.replace(' ', "_")).collect();
    header.extend(member_columns.iter().map(String::as_str));
    header.extend(["ood_score", "ood_quantile", "ood_level", "error"]);
    let mut csv = batch::csv_record(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    let number = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.6}"));
    for s in &answer.ranked {
        let mut cells = vec![s.rank.to_string(), s.name.clone(), s.formula.clone()];
        cells.extend([s.value, s.disagreement, s.sigma].map(|v| number(Some(v))));
        cells.extend(s.members.iter().map(|&v| number(Some(v))));
        let level = serde_json::to_value(s.ood_level).ok().and_then(|v| v.as_str().map(str::to_string));
        cells.extend([number(s.ood_score), number(s.ood_quantile), level.unwrap_or_default(), String::new()]);
        csv.push_str(&batch::csv_record(&cells));
    }
    for failure in &answer.failed {
        let mut cells = vec![String::new(); header.len()];
        cells[1] = failure.name.clone();
        cells[header.len() - 1] = failure.error.clone();
        csv.push_str(&batch::csv_record(&cells));
    }
    csv
}
