//! `matfuse hull-eval`: energy above hull two ways on the mp2022_ehull rows of a split — the
//! model's predicted formation energy against the reference phase table (`matfuse phases`) and
//! the model's own energy-above-hull head — against the labels: MAE, Spearman ρ and the
//! stable/unstable classification at 0 and 0.1 eV/atom (as Matbench Discovery reports). Also the
//! correction-scheme check: the hull from the rows' true mp2018 formation energies against
//! mp2022's labels. `--record` (validation only) writes the better estimator by MAE and the check
//! into `phases.json`, where the API and the page read them.

use super::eval::{inputs, predictions, write_csv};
use super::phases::{command_line, formation_rows, train_table};
use super::print_stdout;
use crate::error::{Error, Result};
use crate::table::read_table;
use models::batch::Modalities;
use models::metrics::{Classification, classification_metrics, spearman};
use models::phases::{CorrectionCheck, EstimatorChoice, ReferencePhases};
use models::predictor::Predictor;
use serde::Serialize;
use shared::api::HullEstimator;
use shared::composition::parse_formula;
use shared::stability::{PhaseTable, energy_above_hull_excluding};
use std::collections::HashMap;
use std::path::PathBuf;

/// Energy-above-hull thresholds (eV/atom) below which a material counts as stable.
const STABLE_THRESHOLDS: [f64; 2] = [0.0, 0.1];

#[derive(clap::Args, Debug)]
pub struct HullEvalArgs {
    /// Model bundle directory (e.g. models/weights/browser).
    #[arg(long)]
    pub model: PathBuf,
    /// The mp2022_ehull table (labels and structures).
    #[arg(long, default_value = "../shared/data/mp2022_ehull/mp2022_ehull.csv.gz")]
    pub data: PathBuf,
    /// The mp2018 table (true formation energies for the correction-scheme check).
    #[arg(long, default_value = "../shared/data/mp2018/mp2018.csv.gz")]
    pub mp2018: PathBuf,
    /// Directory holding phases.json and the table.
    #[arg(long, default_value = "models/weights")]
    pub phases: PathBuf,
    /// Rows of this split: `val` to choose the estimator, `test` to report.
    #[arg(long)]
    pub split: String,
    /// Write the better estimator by MAE (and the correction check) into phases.json; only with
    /// `--split val`.
    #[arg(long)]
    pub record: bool,
    /// Print exactly one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Also write every row's label and estimates to this CSV (`material_id`, `formula`,
    /// `label`, `convex_hull` unclipped, `direct_head`), to plot or to combine the estimators.
    #[arg(long)]
    pub rows: Option<PathBuf>,
    /// Where to run the model: cpu (default), wgpu or cuda.
    #[arg(long, default_value = "cpu", env = "MATFUSE_DEVICE")]
    pub device: models::device::DeviceChoice,
}

#[derive(Serialize)]
struct HullEvalReport {
    model: String,
    split: String,
    /// Rows of the split with a label.
    n: usize,
    /// Rows without a prediction or a hull (unreadable, too many elements).
    failed: usize,
    estimators: Vec<EstimatorFigures>,
    /// The hull from mp2018's formation energies vs mp2022's labels, on this split's rows in
    /// both (`split`) and on every row in both (`all`).
    correction_split: Option<CorrectionCheck>,
    correction_all: Option<CorrectionCheck>,
}

#[derive(Serialize)]
struct EstimatorFigures {
    name: &'static str,
    n: usize,
    /// eV/atom; of the estimate clipped at 0 (a label is never negative).
    mae: f64,
    /// Of the unclipped estimate.
    spearman: f64,
    /// Stable when the energy above hull is at most the threshold, per [`STABLE_THRESHOLDS`].
    stable: Vec<(f64, Classification)>,
}

impl EstimatorFigures {
    fn of(name: &'static str, labels: &[f64], estimates: &[f64]) -> EstimatorFigures {
        let n = labels.len();
        let mae = labels.iter().zip(estimates).map(|(l, e)| (l - e.max(0.0)).abs()).sum::<f64>() / n.max(1) as f64;
        let stable = STABLE_THRESHOLDS
            .iter()
            .map(|&t| {
                let actual: Vec<bool> = labels.iter().map(|&l| l <= t).collect();
                let predicted: Vec<bool> = estimates.iter().map(|&e| e <= t).collect();
                (t, classification_metrics(&actual, &predicted))
            })
            .collect();
        EstimatorFigures { name, n, mae, spearman: spearman(labels, estimates), stable }
    }
}

