//! Training a molecule model as a library, the crystal run's stages over a MoleculeNet table:
//! read and split the table ([`prepare`]), fit through [`models::train::train_molecules`] (the
//! one training loop), calibrate on validation and measure the test split
//! ([`evaluate::evaluate`]), write the bundle and its model card ([`write_bundle`]). Events go to
//! the same [`Observer`] as a crystal run's.

pub mod config;
pub mod evaluate;
mod warm;

pub use config::{MoleculeTrainConfig, SplitKind, is_molecule_config};
pub use evaluate::MoleculeEvaluation;

use super::observer::{Event, LoopObserver, Observer, Stage, stage};
use super::{Outcome, RunControl};
use crate::error::{Error, Result};
use burn::prelude::Device;
use models::bundle::{BundleKind, Manifest, Provenance};
use models::molecule_batch::{MoleculeInputs, MoleculeSample, smiles_variants};
use models::molecule_split::Split;
use models::nn::molecule::{HeadKind, MoleculeNet, MoleculeNetConfig};
use models::train::{MoleculeTrainRun, Standardizer, TrainState};
use shared::task::Task;
use std::path::{Path, PathBuf};

/// Everything a molecule run needs besides its configuration.
pub struct MoleculeRunSettings {
    /// Checkpoints and `best.bpk`.
    pub run_dir: PathBuf,
    /// Where the bundle is written once the fit finishes.
    pub bundle: PathBuf,
    pub control: RunControl,
    /// What started the run, as the manifest records it.
    pub command: String,
    pub device: Device,
}

/// A table read, featurised and split.
pub struct MoleculeData {
    pub tasks: Vec<&'static Task>,
    pub inputs: Vec<MoleculeInputs>,
    /// Labels per row in task units (classification: 0/1), one per task.
    pub labels: Vec<Vec<Option<f32>>>,
    pub split: Split,
    /// Fitted on the training rows (identity for classification).
    pub stats: Standardizer,
    pub table: PathBuf,
    /// Token ids of random SMILES writings of each training row, in `split.train`'s order
    /// (`train.smiles_variants` of them; empty when 0).
    pub smiles_variants: Vec<Vec<Vec<u32>>>,
}

impl MoleculeData {
    /// The samples of `rows` with standardised targets.
    pub fn samples(&self, rows: &[usize]) -> Vec<MoleculeSample<'_>> {
        rows.iter().map(|&i| MoleculeSample::new(&self.inputs[i], self.stats.standardize(&self.labels[i]))).collect()
    }
}

/// Reads `config`'s table (every row must read: a bad SMILES is an error naming its line),
/// splits 8:1:1, fits `net`'s descriptor standardisation on the training rows (when on) and
/// builds each molecule's inputs for `net`.
pub fn prepare(
    config: &MoleculeTrainConfig,
    net: &mut MoleculeNetConfig,
    observer: &dyn Observer,
) -> Result<MoleculeData> {
    let tasks = config.tasks()?;
    let table = &config.data.table;
    let bytes = std::fs::read(table).map_err(|source| Error::Read { path: table.clone(), source })?;
    let columns: Vec<&str> = tasks.iter().map(|t| t.column).collect();
    let name = table.display().to_string();
    let rows = shared::batch::read_molecule_table(&bytes, &name, &columns, 1 << 30)
        .map_err(|e| Error::Config { key: "data.table", message: e.to_string() })?;
    let limit = config.data.max_rows.unwrap_or(usize::MAX);
    let rows: Vec<_> = rows
        .into_iter()
        .take(limit)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::Config { key: "data.table", message: e.to_string() })?;
    let split = config.data.split.split(rows.iter().map(|r| &r.molecule), config.split_seed());
    if net.descriptors.enabled {
        net.descriptors.fit(split.train.iter().map(|&i| &rows[i].molecule));
    }
    let inputs: Vec<MoleculeInputs> = rows.iter().map(|r| net.inputs(&r.molecule)).collect();
    let writings = config.train.smiles_variants;
    let smiles_variants = match writings {
        0 => Vec::new(),
        _ => split
            .train
            .iter()
            .map(|&i| {
                let seed = config.train.seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                smiles_variants(&rows[i].molecule, writings, net.smiles.max_tokens, seed)
            })
            .collect(),
    };
    observer.event(&Event::Split { train: split.train.len(), val: split.val.len(), test: split.test.len() });
    let labels: Vec<Vec<Option<f32>>> = rows.into_iter().map(|r| r.labels).collect();
    let stats = match net.head {
        HeadKind::Regression => {
            let train: Vec<Vec<Option<f32>>> = split.train.iter().map(|&i| labels[i].clone()).collect();
            Standardizer::fit(&train, tasks.len())
        }
        HeadKind::Classification => Standardizer::fit(&[], tasks.len()),
    };
    Ok(MoleculeData { tasks, inputs, labels, split, stats, table: table.clone(), smiles_variants })
}

