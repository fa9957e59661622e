//! `matfuse eval` (metrics against labels) and `matfuse predict` (no labels needed).

use super::print_stdout;
use crate::error::{Error, Result};
use crate::table::{TableRow, read_table};
use models::batch::{Modalities, PROPERTIES};
use models::metrics::{Metrics, regression_metrics};
use models::ood::OodStatistics;
use models::predictor::{ModelInput, Predictor};
use models::train::Prediction;
use rayon::prelude::*;
use serde::Serialize;
use shared::Structure;
use shared::batch;
use shared::dataset::LABEL_COLUMNS;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// Model bundle directory (e.g. models/weights/browser).
    #[arg(long)]
    pub model: PathBuf,
    /// CSV or CSV.gz with a `cif` (or `poscar`) column and any of the label columns.
    #[arg(long)]
    pub data: PathBuf,
    /// Only rows of this split (`split` column).
    #[arg(long)]
    pub split: Option<String>,
    /// Only rows whose `material_id` is listed in this file (one id per line).
    #[arg(long)]
    pub ids: Option<PathBuf>,
    /// Evaluate with a modality removed.
    #[arg(long, value_enum, default_value = "both")]
    pub modalities: ModalityArg,
    /// Print exactly one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Write id, property, actual, predicted, sigma rows here.
    #[arg(long)]
    pub parity: Option<PathBuf>,
    /// Where to run the model: cpu (default), wgpu or cuda.
    #[arg(long, default_value = "cpu", env = "MATFUSE_DEVICE")]
    pub device: models::device::DeviceChoice,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ModalityArg {
    Both,
    GraphOnly,
    TextOnly,
}

