//! `matfuse eval` (metrics against labels) and `matfuse predict` (no labels needed; the same
//! items, featurisation and result CSV as `POST /api/v1/predict/batch?format=csv`).

use super::print_stdout;
use crate::error::{Error, Result};
use crate::table::{TableRow, read_table};
use models::batch::Modalities;
use models::metrics::{Metrics, regression_metrics};
use models::ood::OodStatistics;
use models::phases::ReferencePhases;
use models::predictor::{Assessed, ModelInput, Predictor};
use models::train::Prediction;
use rayon::prelude::*;
use serde::Serialize;
use shared::api::Stability;
use shared::batch::{self, ResultCsv, RowValues, TableItem};
use shared::describe::{DescribeOptions, describe};
use shared::io::{ParseWarning, Parsed};
use shared::symmetry::DEFAULT_SYMPREC;
use shared::{ParseOptions, Structure};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// Model bundle directory (e.g. models/weights/browser).
    #[arg(long)]
    pub model: PathBuf,
    /// CSV or CSV.gz with a `cif` (or `poscar`) column and any of the label columns (a
    /// molecule model: a `smiles` column; without it, the table and split its manifest records).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Only rows of this split (`split` column).
    #[arg(long)]
    pub split: Option<String>,
    /// Only rows whose `material_id` is listed in this file (one id per line).
    #[arg(long)]
    pub ids: Option<PathBuf>,
    /// Evaluate with a modality removed.
    #[arg(long, value_enum, default_value = "both")]
    pub modalities: ModalityArg,
    /// A molecule model: evaluate with this view removed (what its manifest's `without_*`
    /// metrics record for the test split; here for any part, validation included).
    #[arg(long, value_enum)]
    pub without: Option<MoleculeViewArg>,
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

/// A molecule model's view, in `models::molecule_batch::Views::without`'s order.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum MoleculeViewArg {
    Graph,
    Smiles,
    Fingerprint,
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
    /// Structure files (CIF, POSCAR, extended XYZ, pymatgen or OPTIMADE JSON; an OPTIMADE
    /// response listing several structures gives a row per entry).
    pub files: Vec<PathBuf>,
    /// A table (CSV or CSV.gz) with a `cif`, `poscar` or `structure` column instead of files
    /// (a molecule model: a `smiles` column).
    #[arg(long, conflicts_with = "files")]
    pub csv: Option<PathBuf>,
    /// SMILES to predict with a molecule model (repeatable).
    #[arg(long, conflicts_with_all = ["files", "csv"])]
    pub smiles: Vec<String>,
    /// Write the CSV here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Refuse a file's defects instead of repairing them with a warning (a CIF tag given twice,
    /// an unclosed quote, nearly coincident sites); the row then holds the error.
    #[arg(long)]
    pub strict: bool,
    /// Where to run the model: cpu (default), wgpu or cuda.
    #[arg(long, default_value = "cpu", env = "MATFUSE_DEVICE")]
    pub device: models::device::DeviceChoice,
    /// Write JSON instead of the CSV: per structure its predictions, out-of-distribution report,
    /// stability and the training materials like it (as `POST /api/v1/predict` answers).
    #[arg(long, conflicts_with = "text")]
    pub json: bool,
    /// Write a readable summary instead of the CSV: per structure its predictions, stability
    /// and the training materials like it, with their DFT labels and Materials Project links.
    #[arg(long, alias = "similar")]
    pub text: bool,
    /// Directory holding the reference phase table (`phases.json`, `matfuse phases`) for the
    /// energy above hull of `--json` and `--text`; without one the stability is left out.
    #[arg(long, default_value = "models/weights")]
    pub phases: PathBuf,
}

#[derive(Serialize)]
struct EvalReport {
    model: String,
    n: usize,
    failed: usize,
    metrics: BTreeMap<String, Metrics>,
    /// The same metrics per chemical class ([`ChemicalClass`]), in class order.
    by_class: Vec<ClassMetrics>,
}

#[derive(Serialize)]
struct ClassMetrics {
    class: &'static str,
    metrics: BTreeMap<String, Metrics>,
}