pub fn run(args: &HullEvalArgs) -> Result<()> {
    if args.record && args.split != "val" {
        return Err(Error::CommandLine("--record chooses on validation only: use it with --split val".into()));
    }
    let Some(mut phases) = ReferencePhases::load(&args.phases)? else {
        return Err(Error::MissingFile {
            path: args.phases.join(models::phases::PHASES_INFO_FILE),
            needed_for: "energy above hull (build it with `matfuse phases`)".into(),
        });
    };
    // Judged against the train split's phases alone, never the shipped table (`matfuse phases`).
    let mp2018_rows = formation_rows(&args.mp2018)?;
    let table = train_table(&mp2018_rows)?;
    let predictor = Predictor::load(&args.model, &args.device.device()?)?;
    let ehull_column = shared::task::index("energy_above_hull").expect("a registered task");
    let all_rows = read_table(&args.data)?;
    let rows: Vec<_> = all_rows.iter().filter(|r| r.split.as_deref() == Some(args.split.as_str())).cloned().collect();
    let inputs = inputs(&predictor, &rows);
    let predicted = predictions(&predictor, &inputs, Modalities::BOTH);
    let predicts = |name: &str| predictor.manifest.properties.iter().any(|p| p.name == name);
    if !predicts("formation_energy_per_atom") {
        return Err(Error::CommandLine("the model predicts no formation energy".into()));
    }
    let direct = predicts("energy_above_hull");

    let (mut labels, mut hull, mut head, mut failed) = (Vec::new(), Vec::new(), Vec::new(), 0);
    let mut judged = Vec::new();
    for ((row, input), prediction) in rows.iter().zip(&inputs).zip(&predicted) {
        let Some(label) = row.labels[ehull_column] else { continue };
        let (Ok((formula, _)), Some(prediction)) = (input, prediction) else {
            failed += 1;
            continue;
        };
        let Ok(composition) = parse_formula(formula) else {
            failed += 1;
            continue;
        };
        // In units and physical limits, as the API reports them.
        let values = predictor.manifest.in_units(prediction, composition.len());
        let formation = values.get("formation_energy_per_atom").expect("the model predicts it");
        let Ok(answer) =
            energy_above_hull_excluding(&table, &composition, formation.value, formation.sigma, &[row.id.as_str()])
        else {
            failed += 1;
            continue;
        };
        labels.push(f64::from(label));
        judged.push((row.id.as_str(), formula.as_str()));
        hull.push(answer.energy_above_hull);
        head.push(values.get("energy_above_hull").map_or(f64::NAN, |p| p.value));
    }
    if let Some(path) = &args.rows {
        let lines =
            judged.iter().zip(&labels).zip(hull.iter().zip(&head)).map(|(((id, formula), label), (hull, head))| {
                vec![id.to_string(), formula.to_string(), label.to_string(), hull.to_string(), head.to_string()]
            });
        write_csv(path, &["material_id", "formula", "label", "convex_hull", "direct_head"], lines)?;
    }
    let mut estimators = vec![EstimatorFigures::of("convex hull of the predicted formation energy", &labels, &hull)];
    if direct {
        estimators.push(EstimatorFigures::of("direct energy-above-hull head", &labels, &head));
    }

    let mp2018: HashMap<String, (String, f64)> =
        mp2018_rows.into_iter().map(|r| (r.id, (r.formula, r.energy))).collect();
    let in_split = |r: &&crate::table::TableRow| r.split.as_deref() == Some(args.split.as_str());
    let true_split = true_energy_hull(&table, &mp2018, all_rows.iter().filter(in_split), ehull_column);
    let correction_split = correction_check(&true_split);
    let correction_all = correction_check(&true_energy_hull(&table, &mp2018, all_rows.iter(), ehull_column));
    if !true_split.0.is_empty() {
        let name = "convex hull of the true mp2018 formation energy (rows in mp2018 only)";
        estimators.push(EstimatorFigures::of(name, &true_split.0, &true_split.1));
    }

    let report = HullEvalReport {
        model: predictor.manifest.id.clone(),
        split: args.split.clone(),
        n: labels.len() + failed,
        failed,
        estimators,
        correction_split,
        correction_all,
    };
    if args.record {
        let mae_of = |i: usize| report.estimators.get(i).map_or(f64::INFINITY, |e| e.mae);
        let (hull_mae, head_mae) = (mae_of(0), mae_of(1));
        let chosen = if hull_mae <= head_mae { HullEstimator::ConvexHull } else { HullEstimator::DirectHead };
        let choice = EstimatorChoice {
            chosen,
            val_mae_convex_hull: hull_mae,
            val_mae_direct_head: head_mae,
            val_n: labels.len(),
            command: command_line(),
        };
        phases.info.estimator.insert(report.model.clone(), choice);
        phases.info.correction_check = report.correction_all.clone();
        phases.info.write(&args.phases)?;
        eprintln!("recorded {chosen:?} for {} in {}", report.model, args.phases.display());
    }
    if args.json {
        return print_stdout(&format!("{}\n", serde_json::to_string(&report).expect("report serialises")));
    }
    print_stdout(&text(&report))
}

