//! `matfuse ablate --config …`: trains every fusion variant with the same data, epochs and seed
//! (resumable run directories) and writes RESULTS.md: SCIENCE.md §5 tables 1–4.

use super::progress::Terminal;
use crate::error::{Error, Result};
use crate::training::{Data, DataSources, RunControl, calibrated_stats, fit, labelled_points, network, prepare};
use models::batch::{Modalities, Sample};
use models::bundle::FusionKind;
use models::calibration::GAUSSIAN_Z95;
use models::metrics::{coverage, median, regression_metrics, spearman};
use models::nn::FusionNet;
use models::train::{Prediction, Standardizer, predict};
use rayon::prelude::*;
use shared::graph::CrystalGraph;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct AblateArgs {
    /// Base configuration; its `[model] fusion` is replaced by each variant.
    #[arg(long)]
    pub config: PathBuf,
    /// Changes one value of the base configuration, e.g. `--set train.epochs=15` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Where each variant's run directory goes (`<runs>/<variant>`; finished runs are reused).
    #[arg(long, default_value = "runs/ablate")]
    pub runs: PathBuf,
    /// Markdown file to write.
    #[arg(long, default_value = "RESULTS.md")]
    pub out: PathBuf,
    /// perov5 table (zero-shot: Spearman of predicted formation energy vs `heat_ref`).
    #[arg(long, default_value = "../shared/data/perov5/perov5_val.csv")]
    pub perov5: PathBuf,
    /// JARVIS sample directory (POSCARs + jarvis_samples_with_leaderboard_targets.csv).
    #[arg(long, default_value = "../shared/data/jarvis_samples")]
    pub jarvis: PathBuf,
    /// Where to train: cpu (default), wgpu or cuda.
    #[arg(long, default_value = "cpu", env = "MATFUSE_DEVICE")]
    pub device: models::device::DeviceChoice,
    /// Only these variants, comma-separated (tables 2 and 4 are about `cross`, so it must be
    /// among them), e.g. `graph,text,cross` when the budget does not allow all six.
    #[arg(long, value_delimiter = ',', default_values_t = FusionKind::ALL.map(|kind| kind.to_string()))]
    pub variants: Vec<String>,
}

/// The variants named in `names`, in the order of [`FusionKind::ALL`].
fn chosen_variants(names: &[String]) -> Result<Vec<FusionKind>> {
    let named = names
        .iter()
        .map(|n| n.trim().parse::<FusionKind>())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::CommandLine(format!("--variants: {e}")))?;
    let kinds: Vec<FusionKind> = FusionKind::ALL.into_iter().filter(|k| named.contains(k)).collect();
    if !kinds.contains(&FusionKind::Cross) {
        return Err(Error::CommandLine("--variants must include cross: tables 2 and 4 measure it".into()));
    }
    Ok(kinds)
}

/// One variant's finished run.
struct Trained {
    kind: FusionKind,
    /// The network of the best validation epoch.
    model: FusionNet,
    /// The epochs' own times, so a run resumed or reused from its directory reports what its
    /// training cost rather than this command's share of it.
    seconds: f64,
    /// The early-stopping criterion at the best epoch (lower is better).
    val_score: f64,
}

/// An out-of-distribution set: inputs and a reference value per structure.
struct ZeroShot {
    graphs: Vec<CrystalGraph>,
    tokens: Vec<Vec<u32>>,
    reference: Vec<f64>,
}

impl ZeroShot {
    /// The structures as unlabelled samples of a model with `tasks` tasks.
    fn samples(&self, tasks: usize) -> Vec<Sample<'_>> {
        self.graphs
            .iter()
            .zip(&self.tokens)
            .map(|(g, t)| Sample { graph: g, tokens: t, states: None, targets: vec![None; tasks] })
            .collect()
    }
}

/// The task the zero-shot sets (perov5, JARVIS) measure.
const ZERO_SHOT_TASK: &str = "formation_energy_per_atom";

