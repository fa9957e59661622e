//! `matfuse predict` and `matfuse eval` for a molecule bundle (`kind: molecule` in its
//! manifest): SMILES from `--smiles` or a table's `smiles` column through
//! [`MoleculePredictor`], the prediction path of the server and the page.

use super::eval::{EvalArgs, PredictArgs};
use super::print_stdout;
use crate::error::{Error, Result};
use models::bundle::{Bundle, BundleKind, MANIFEST_FILE, Manifest};
use models::molecule_batch::Views;
use models::predictor::MoleculePredictor;
use models::predictor::molecule::molecule_summary;
use serde::Serialize;
use shared::api::{MoleculePrediction, MoleculeSummary};
use shared::molecule::Molecule;
use shared::task::TaskKind;
use std::collections::BTreeMap;
use std::path::Path;

/// Whether the bundle in `dir` is a molecule model (reads its manifest only).
pub fn is_molecule_bundle(dir: &Path) -> Result<bool> {
    let path = dir.join(MANIFEST_FILE);
    let bytes = std::fs::read(&path).map_err(|source| Error::Read { path: path.clone(), source })?;
    Ok(Manifest::from_json(&bytes, &path)?.kind == BundleKind::Molecule)
}

/// One molecule's answer in `--json`: its name, what was read and the model's prediction.
#[derive(Serialize)]
struct MoleculeAnswer {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    molecule: Option<MoleculeSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prediction: Option<MoleculePrediction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// `matfuse predict --model <molecule bundle> --smiles S… | --csv TABLE`.
pub fn predict(args: &PredictArgs) -> Result<()> {
    let predictor = MoleculePredictor::new(&Bundle::load(&args.model)?, &args.device.device()?)?;
    let items = molecule_items(args)?;
    if items.is_empty() {
        return Err(Error::CommandLine("nothing to predict: give --smiles or a --csv with a `smiles` column".into()));
    }
    let answers: Vec<MoleculeAnswer> = items
        .into_iter()
        .map(|(name, molecule)| match molecule {
            Ok(molecule) => MoleculeAnswer {
                name,
                prediction: Some(predictor.explain(&molecule)),
                molecule: Some(molecule_summary(&molecule)),
                error: None,
            },
            Err(error) => MoleculeAnswer { name, molecule: None, prediction: None, error: Some(error) },
        })
        .collect();
    let text = if args.json {
        serde_json::to_string_pretty(&answers).expect("answers serialise") + "\n"
    } else if args.text {
        text(&answers)
    } else {
        csv(&predictor, &answers)
    };
    match &args.out {
        Some(path) => std::fs::write(path, text).map_err(|source| Error::Write { path: path.clone(), source }),
        None => print_stdout(&text),
    }
}

/// `(name, molecule or the reader's error)` of each SMILES asked for.
fn molecule_items(args: &PredictArgs) -> Result<Vec<(String, std::result::Result<Molecule, String>)>> {
    if let Some(path) = &args.csv {
        let bytes = std::fs::read(path).map_err(|source| Error::Read { path: path.clone(), source })?;
        let rows = shared::batch::read_molecule_table(&bytes, &path.display().to_string(), &[], 1 << 30)
            .map_err(|e| Error::CommandLine(e.to_string()))?;
        return Ok(rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| match row {
                Ok(row) => (row.name.unwrap_or_else(|| format!("row-{}", row.index + 1)), Ok(row.molecule)),
                Err(e) => (format!("row-{}", i + 1), Err(e.to_string())),
            })
            .collect());
    }
    Ok(args
        .smiles
        .iter()
        .map(|s| (s.clone(), Molecule::from_smiles(s).map_err(|e| format!("invalid SMILES: {e}"))))
        .collect())
}