/// Structures grouped by their number of distinct elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum ChemicalClass {
    Element,
    Binary,
    Ternary,
    FourOrMore,
}

impl ChemicalClass {
    const ALL: [ChemicalClass; 4] =
        [ChemicalClass::Element, ChemicalClass::Binary, ChemicalClass::Ternary, ChemicalClass::FourOrMore];

    fn of(elements: usize) -> ChemicalClass {
        match elements {
            0 | 1 => ChemicalClass::Element,
            2 => ChemicalClass::Binary,
            3 => ChemicalClass::Ternary,
            _ => ChemicalClass::FourOrMore,
        }
    }

    fn name(self) -> &'static str {
        match self {
            ChemicalClass::Element => "elements",
            ChemicalClass::Binary => "binaries",
            ChemicalClass::Ternary => "ternaries",
            ChemicalClass::FourOrMore => "4+ elements",
        }
    }
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
    if super::molecule::is_molecule_bundle(&args.model)? {
        return super::molecule::eval(args);
    }
    if args.without.is_some() {
        return Err(Error::CommandLine(
            "--without removes a molecule model's view; a crystal model takes --modalities graph-only or text-only"
                .into(),
        ));
    }
    let data = args.data.as_ref().ok_or_else(|| Error::CommandLine("--data is required for a crystal model".into()))?;
    let predictor = Predictor::load(&args.model, &args.device.device()?)?;
    let mut rows = read_table(data)?;
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

    let classes: Vec<Option<ChemicalClass>> = inputs
        .iter()
        .map(|i| i.as_ref().ok().map(|(_, input)| ChemicalClass::of(input.graph.element_count())))
        .collect();
    let mut metrics = BTreeMap::new();
    let mut class_metrics: BTreeMap<ChemicalClass, BTreeMap<String, Metrics>> = BTreeMap::new();
    let mut parity = Vec::new();
    for (p, spec) in predictor.manifest.properties.iter().enumerate() {
        // Table rows carry every registered task's label; the model predicts its manifest's.
        let Some(column) = shared::task::index(&spec.name) else { continue };
        let mut points: Vec<(ChemicalClass, f64, f64)> = Vec::new();
        for ((row, pred), class) in rows.iter().zip(&predicted).zip(&classes) {
            if let (Some(label), Some(pred), Some(class)) = (row.labels[column], pred, class) {
                points.push((*class, f64::from(label), pred.value[p]));
                parity.push((row.id.clone(), spec.name.as_str(), f64::from(label), pred.value[p], pred.sigma[p]));
            }
        }
        if points.is_empty() {
            continue;
        }
        let (actual, values): (Vec<f64>, Vec<f64>) = points.iter().map(|&(_, a, v)| (a, v)).unzip();
        metrics.insert(spec.name.clone(), regression_metrics(&actual, &values));
        for class in ChemicalClass::ALL {
            let (actual, values): (Vec<f64>, Vec<f64>) =
                points.iter().filter(|(c, ..)| *c == class).map(|&(_, a, v)| (a, v)).unzip();
            if !actual.is_empty() {
                class_metrics.entry(class).or_default().insert(spec.name.clone(), regression_metrics(&actual, &values));
            }
        }
    }
    let by_class =
        class_metrics.into_iter().map(|(class, metrics)| ClassMetrics { class: class.name(), metrics }).collect();
    if let Some(path) = &args.parity {
        write_csv(
            path,
            &["id", "property", "actual", "predicted", "sigma"],
            parity.iter().map(|(id, name, a, v, s)| {
                vec![id.clone(), (*name).to_string(), a.to_string(), v.to_string(), s.to_string()]
            }),
        )?;
    }
    let report = EvalReport { model: predictor.manifest.id.clone(), n: rows.len(), failed, metrics, by_class };
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
    text.push_str(&format!("\nMAE by chemical class (n in brackets)\n{:<14}", "class"));
    for name in report.metrics.keys() {
        text.push_str(&format!("{name:>28}"));
    }
    for class in &report.by_class {
        text.push_str(&format!("\n{:<14}", class.class));
        for name in report.metrics.keys() {
            let cell = class.metrics.get(name).map_or("—".to_string(), |m| format!("{:.4} ({})", m.mae, m.n));
            text.push_str(&format!("{cell:>28}"));
        }
    }
    text.push('\n');
    print_stdout(&text)
}