impl From<ModalityArg> for Modalities {
    fn from(m: ModalityArg) -> Self {
        match m {
            ModalityArg::Both => Modalities::BOTH,
            ModalityArg::GraphOnly => Modalities::GRAPH_ONLY,
            ModalityArg::TextOnly => Modalities::TEXT_ONLY,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct PredictArgs {
    /// Model bundle directory.
    #[arg(long)]
    pub model: PathBuf,
    /// Structure files (CIF, POSCAR, extended XYZ).
    pub files: Vec<PathBuf>,
    /// A table with a `cif` (or `poscar`) column instead of files.
    #[arg(long, conflicts_with = "files")]
    pub csv: Option<PathBuf>,
    /// Write the CSV here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Where to run the model: cpu (default), wgpu or cuda.
    #[arg(long, default_value = "cpu", env = "MATFUSE_DEVICE")]
    pub device: models::device::DeviceChoice,
}

#[derive(Serialize)]
struct EvalReport {
    model: String,
    n: usize,
    failed: usize,
    metrics: BTreeMap<String, Metrics>,
}

/// Each row's model input (with its reduced formula), or why it could not be read.
pub(super) fn inputs(
    predictor: &Predictor,
    rows: &[TableRow],
) -> Vec<std::result::Result<(String, ModelInput), String>> {
    rows.par_iter()
        .map(|row| {
            let structure = shared::io::parse(&row.structure).map_err(|e| e.to_string())?;
            let input = predictor.input(&structure).map_err(|e| e.to_string())?;
            Ok((shared::composition::reduced_formula(&structure), input))
        })
        .collect()
}

/// Predictions aligned with `inputs` (None where the input failed).
pub(super) fn predictions(
    predictor: &Predictor,
    inputs: &[std::result::Result<(String, ModelInput), String>],
    modalities: Modalities,
) -> Vec<Option<Prediction>> {
    let ok: Vec<ModelInput> = inputs.iter().filter_map(|i| i.as_ref().ok().map(|(_, input)| input.clone())).collect();
    let mut predicted = predictor.predict(&ok, modalities).into_iter();
    inputs.iter().map(|i| i.as_ref().ok().and_then(|_| predicted.next())).collect()
}

pub fn eval(args: &EvalArgs) -> Result<()> {
    let predictor = Predictor::load(&args.model, &args.device.device()?)?;
    let mut rows = read_table(&args.data)?;
    if let Some(split) = &args.split {
        rows.retain(|r| r.split.as_deref() == Some(split.as_str()));
    }
    if let Some(path) = &args.ids {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.clone(), source })?;
        let wanted: HashSet<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        rows.retain(|r| wanted.contains(r.id.as_str()));
    }
    let inputs = inputs(&predictor, &rows);
    let predicted = predictions(&predictor, &inputs, args.modalities.into());
    let failed = predicted.iter().filter(|p| p.is_none()).count();

    let mut metrics = BTreeMap::new();
    let mut parity = Vec::new();
    for (p, (name, _)) in LABEL_COLUMNS.iter().enumerate() {
        let (mut actual, mut values) = (Vec::new(), Vec::new());
        for (row, pred) in rows.iter().zip(&predicted) {
            if let (Some(label), Some(pred)) = (row.labels[p], pred) {
                actual.push(f64::from(label));
                values.push(pred.value[p]);
                parity.push((row.id.clone(), *name, f64::from(label), pred.value[p], pred.sigma[p]));
            }
        }
        if !actual.is_empty() {
            metrics.insert((*name).to_string(), regression_metrics(&actual, &values));
        }
    }
    if let Some(path) = &args.parity {
        write_csv(
            path,
            &["id", "property", "actual", "predicted", "sigma"],
            parity.iter().map(|(id, name, a, v, s)| {
                vec![id.clone(), (*name).to_string(), a.to_string(), v.to_string(), s.to_string()]
            }),
        )?;
    }
    let report = EvalReport { model: predictor.manifest.id.clone(), n: rows.len(), failed, metrics };
    if args.json {
        return print_stdout(&format!("{}\n", serde_json::to_string(&report).expect("report serialises")));
    }
    let mut text = format!("model {} on {} structures ({} failed)\n", report.model, report.n, report.failed);
    text.push_str(&format!("{:<28}{:>7}{:>10}{:>10}{:>8}{:>10}\n", "property", "n", "MAE", "RMSE", "R²", "Spearman"));
    for (name, m) in &report.metrics {
        text.push_str(&format!(
            "{name:<28}{:>7}{:>10.4}{:>10.4}{:>8.3}{:>10.3}\n",
            m.n, m.mae, m.rmse, m.r2, m.spearman
        ));
    }
    print_stdout(&text)
}

pub fn predict(args: &PredictArgs) -> Result<()> {
    let predictor = Predictor::load(&args.model, &args.device.device()?)?;
    let rows: Vec<TableRow> = match &args.csv {
        Some(path) => read_table(path)?,
        None => args
            .files
            .iter()
            .enumerate()
            .map(|(i, path)| {
                let structure =
                    std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.clone(), source })?;
                Ok(TableRow {
                    row: i as u32,
                    id: path.display().to_string(),
                    structure,
                    split: None,
                    labels: [None; PROPERTIES],
                })
            })
            .collect::<Result<_>>()?,
    };
    if rows.is_empty() {
        return Err(Error::Usage("nothing to predict: give structure files or --csv".into()));
    }
    // Each row's reduced formula where it parses, and its structure and model input where the
    // model can read it (else why not).
    let featurised: Vec<(String, std::result::Result<(Structure, ModelInput), String>)> = rows
        .par_iter()
        .map(|row| match shared::io::parse(&row.structure) {
            Ok(structure) => {
                let formula = shared::composition::reduced_formula(&structure);
                match predictor.input(&structure) {
                    Ok(input) => (formula, Ok((structure, input))),
                    Err(e) => (formula, Err(e.to_string())),
                }
            }
            Err(e) => (String::new(), Err(e.to_string())),
        })
        .collect();
    // The model inputs move out (a server model's carry the encoder's token states, ~100 kB
    // each); the rows keep their formula and structure.
    let mut readable = Vec::with_capacity(featurised.len());
    let parsed: Vec<(String, std::result::Result<Structure, String>)> = featurised
        .into_iter()
        .map(|(formula, outcome)| {
            let structure = outcome.map(|(structure, input)| {
                readable.push(input);
                structure
            });
            (formula, structure)
        })
        .collect();
    let mut outputs = predictor.predict_with_embeddings(&readable).into_iter();
    let ood = OodStatistics::load(&args.model, &predictor.manifest.weights.sha256)?;
    let mut header = vec!["id".to_string(), "formula".to_string()];
    for (name, unit) in LABEL_COLUMNS {
        header.push(format!("{name} ({unit})"));
        header.push(format!("{name}_sigma"));
        header.push(format!("{name}_low95"));
        header.push(format!("{name}_high95"));
    }
    header.extend(batch::OOD_COLUMNS.map(String::from));
    header.push("error".into());
    let lines = rows.iter().zip(&parsed).map(|(row, (formula, parsed))| {
        let mut cells = vec![row.id.clone(), formula.clone()];
        match parsed {
            Ok(structure) => {
                let (prediction, embedding) = outputs.next().expect("one output per readable input");
                for (_, v) in predictor.manifest.in_units(&prediction).iter() {
                    cells.extend([v.value, v.sigma, v.interval_95[0], v.interval_95[1]].map(|x| format!("{x:.4}")));
                }
                cells.extend(batch::ood_cells(&models::ood::assess(ood.as_ref(), structure, &embedding)));
                cells.push(String::new());
            }
            Err(e) => {
                cells.extend(std::iter::repeat_n(String::new(), 4 * PROPERTIES + batch::OOD_COLUMNS.len()));
                cells.push(e.clone());
            }
        }
        cells
    });
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    match &args.out {
        Some(path) => write_csv(path, &header, lines),
        None => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&header).expect("in-memory csv");
            for line in lines {
                w.write_record(&line).expect("in-memory csv");
            }
            print_stdout(&String::from_utf8(w.into_inner().expect("in-memory csv")).expect("utf-8"))
        }
    }
}

fn write_csv(path: &Path, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<()> {
    let err = |e: csv::Error| Error::Write { path: path.to_path_buf(), source: e.into() };
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    w.write_record(header).map_err(err)?;
    for row in rows {
        w.write_record(&row).map_err(err)?;
    }
    w.flush().map_err(|source| Error::Write { path: path.to_path_buf(), source })
}