/// A fit's end: the state and, when finished, the best validation epoch's network.
pub struct MoleculeFitted {
    pub state: TrainState,
    pub model: Option<MoleculeNet>,
    pub seconds: f64,
}

/// Trains (or continues) `net` in `run_dir` with the shared loop.
pub fn fit(
    config: &MoleculeTrainConfig,
    net: &MoleculeNetConfig,
    data: &MoleculeData,
    settings: &MoleculeRunSettings,
    observer: &dyn Observer,
) -> Result<MoleculeFitted> {
    let started = std::time::Instant::now();
    let (train, val) = (data.samples(&data.split.train), data.samples(&data.split.val));
    let warm = warm::load_warm_starts(config, net, data)?;
    let run = MoleculeTrainRun {
        net,
        options: &config.train,
        train: &train,
        val: &val,
        smiles_variants: &data.smiles_variants,
        stats: &data.stats,
        dir: &settings.run_dir,
        control: settings.control,
        warm: &warm,
        warm_frozen: config.warm_start.frozen,
    };
    let properties: Vec<String> = data.tasks.iter().map(|t| t.name.to_string()).collect();
    let mut loop_observer = LoopObserver { observer, properties: &properties, epochs: config.train.epochs };
    let state = models::train::train_molecules(&run, &settings.device, &mut loop_observer)?;
    let seconds = started.elapsed().as_secs_f64();
    observer.event(&Event::FitEnded {
        run_dir: settings.run_dir.clone(),
        epoch: state.epoch,
        best_epoch: state.best_epoch,
        best_score: state.best_score,
        seconds,
        finished: state.finished,
    });
    if !state.finished {
        return Ok(MoleculeFitted { state, model: None, seconds });
    }
    let best = models::train::RunDir(settings.run_dir.clone()).best();
    let bytes = std::fs::read(&best).map_err(|source| Error::Read { path: best.clone(), source })?;
    let model = models::weights::load_into(net.init(&settings.device), &bytes)?;
    Ok(MoleculeFitted { state, model: Some(model), seconds })
}

/// Prepares, fits, calibrates, evaluates and writes the bundle, reporting every stage.
pub fn run(config: &MoleculeTrainConfig, settings: &MoleculeRunSettings, observer: &dyn Observer) -> Result<Outcome> {
    let tasks = config.tasks()?;
    let mut net = config.network(&tasks);
    let data = stage(observer, Stage::Prepare, || prepare(config, &mut net, observer))?;
    let fitted = stage(observer, Stage::Fit, || fit(config, &net, &data, settings, observer))?;
    let Some(model) = &fitted.model else { return Ok(Outcome::Stopped) };
    let evaluation =
        stage(observer, Stage::Evaluate, || Ok::<_, Error>(evaluate::evaluate(model, &net, &data, &settings.device)))?;
    observer.event(&Event::Calibrated(&evaluation.calibration(&data.tasks)));
    stage(observer, Stage::WriteBundle, || {
        write_bundle(&settings.bundle, config, &net, &data, model, &evaluation, &fitted, &settings.command)
    })?;
    observer.event(&Event::BundleWritten(settings.bundle.clone()));
    Ok(Outcome::Finished(settings.bundle.clone()))
}