/// A structure read for a result row: its formula, space-group symbol and model input.
struct Featurised {
    structure: Structure,
    formula: String,
    space_group: String,
    input: ModelInput,
    /// What the reader repaired in the item's file.
    warnings: Vec<ParseWarning>,
}

pub fn predict(args: &PredictArgs) -> Result<()> {
    if super::molecule::is_molecule_bundle(&args.model)? {
        return super::molecule::predict(args);
    }
    if !args.smiles.is_empty() {
        return Err(Error::CommandLine(format!(
            "--smiles needs a molecule model; {} is a crystal model",
            args.model.display()
        )));
    }
    let predictor = Predictor::load(&args.model, &args.device.device()?)?;
    let items = prediction_items(args)?;
    if items.is_empty() {
        return Err(Error::CommandLine("nothing to predict: give structure files or --csv".into()));
    }
    let ood = OodStatistics::load(&args.model, &predictor.manifest.weights.sha256)?;
    let on_warning = |item: &TableItem, warning: &ParseWarning| eprintln!("warning: {}: {warning}", item.name);
    let phases = if args.json || args.text { ReferencePhases::load(&args.phases)? } else { None };
    let predicted = predicted_items(&predictor, ood.as_ref(), phases.as_ref(), &items, args.strict, on_warning);
    let text = if args.json {
        super::predict_output::json(&predicted)
    } else if args.text {
        super::predict_output::text(&predicted)
    } else {
        let table = ResultCsv::new(predictor.manifest.properties.iter().map(|p| p.name.as_str()));
        let mut csv = table.header();
        for cells in result_cells(&table, &predicted) {
            csv.push_str(&shared::batch::csv_record(&cells));
        }
        csv
    };
    match &args.out {
        Some(path) => std::fs::write(path, text).map_err(|source| Error::Write { path: path.clone(), source }),
        None => print_stdout(&text),
    }
}

/// One structure's prediction as `matfuse predict` writes it.
pub(super) struct Predicted {
    pub formula: String,
    pub space_group: String,
    pub warnings: Vec<ParseWarning>,
    pub assessed: Assessed,
    /// Energy above hull and decomposition, when a phase table was given.
    pub stability: Option<Stability>,
}

/// The rows of the result table `table` for `items`, as `matfuse predict` and `matfuse screen`
/// write them (see [`predicted_items`]); an item that fails is a row with its error.
pub(super) fn result_rows(
    predictor: &Predictor,
    ood: Option<&OodStatistics>,
    table: &ResultCsv,
    items: &[TableItem],
    strict: bool,
    on_warning: impl Fn(&TableItem, &ParseWarning),
) -> Vec<Vec<String>> {
    result_cells(table, &predicted_items(predictor, ood, None, items, strict, on_warning))
}

fn result_cells(table: &ResultCsv, predicted: &[(&str, std::result::Result<Predicted, String>)]) -> Vec<Vec<String>> {
    predicted
        .iter()
        .map(|(name, outcome)| match outcome {
            Ok(p) => table.row_cells(
                name,
                Ok(RowValues {
                    formula: &p.formula,
                    space_group: &p.space_group,
                    predictions: &p.assessed.predictions,
                    ood: &p.assessed.ood,
                    warnings: &p.warnings,
                }),
            ),
            Err(e) => table.row_cells(name, Err(e)),
        })
        .collect()
}