/// (mp2022 label, energy above hull from the true mp2018 formation energy) of each of `rows`
/// that mp2018 holds (its own entry left out of the table), eV/atom.
fn true_energy_hull<'a>(
    table: &PhaseTable,
    mp2018: &HashMap<String, (String, f64)>,
    rows: impl Iterator<Item = &'a crate::table::TableRow>,
    ehull_column: usize,
) -> (Vec<f64>, Vec<f64>) {
    rows.filter_map(|row| {
        let label = f64::from(row.labels[ehull_column]?);
        let (formula, energy) = mp2018.get(&row.id)?;
        let composition = parse_formula(formula).ok()?;
        let answer = energy_above_hull_excluding(table, &composition, *energy, 0.0, &[row.id.as_str()]).ok()?;
        Some((label, answer.energy_above_hull))
    })
    .unzip()
}

/// The difference between the hull of mp2018's energies (clipped at 0) and mp2022's labels.
fn correction_check((labels, estimates): &(Vec<f64>, Vec<f64>)) -> Option<CorrectionCheck> {
    let differences: Vec<f64> = labels.iter().zip(estimates).map(|(l, e)| e.max(0.0) - l).collect();
    let n = differences.len();
    (n > 0).then(|| CorrectionCheck {
        n,
        mae: differences.iter().map(|d| d.abs()).sum::<f64>() / n as f64,
        bias: differences.iter().sum::<f64>() / n as f64,
    })
}

/// The report as a Markdown table (what RESULTS.md quotes).
fn text(report: &HullEvalReport) -> String {
    let mut text = format!(
        "model {} on the {} rows of mp2022_ehull's {} split ({} failed)\n\n",
        report.model, report.n, report.split, report.failed
    );
    text.push_str("| estimator | n | MAE (eV/atom) | Spearman ρ |");
    for t in STABLE_THRESHOLDS {
        text.push_str(&format!(" P / R / F1 (stable ≤ {t}) |"));
    }
    text.push_str("\n|---|---|---|---|");
    text.push_str(&"---|".repeat(STABLE_THRESHOLDS.len()));
    for e in &report.estimators {
        text.push_str(&format!("\n| {} | {} | {:.4} | {:.3} |", e.name, e.n, e.mae, e.spearman));
        for (_, c) in &e.stable {
            text.push_str(&format!(" {:.3} / {:.3} / {:.3} |", c.precision, c.recall, c.f1));
        }
    }
    text.push_str("\n\nstable rows (label ≤ threshold): ");
    if let Some(e) = report.estimators.first() {
        let counts: Vec<String> = e.stable.iter().map(|(t, c)| format!("{} of {} at {t}", c.positives, c.n)).collect();
        text.push_str(&counts.join(", "));
    }
    for (what, check) in [("this split", &report.correction_split), ("all splits", &report.correction_all)] {
        if let Some(c) = check {
            text.push_str(&format!(
                "\ncorrection schemes ({what}): hull from the true mp2018 formation energies vs mp2022's labels on {} \
                 materials in both: MAE {:.4} eV/atom, bias {:+.4} eV/atom",
                c.n, c.mae, c.bias
            ));
        }
    }
    text.push('\n');
    text
}