/// Writes the bundle of `model` into `out`: manifest (`kind: molecule`, network, tasks,
/// standardisation, calibration, metrics, provenance), f16 weights and `MODEL_CARD.md` with
/// the learning curve.
#[allow(clippy::too_many_arguments)]
pub fn write_bundle(
    out: &Path,
    config: &MoleculeTrainConfig,
    net: &MoleculeNetConfig,
    data: &MoleculeData,
    model: &MoleculeNet,
    evaluation: &MoleculeEvaluation,
    fitted: &MoleculeFitted,
    command: &str,
) -> Result<()> {
    let weights = models::weights::to_bytes(model, true)?;
    let mut manifest = Manifest::untrained_molecule(&config.id, net.clone(), &data.tasks);
    manifest.version = format!("{}+epoch{}", env!("CARGO_PKG_VERSION"), fitted.state.best_epoch);
    for (p, spec) in manifest.properties.iter_mut().enumerate() {
        spec.mean = evaluation.stats.mean[p];
        spec.std = evaluation.stats.std[p];
        spec.sigma_scale = evaluation.stats.sigma_scale[p];
        spec.z95 = evaluation.stats.z95[p];
        spec.platt = (net.head == HeadKind::Classification).then_some(evaluation.platt[p]);
    }
    manifest.training = Provenance {
        data: vec![data.table.display().to_string()],
        split: split_description(config, data),
        command: command.to_string(),
        seed: Some(config.train.seed),
        split_kind: Some(config.data.split.as_str().into()),
        split_seed: config.data.split.is_seeded().then(|| config.split_seed()),
    };
    manifest.metrics = evaluation.metrics.clone();
    manifest.trained = true;
    manifest.caveats = data.tasks.iter().map(|t| t.caveat.to_string()).collect();
    manifest.caveats.push(
        "Training data: MoleculeNet (Wu et al. 2018); cite the original data set when publishing results.".into(),
    );
    debug_assert_eq!(manifest.kind, BundleKind::Molecule);
    let card = super::model_card::render(&manifest) + &learning_curve(&fitted.state, fitted.seconds);
    models::Bundle::write(out, manifest, &weights, None)?;
    std::fs::write(out.join("MODEL_CARD.md"), card)
        .map_err(|source| Error::Write { path: out.join("MODEL_CARD.md"), source })
}

/// The split as a manifest records it, e.g. `random 8:1:1 (902 train / 113 validation / 113
/// test), seed 20261205`.
pub fn split_description(config: &MoleculeTrainConfig, data: &MoleculeData) -> String {
    format!(
        "{} 8:1:1 ({} train / {} validation / {} test){}",
        config.data.split.as_str(),
        data.split.train.len(),
        data.split.val.len(),
        data.split.test.len(),
        match config.data.split {
            SplitKind::Random => format!(", seed {}", config.split_seed()),
            SplitKind::Scaffold => String::from(", Bemis–Murcko scaffold sets"),
            SplitKind::ScaffoldBalanced =>
                format!(", Bemis–Murcko scaffold sets, balanced as chemprop's, seed {}", config.split_seed()),
        }
    )
}

/// The card's `## Learning curve` section: each epoch's training loss and validation score.
fn learning_curve(state: &TrainState, seconds: f64) -> String {
    let mut out = format!(
        "\n## Learning curve\n\nTrained in {seconds:.0} s wall time; best validation epoch {} of {} (validation score: standardised MAE for regression, 1 − ROC-AUC for classification; lower is better).\n\n| epoch | training loss | validation score |\n|---|---|---|\n",
        state.best_epoch, state.epoch
    );
    for epoch in &state.history {
        out.push_str(&format!("| {} | {:.4} | {:.4} |\n", epoch.epoch, epoch.train_loss, epoch.val_score));
    }
    out
}