/// Each item parsed, described and predicted as `/api/v1/predict` does (one batched model run),
/// then assessed against the training data `ood` and placed against the convex hull of
/// `phases`, named by the item; an item that fails carries its error. `on_warning` hears what
/// the reader repaired in each item.
pub(super) fn predicted_items<'a>(
    predictor: &Predictor,
    ood: Option<&OodStatistics>,
    phases: Option<&ReferencePhases>,
    items: &'a [TableItem],
    strict: bool,
    on_warning: impl Fn(&TableItem, &ParseWarning),
) -> Vec<(&'a str, std::result::Result<Predicted, String>)> {
    let featurised: Vec<std::result::Result<Featurised, String>> =
        items.par_iter().map(|item| featurise(predictor, item, strict)).collect();
    for (item, outcome) in items.iter().zip(&featurised) {
        for warning in outcome.iter().flat_map(|f| &f.warnings) {
            on_warning(item, warning);
        }
    }
    // The model inputs move into one batched run (a server model's carry the encoder's token
    // states, ~100 kB each); the rows keep their structure, formula and space group.
    let mut readable = Vec::with_capacity(featurised.len());
    let rows: Vec<std::result::Result<(Structure, String, String, Vec<ParseWarning>), String>> = featurised
        .into_iter()
        .map(|outcome| {
            outcome.map(|f| {
                readable.push(f.input);
                (f.structure, f.formula, f.space_group, f.warnings)
            })
        })
        .collect();
    let mut outputs = predictor.predict_with_embeddings(&readable).into_iter();
    items
        .iter()
        .zip(rows)
        .map(|(item, row)| {
            let outcome = row.and_then(|(structure, formula, space_group, warnings)| {
                let (prediction, embedding) =
                    outputs.next().ok_or_else(|| "the model returned no prediction".to_string())?;
                let assessed = predictor.assess(&structure, &prediction, &embedding, ood);
                let stability = phases
                    .and_then(|p| p.structure_stability(&predictor.manifest.id, &structure, &assessed.predictions));
                Ok(Predicted { formula, space_group, warnings, assessed, stability })
            });
            (item.name.as_str(), outcome)
        })
        .collect()
}

/// The structures `matfuse predict` was given, as the API's batch reads them: each file one
/// structure (format from its name, else detected), a table one per row, a zip archive its
/// members; `--csv` is read as a table whatever its name.
fn prediction_items(args: &PredictArgs) -> Result<Vec<TableItem>> {
    let read = |path: &PathBuf| std::fs::read(path).map_err(|source| Error::Read { path: path.clone(), source });
    let limits = batch::UnpackLimits::default();
    match &args.csv {
        Some(path) => Ok(batch::table_items(&read(path)?, &path.display().to_string(), limits)?),
        None => {
            let mut items = Vec::new();
            for path in &args.files {
                items.extend(batch::items_from_file(&path.display().to_string(), &read(path)?, limits));
            }
            Ok(items)
        }
    }
}

/// Parses (keeping the reader's warnings), analyses and describes one item as
/// `/api/v1/predict` does, for a result row.
fn featurise(predictor: &Predictor, item: &TableItem, strict: bool) -> std::result::Result<Featurised, String> {
    let (text, format) = item.structure.as_ref().map_err(Clone::clone)?;
    let Parsed { structure, warnings } =
        shared::io::parse_with_warnings(text, &ParseOptions { format: *format, strict, ..Default::default() })
            .map_err(|e| e.to_string())?;
    let symmetry = shared::symmetry::analyze(&structure, DEFAULT_SYMPREC).map_err(|e| e.to_string())?;
    let description = describe(&structure, &symmetry, &DescribeOptions::default()).text;
    let input = predictor.input_with_text(&structure, description).map_err(|e| e.to_string())?;
    Ok(Featurised {
        formula: shared::composition::reduced_formula(&structure),
        space_group: symmetry.symbol.clone(),
        structure,
        input,
        warnings,
    })
}

pub(super) fn write_csv(path: &Path, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<()> {
    let err = |e: csv::Error| Error::Write { path: path.to_path_buf(), source: e.into() };
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    w.write_record(header).map_err(err)?;
    for row in rows {
        w.write_record(&row).map_err(err)?;
    }
    w.flush().map_err(|source| Error::Write { path: path.to_path_buf(), source })
}
