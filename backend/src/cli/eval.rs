//! `matfuse eval` (metrics against labels) and `matfuse predict` (no labels needed; the same
//! items, featurisation and result CSV as `POST /api/v1/predict/batch?format=csv`).

use super::print_stdout;
use crate::error::{Error, Result};
use crate::table::{TableRow, read_table};
use models::batch::Modalities;
use models::metrics::{Metrics, regression_metrics};
use models::ood::OodStatistics;
use models::phases::ReferencePhases;
use models::predictor::{ModelInput, Predictor};
use models::train::Prediction;
use rayon::prelude::*;
use serde::Serialize;
use shared::api::{HullEstimator, Stability};
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
    /// Structure files (CIF, POSCAR, extended XYZ, pymatgen or OPTIMADE JSON; an OPTIMADE
    /// response listing several structures gives a row per entry).
    pub files: Vec<PathBuf>,
    /// A table (CSV or CSV.gz) with a `cif`, `poscar` or `structure` column instead of files.
    #[arg(long, conflicts_with = "files")]
    pub csv: Option<PathBuf>,
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
    /// Print a JSON array (one object per structure, with its stability) instead of the CSV.
    #[arg(long, conflicts_with = "text")]
    pub json: bool,
    /// Print a readable summary per structure (with its stability) instead of the CSV.
    #[arg(long)]
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
    let predictor = Predictor::load(&args.model, &args.device.device()?)?;
    let items = prediction_items(args)?;
    if items.is_empty() {
        return Err(Error::CommandLine("nothing to predict: give structure files or --csv".into()));
    }
    let featurised: Vec<std::result::Result<Featurised, String>> =
        items.par_iter().map(|item| featurise(&predictor, item, args.strict)).collect();
    for (item, outcome) in items.iter().zip(&featurised) {
        for warning in outcome.iter().flat_map(|f| &f.warnings) {
            eprintln!("warning: {}: {warning}", item.name);
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
    let ood = OodStatistics::load(&args.model, &predictor.manifest.weights.sha256)?;
    if args.json || args.text {
        let phases = ReferencePhases::load(&args.phases)?;
        let results: Vec<PredictedItem> = items
            .iter()
            .zip(&rows)
            .map(|(item, row)| match (row, row.is_ok().then(|| outputs.next()).flatten()) {
                (Ok((structure, formula, space_group, warnings)), Some((prediction, embedding))) => {
                    let assessed = predictor.assess(structure, &prediction, &embedding, ood.as_ref());
                    let stability = phases
                        .as_ref()
                        .and_then(|p| p.structure_stability(&predictor.manifest.id, structure, &assessed.predictions));
                    PredictedItem::predicted(&item.name, formula, space_group, assessed, stability, warnings)
                }
                (Ok(_), None) => PredictedItem::failed(&item.name, "the model returned no prediction"),
                (Err(e), _) => PredictedItem::failed(&item.name, e),
            })
            .collect();
        let out = if args.json {
            serde_json::to_string_pretty(&results).expect("results serialise") + "\n"
        } else {
            results.iter().map(PredictedItem::text).collect()
        };
        return write_or_print(args.out.as_deref(), &out);
    }
    let table = ResultCsv::new(predictor.manifest.properties.iter().map(|p| p.name.as_str()));
    let mut csv = table.header();
    for (item, row) in items.iter().zip(&rows) {
        let line = match (row, row.is_ok().then(|| outputs.next()).flatten()) {
            (Ok((structure, formula, space_group, warnings)), Some((prediction, embedding))) => {
                let assessed = predictor.assess(structure, &prediction, &embedding, ood.as_ref());
                table.row(
                    &item.name,
                    Ok(RowValues {
                        formula,
                        space_group,
                        predictions: &assessed.predictions,
                        ood: &assessed.ood,
                        warnings,
                    }),
                )
            }
            (Ok(_), None) => table.row(&item.name, Err("the model returned no prediction")),
            (Err(e), _) => table.row(&item.name, Err(e)),
        };
        csv.push_str(&line);
    }
    write_or_print(args.out.as_deref(), &csv)
}

fn write_or_print(out: Option<&Path>, text: &str) -> Result<()> {
    match out {
        Some(path) => std::fs::write(path, text).map_err(|source| Error::Write { path: path.into(), source }),
        None => print_stdout(text),
    }
}

/// One structure's answer in `matfuse predict --json`/`--text`: the predictions, the
/// out-of-distribution report and the stability, or the error.
#[derive(Serialize)]
struct PredictedItem {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    formula: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    space_group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    predictions: Option<shared::api::Predictions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ood: Option<shared::api::OodReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stability: Option<Stability>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl PredictedItem {
    fn predicted(
        name: &str,
        formula: &str,
        space_group: &str,
        assessed: models::predictor::Assessed,
        stability: Option<Stability>,
        warnings: &[ParseWarning],
    ) -> PredictedItem {
        PredictedItem {
            name: name.to_string(),
            formula: Some(formula.to_string()),
            space_group: Some(space_group.to_string()),
            predictions: Some(assessed.predictions),
            ood: Some(assessed.ood),
            stability,
            warnings: warnings.iter().map(ToString::to_string).collect(),
            error: None,
        }
    }

    fn failed(name: &str, error: &str) -> PredictedItem {
        PredictedItem {
            name: name.to_string(),
            formula: None,
            space_group: None,
            predictions: None,
            ood: None,
            stability: None,
            warnings: vec![],
            error: Some(error.to_string()),
        }
    }

    /// A few readable lines.
    fn text(&self) -> String {
        let mut text = self.name.clone();
        if let Some(error) = &self.error {
            return format!("{text}: error: {error}\n\n");
        }
        text.push_str(&format!(
            ": {} ({})\n",
            self.formula.as_deref().unwrap_or(""),
            self.space_group.as_deref().unwrap_or("")
        ));
        for (name, value) in self.predictions.iter().flat_map(|p| p.iter()) {
            text.push_str(&format!("  {name:<27} {:>9.4} ± {:.4} {}\n", value.value, value.sigma, value.unit));
        }
        if let Some(ood) = &self.ood {
            text.push_str(&format!("  out of distribution: {}\n", ood.level.as_str()));
        }
        if let Some(s) = &self.stability {
            let (chosen, other) = match s.estimator {
                HullEstimator::ConvexHull => ("convex hull", s.direct_energy_above_hull.map(|d| ("direct head", d))),
                HullEstimator::DirectHead => ("direct head", Some(("convex hull", s.convex_hull_energy_above_hull))),
            };
            text.push_str(&format!("  energy above hull: {:.3} eV/atom ({chosen}", s.energy_above_hull));
            if let Some((name, value)) = other {
                text.push_str(&format!("; {name}: {value:.3}"));
            }
            text.push_str(&format!("), probability on the hull {:.2}\n", s.probability_on_hull));
            text.push_str(&format!("  decomposes into: {}\n", s.decomposition_text));
            text.push_str(&format!("  caveat: {}\n", s.caveat));
        }
        for warning in &self.warnings {
            text.push_str(&format!("  warning: {warning}\n"));
        }
        text.push('\n');
        text
    }
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

fn write_csv(path: &Path, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<()> {
    let err = |e: csv::Error| Error::Write { path: path.to_path_buf(), source: e.into() };
    let mut w = csv::Writer::from_path(path).map_err(err)?;
    w.write_record(header).map_err(err)?;
    for row in rows {
        w.write_record(&row).map_err(err)?;
    }
    w.flush().map_err(|source| Error::Write { path: path.to_path_buf(), source })
}