/// `name,smiles,<task>,<task>_sigma…,error` (a classifier's column holds the probability):
/// [`shared::batch::MoleculeResultCsv`], the layout of the API's molecule batch.
fn csv(predictor: &MoleculePredictor, answers: &[MoleculeAnswer]) -> String {
    let table = shared::batch::MoleculeResultCsv::new(&[(predictor.manifest.id.as_str(), predictor.tasks())]);
    let mut out = table.header();
    for answer in answers {
        let smiles = answer.molecule.as_ref().map_or("", |m| m.smiles.as_str());
        let outcome = match (&answer.prediction, &answer.error) {
            (Some(prediction), _) => Ok(std::slice::from_ref(prediction)),
            (None, error) => Err(error.as_deref().unwrap_or_default()),
        };
        out.push_str(&table.row(&answer.name, smiles, outcome));
    }
    out
}

/// A readable summary per molecule: each task's value ± σ or probability, the gate, the atoms
/// that matter most and the prediction with each view removed.
fn text(answers: &[MoleculeAnswer]) -> String {
    let mut out = String::new();
    for answer in answers {
        out.push_str(&format!("{}\n", answer.name));
        if let Some(error) = &answer.error {
            out.push_str(&format!("  error: {error}\n\n"));
            continue;
        }
        let (Some(molecule), Some(p)) = (&answer.molecule, &answer.prediction) else { continue };
        out.push_str(&format!(
            "  {} — {} atoms, {} bonds; model {} ({})\n",
            molecule.formula, molecule.atoms, molecule.bonds, p.model.id, p.fusion
        ));
        for value in &p.tasks {
            out.push_str(&format!("  {}\n", task_line(value)));
        }
        if let Some(g) = &p.gate {
            out.push_str(&format!(
                "  gate: graph {:.2}, SMILES {:.2}, fingerprint {:.2}{}\n",
                g.graph,
                g.smiles,
                g.fingerprint,
                g.cross.map(|c| format!(", cross {c:.2}")).unwrap_or_default()
            ));
        }
        let mut atoms: Vec<_> = p.atom_contributions.iter().collect();
        atoms.sort_by(|a, b| b.contributions[0].abs().total_cmp(&a.contributions[0].abs()));
        let top: Vec<String> =
            atoms.iter().take(5).map(|a| format!("{}{} {:+.3}", a.element, a.index, a.contributions[0])).collect();
        out.push_str(&format!("  atoms that matter most: {}\n", top.join(", ")));
        for removed in &p.without_view {
            out.push_str(&format!("  without {:?}: {}\n", removed.view, task_line(&removed.tasks[0])));
        }
        out.push('\n');
    }
    out
}

fn task_line(v: &shared::api::MoleculeTaskValue) -> String {
    match (v.sigma, v.probability) {
        (Some(sigma), _) => format!("{} = {:.3} ± {:.3} {}", v.task, v.value, sigma, v.unit),
        (None, Some(p)) => format!("{}: probability {:.3}", v.task, p),
        _ => format!("{} = {:.3} {}", v.task, v.value, v.unit),
    }
}

/// Metrics of one part of the table, by task.
#[derive(Serialize)]
struct PartMetrics {
    part: String,
    metrics: BTreeMap<String, BTreeMap<String, f64>>,
}