fn zero_shot(structures: Vec<(String, f64)>, data: &Data, max_tokens: usize) -> ZeroShot {
    let items: Vec<_> = structures
        .par_iter()
        .filter_map(|(text, reference)| {
            let s = shared::io::parse(text).ok()?;
            let description = shared::describe::describe_structure(&s, &Default::default()).ok()?.text;
            let tokens = data.vocab.encode_ids(&description, max_tokens).ok()?;
            Some((CrystalGraph::from_structure(&s), tokens, *reference))
        })
        .collect();
    let mut out = ZeroShot { graphs: vec![], tokens: vec![], reference: vec![] };
    for (g, t, r) in items {
        out.graphs.push(g);
        out.tokens.push(t);
        out.reference.push(r);
    }
    out
}

fn read_column(path: &Path, name: &str) -> Result<Vec<(String, f64)>> {
    let err = |message: String| Error::Table { path: path.into(), message };
    let mut csv = csv::Reader::from_path(path).map_err(|e| err(e.to_string()))?;
    let headers = csv.headers().map_err(|e| err(e.to_string()))?.clone();
    let col = |n: &str| headers.iter().position(|h| h == n).ok_or_else(|| err(format!("no `{n}` column")));
    let (cif, value) = (col("cif")?, col(name)?);
    let mut out = Vec::new();
    for record in csv.records() {
        let record = record.map_err(|e| err(e.to_string()))?;
        if let Ok(v) = record[value].trim().parse::<f64>() {
            out.push((record[cif].to_string(), v));
        }
    }
    Ok(out)
}

fn read_jarvis(dir: &Path) -> Result<Vec<(String, f64)>> {
    let path = dir.join("jarvis_samples_with_leaderboard_targets.csv");
    let err = |message: String| Error::Table { path: path.clone(), message };
    let mut csv = csv::Reader::from_path(&path).map_err(|e| err(e.to_string()))?;
    let headers = csv.headers().map_err(|e| err(e.to_string()))?.clone();
    let col = |n: &str| headers.iter().position(|h| h == n).ok_or_else(|| err(format!("no `{n}` column")));
    let (file, value) = (col("file")?, col("formation_energy_peratom")?);
    let mut out = Vec::new();
    for record in csv.records() {
        let record = record.map_err(|e| err(e.to_string()))?;
        let (Ok(v), Ok(text)) = (record[value].parse::<f64>(), std::fs::read_to_string(dir.join(&record[file]))) else {
            continue;
        };
        out.push((text, v));
    }
    Ok(out)
}

/// A Markdown table's header separator for `columns` columns.
fn separator(columns: usize) -> String {
    format!("|{}\n", "---|".repeat(columns))
}

/// Test-split (actual, predicted, sigma) of property `p`.
fn test_points(data: &Data, predictions: &[Prediction], p: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    models::calibration::labelled(&labelled_points(&data.prepared, &data.prepared.test, predictions), p)
}

pub fn run(args: &AblateArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let variants = chosen_variants(&args.variants)?;
    let base = super::train::load_config(&args.config, &args.set)?;
    if base.model.frozen_text.is_some() {
        return Err(Error::Config {
            key: "model.frozen_text",
            message:
                "must be absent: ablate compares the variants with the light text encoder (e.g. configs/browser.toml)"
                    .into(),
        });
    }
    let terminal = Terminal::default();
    let data = prepare(&base, &DataSources::from_config(&base.data)?, &args.device.device()?, &terminal)?;
    let device = data.device.clone();
    let tasks = &data.prepared.tasks;
    let formation = tasks.iter().position(|t| t.name == ZERO_SHOT_TASK).ok_or_else(|| Error::Config {
        key: "data.tasks",
        message: format!("must list {ZERO_SHOT_TASK}: ablate's zero-shot tables measure it"),
    })?;
    let test = data.prepared.samples(&data.prepared.test, &data.stats);
    let max_tokens = base.model.text.max_tokens;
    let perov5 = zero_shot(read_column(&args.perov5, "heat_ref")?, &data, max_tokens);
    let jarvis = zero_shot(read_jarvis(&args.jarvis)?, &data, max_tokens);
    let command = std::env::args().collect::<Vec<_>>().join(" ");

    let mut models: Vec<Trained> = Vec::new();
    for kind in variants.iter().copied() {
        let mut config = base.clone();
        config.model.fusion = kind;
        let net = network(&config, &data);
        let resume = RunControl { resume: true, ..Default::default() };
        let run_dir = args.runs.join(kind.as_str());
        let fitted = fit(&config, &net, &data, &run_dir, resume, &terminal)?;
        let (state, model) = (fitted.state, fitted.model);
        let model = model.ok_or(Error::Unfinished { run_dir })?;
        let seconds = state.history.iter().map(|e| e.seconds).sum();
        models.push(Trained { kind, model, seconds, val_score: state.best_score });
    }

    let stats: &Standardizer = &data.stats;
    let mut md = String::from(
        "# Results\n\nEvery table below is regenerated by the command above it (runs resume from their checkpoints).\n",
    );
    let _ = writeln!(
        md,
        "Data: mp2018 ∪ mp2022_ehull, fixed split ({} train, {} val, {} test). Seed {}, {} epochs max, early stopping on validation. Machine: {}. Training time (the variants' epochs): {:.0} min; wall time of this command (reusing finished runs): {:.0} min.\n",
        data.prepared.train.len(),
        data.prepared.val.len(),
        data.prepared.test.len(),
        base.train.seed,
        base.train.epochs,
        super::bench::machine_description(),
        models.iter().map(|m| m.seconds).sum::<f64>() / 60.0,
        started.elapsed().as_secs_f64() / 60.0
    );
    if variants.len() < FusionKind::ALL.len() {
        let names: Vec<String> = variants.iter().map(|k| format!("`{k}`")).collect();
        let _ = writeln!(md, "Variants: {} only (of the six; `--variants`).\n", names.join(", "));
    }
    let labelled =
        |rows: &[usize], p: usize| rows.iter().filter(|&&i| data.prepared.records[i].labels[p].is_some()).count();
    md.push_str("Labelled structures per property (train / test):");
    for (p, task) in tasks.iter().enumerate() {
        let _ =
            write!(md, " {} {} / {};", task.name, labelled(&data.prepared.train, p), labelled(&data.prepared.test, p));
    }
    md.push_str("\n\n");
    let _ = writeln!(md, "## 1. Ablation on the test split (MAE; R² in brackets)\n\n`{command}`\n");
    md.push_str(
        "Validation score: the mean over properties of validation MAE / training std at the best epoch, which early stopping and the choice of the shipped variant use (lower is better); the test columns play no part in either.\n\n",
    );
    md.push_str("| variant |");
    for task in tasks {
        let _ = write!(md, " {} ({}) |", task.name, task.unit);
    }
    md.push_str(" validation score | train time |\n");
    md.push_str(&separator(tasks.len() + 3));
    md.push_str("| median of training labels |");
    for p in 0..tasks.len() {
        let train: Vec<f64> =
            data.prepared.train.iter().filter_map(|&i| data.prepared.records[i].labels[p]).map(f64::from).collect();
        let zeros = Prediction { value: vec![0.0; tasks.len()], sigma: vec![0.0; tasks.len()] };
        let (actual, _, _) = test_points(&data, &vec![zeros; test.len()], p);
        let m = median(&train);
        let _ = write!(md, " {:.4} |", actual.iter().map(|a| (a - m).abs()).sum::<f64>() / actual.len().max(1) as f64);
    }
    md.push_str(" — | — |\n");
    let mut cross_predictions = None;
    for Trained { kind, model, seconds, val_score } in &models {
        let predictions = predict(model, &test, Modalities::BOTH, stats, tasks, 256, &device);
        let _ = write!(md, "| `{kind}` |");
        for p in 0..tasks.len() {
            let (a, v, _) = test_points(&data, &predictions, p);
            let m = regression_metrics(&a, &v);
            let _ = write!(md, " {:.4} ({:.3}) |", m.mae, m.r2);
        }
        let _ = writeln!(md, " {val_score:.4} | {:.1} min |", seconds / 60.0);
        if *kind == FusionKind::Cross {
            cross_predictions = Some(predictions);
        }
    }

    let cross = &models.iter().find(|m| m.kind == FusionKind::Cross).expect("cross variant").model;
    let raw_cross_predictions = cross_predictions.expect("cross predictions");
    // σ recalibrated on validation exactly as `train` does before it writes a bundle.
    let cross_stats = calibrated_stats(cross, &data);
    // `stats` has unit factors, so the recalibrated σ is the raw one times the factor.
    let cross_predictions: Vec<Prediction> = raw_cross_predictions
        .iter()
        .map(|p| Prediction {
            sigma: p.sigma.iter().zip(&cross_stats.sigma_scale).map(|(s, k)| s * k).collect(),
            ..p.clone()
        })
        .collect();
    let _ = writeln!(md, "\n## 2. Missing modality: `cross` with one input removed (test MAE)\n\n`{command}`\n");
    md.push_str("| inputs |");
    for task in tasks {
        let _ = write!(md, " {} |", task.name);
    }
    md.push('\n');
    md.push_str(&separator(tasks.len() + 1));
    for (label, modalities) in [
        ("graph + text", Modalities::BOTH),
        ("graph only (text removed)", Modalities::GRAPH_ONLY),
        ("text only (graph removed)", Modalities::TEXT_ONLY),
    ] {
        let predictions = predict(cross, &test, modalities, stats, tasks, 256, &device);
        let _ = write!(md, "| {label} |");
        for p in 0..tasks.len() {
            let (a, v, _) = test_points(&data, &predictions, p);
            let _ = write!(md, " {:.4} |", regression_metrics(&a, &v).mae);
        }
        md.push('\n');
    }

    let _ = writeln!(md, "\n## 3. Zero-shot transfer (formation energy)\n\n`{command}`\n");
    let _ = writeln!(
        md,
        "perov5: {} cubic perovskites (GPAW, `heat_ref`: another code and reference, so rank correlation is the measure; raw MAE only beside it). JARVIS: {} samples (OptB88vdW: expect an offset).\n",
        perov5.reference.len(),
        jarvis.reference.len()
    );
    md.push_str("| variant | perov5 Spearman ρ | perov5 MAE (eV/atom) | JARVIS Spearman ρ | JARVIS MAE (eV/atom) |\n|---|---|---|---|---|\n");
    let mut perov5_sigma = 0.0;
    for Trained { kind, model, .. } in &models {
        let mut row = format!("| `{kind}` |");
        for set in [&perov5, &jarvis] {
            let predictions = predict(model, &set.samples(tasks.len()), Modalities::BOTH, stats, tasks, 256, &device);
            let values: Vec<f64> = predictions.iter().map(|p| p.value[formation]).collect();
            let mae =
                values.iter().zip(&set.reference).map(|(v, r)| (v - r).abs()).sum::<f64>() / values.len().max(1) as f64;
            let _ = write!(row, " {:.3} | {:.3} |", spearman(&values, &set.reference), mae);
            if *kind == FusionKind::Cross && std::ptr::eq(set, &perov5) {
                perov5_sigma = cross_stats.sigma_scale[formation]
                    * predictions.iter().map(|p| p.sigma[formation]).sum::<f64>()
                    / predictions.len().max(1) as f64;
            }
        }
        md.push_str(&row);
        md.push('\n');
    }

    let _ = writeln!(md, "\n## 4. Uncertainty calibration of `cross` (evidential head, test split)\n\n`{command}`\n");
    md.push_str("σ factor and z95: fitted on the validation split, as `matfuse train` does for every bundle (σ scaling; z95 is the split-conformal quantile of |error| / σ, so the 95 % interval is ±z95·σ). Coverage is shown for the raw evidential σ (±σ, ±1.96σ) → calibrated (±σ, ±z95·σ); Spearman and mean σ are with the factor.\n\n");
    md.push_str("| property | σ factor | z95 | 68 % interval coverage | 95 % interval coverage | Spearman(σ, \\|error\\|) | mean σ |\n|---|---|---|---|---|---|---|\n");
    for (p, task) in tasks.iter().enumerate() {
        let n = task.name;
        let (a, v, s) = test_points(&data, &cross_predictions, p);
        let (_, _, raw) = test_points(&data, &raw_cross_predictions, p);
        if a.is_empty() {
            continue;
        }
        let errors: Vec<f64> = a.iter().zip(&v).map(|(x, y)| (x - y).abs()).collect();
        let _ = writeln!(
            md,
            "| {n} | {:.3} | {:.2} | {:.1} % → {:.1} % | {:.1} % → {:.1} % | {:.3} | {:.4} |",
            cross_stats.sigma_scale[p],
            cross_stats.z95[p],
            100.0 * coverage(&a, &v, &raw, 1.0),
            100.0 * coverage(&a, &v, &s, 1.0),
            100.0 * coverage(&a, &v, &raw, GAUSSIAN_Z95),
            100.0 * coverage(&a, &v, &s, cross_stats.z95[p]),
            spearman(&s, &errors),
            s.iter().sum::<f64>() / s.len() as f64
        );
    }
    let (_, _, s) = test_points(&data, &cross_predictions, formation);
    let _ = writeln!(
        md,
        "\nMean σ of formation energy: {:.4} eV/atom on the mp2018 test split, {:.4} eV/atom on perov5 (out of distribution; should be higher).",
        s.iter().sum::<f64>() / s.len().max(1) as f64,
        perov5_sigma
    );
    if let Ok(old) = std::fs::read_to_string(&args.out) {
        md.push_str(later_sections(&old));
    }
    std::fs::write(&args.out, md).map_err(|source| Error::Write { path: args.out.clone(), source })?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}