/// `matfuse eval --model <molecule bundle> [--data TABLE]`: the recorded table and split
/// rebuilt (validation and test), or every row of `--data`.
pub fn eval(args: &EvalArgs) -> Result<()> {
    if !matches!(args.modalities, super::eval::ModalityArg::Both) {
        return Err(Error::CommandLine(
            "--modalities is for a crystal model; a molecule model takes --without graph, smiles or fingerprint".into(),
        ));
    }
    let views = args.without.map_or(Views::ALL, |view| Views::without(view as usize));
    let bundle = Bundle::load(&args.model)?;
    let predictor = MoleculePredictor::new(&bundle, &args.device.device()?)?;
    let manifest = &predictor.manifest;
    if args.without.is_some() && !predictor.network.fusion.is_fusion() {
        let fusion = models::predictor::molecule::fusion_name(&predictor.network);
        return Err(Error::CommandLine(format!(
            "--without removes one view of a fusion; model '{}' reads one view ({fusion})",
            manifest.id
        )));
    }
    let table = match &args.data {
        Some(path) => path.clone(),
        None => manifest.training.data.first().map(Into::into).ok_or_else(|| {
            Error::CommandLine(format!("model '{}' records no training table: give --data", manifest.id))
        })?,
    };
    let bytes = std::fs::read(&table).map_err(|source| Error::Read { path: table.clone(), source })?;
    let tasks = manifest.tasks();
    let columns: Vec<&str> = tasks.iter().map(|t| t.column).collect();
    let rows: Vec<_> = shared::batch::read_molecule_table(&bytes, &table.display().to_string(), &columns, 1 << 30)
        .map_err(|e| Error::CommandLine(e.to_string()))?
        .into_iter()
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::CommandLine(e.to_string()))?;
    let parts: Vec<(String, Vec<usize>)> = if args.data.is_some() {
        vec![("all".into(), (0..rows.len()).collect())]
    } else {
        use crate::training::molecule::SplitKind;
        let kind = match manifest.training.split_kind.as_deref() {
            Some(name) => SplitKind::parse(name)
                .ok_or_else(|| Error::CommandLine(format!("the manifest records an unknown split `{name}`")))?,
            None => SplitKind::Random,
        };
        let seed = match (kind.is_seeded(), manifest.training.split_seed) {
            (true, Some(seed)) => seed,
            (true, None) => return Err(Error::CommandLine("the manifest records no split: give --data".into())),
            (false, _) => 0,
        };
        let split = kind.split(rows.iter().map(|r| &r.molecule), seed);
        vec![("validation".into(), split.val), ("test".into(), split.test)]
    };
    let mut report = Vec::new();
    for (part, indices) in parts {
        // Only the rows evaluated are featurised (not the training split's).
        let chosen: Vec<_> = indices.iter().map(|&i| predictor.inputs(&rows[i].molecule)).collect();
        let predicted = predictor.predict(&chosen, views);
        let mut metrics = BTreeMap::new();
        for (t, task) in tasks.iter().enumerate() {
            let (actual, values): (Vec<f64>, Vec<f64>) = indices
                .iter()
                .zip(&predicted)
                .filter_map(|(&i, p)| rows[i].labels[t].map(|y| (f64::from(y), p.value[t])))
                .unzip();
            if actual.is_empty() {
                continue;
            }
            let m = match task.kind {
                TaskKind::Regression => {
                    let m = models::metrics::regression_metrics(&actual, &values);
                    BTreeMap::from([
                        ("n".into(), m.n as f64),
                        ("rmse".into(), m.rmse),
                        ("mae".into(), m.mae),
                        ("r2".into(), m.r2),
                    ])
                }
                TaskKind::BinaryClassification => {
                    let labels: Vec<bool> = actual.iter().map(|&y| y > 0.5).collect();
                    BTreeMap::from([
                        ("n".into(), actual.len() as f64),
                        ("roc_auc".into(), models::metrics::roc_auc(&labels, &values)),
                        ("pr_auc".into(), models::metrics::pr_auc(&labels, &values)),
                    ])
                }
            };
            metrics.insert(task.name.to_string(), m);
        }
        report.push(PartMetrics { part, metrics });
    }
    if args.json {
        return print_stdout(&format!("{}\n", serde_json::to_string(&report).expect("report serialises")));
    }
    let without = args.without.map(|v| format!(", without the {v:?} view").to_lowercase()).unwrap_or_default();
    let mut text = format!("model {} on {} ({} molecules{without})\n", manifest.id, table.display(), rows.len());
    for part in &report {
        for (task, metrics) in &part.metrics {
            let cells: Vec<String> = metrics.iter().map(|(k, v)| format!("{k} {v:.4}")).collect();
            text.push_str(&format!("{:<11} {task}: {}\n", part.part, cells.join(", ")));
        }
    }
    print_stdout(&text)
}