/// Where the sections other commands regenerate begin (learning curves, per-class errors).
const LATER_SECTIONS: &str =
    "\n<!-- The sections below are not written by `matfuse ablate`; each names its own command. -->\n";

/// The part of an existing RESULTS.md from [`LATER_SECTIONS`] on, kept when ablate rewrites
/// its tables (empty when there is none).
fn later_sections(old: &str) -> &str {
    old.find(LATER_SECTIONS).map_or("", |start| &old[start..])
}

#[cfg(test)]
mod tests {
    #[test]
    fn rewriting_keeps_the_sections_other_commands_wrote() {
        let old = format!("# Results\n\nold tables\n{LATER_SECTIONS}\n## 5. Learning curves\n");
        assert_eq!(later_sections(&old), format!("{LATER_SECTIONS}\n## 5. Learning curves\n"));
        assert_eq!(later_sections("# Results\n\nold tables\n"), "");
    }

    use super::*;

    #[test]
    fn variants_keep_the_table_order_and_need_cross() {
        let names = |s: &str| s.split(',').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            chosen_variants(&names("cross,graph,text")).unwrap(),
            [FusionKind::Graph, FusionKind::Text, FusionKind::Cross]
        );
        assert_eq!(chosen_variants(&names("graph, text,concat,late,matmmfuse,cross")).unwrap(), FusionKind::ALL);
        let err = chosen_variants(&names("graph,text")).unwrap_err().to_string();
        assert!(err.contains("must include cross"), "{err}");
        let err = chosen_variants(&names("graph,cros")).unwrap_err().to_string();
        assert!(err.contains("unknown fusion variant 'cros'"), "{err}");
    }
}
