//! The training loop (SCIENCE.md §5): AdamW with a learning-rate [`Schedule`], per-tensor
//! gradient clipping, masked multi-task evidential loss, modality dropout, optional weight
//! averaging ([`WeightAverage`]), early stopping on the validation split, a checkpoint after every
//! epoch and bit-identical `--resume` on the CPU. One loop ([`run_loop`]) trains every network
//! family through [`TrainingProblem`]: crystals ([`TrainRun`], [`train`]) and molecules
//! ([`MoleculeTrainRun`], [`train_molecules`]).

mod average;
mod molecule;
mod optimizer;
mod problem;
mod schedule;

pub use average::WeightAverage;
pub use molecule::{MoleculeTrainRun, WarmStart, predict_molecules, train_molecules};
pub use problem::{TrainingProblem, Validation, shuffled_epoch};
pub use schedule::Schedule;

use crate::batch::{Batch, Modalities, Sample};
use crate::error::{Error, Result};
use crate::nn::evidential::Evidence;
use crate::nn::{FusionNet, NetConfig};
use crate::rng::SplitMix64;
use crate::weights;
use burn::grad_clipping::GradientClippingConfig;
use burn::module::Module;
use burn::optim::{AdamWConfig, GradientsParams};
use burn::prelude::*;
use serde::{Deserialize, Serialize};
use shared::task::Task;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Optimisation settings (the `[train]` table of a config).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct TrainOptions {
    pub epochs: usize,
    pub batch_size: usize,
    /// Peak learning rate.
    pub lr: f64,
    pub weight_decay: f64,
    pub schedule: Schedule,
    /// Warm-up of the warm-up–cosine schedule.
    pub warmup_epochs: f64,
    /// Epochs without a better validation score before stopping.
    pub patience: usize,
    pub seed: u64,
    /// Weight of the evidential regulariser.
    pub evidential_lambda: f64,
    /// Weight of a direct L1 term on the predicted mean (the NIG likelihood alone fits the mean
    /// slowly once the predicted uncertainty grows).
    pub l1_weight: f64,
    /// Probability of dropping each modality of a training structure (`cross` only; never both).
    pub modality_dropout: f64,
    /// Per-tensor gradient norm limit (0: no clipping, as chemprop).
    pub grad_clip: f32,
    /// Decay of the exponential moving average of the weights that is validated and shipped
    /// (0: none, the last step's weights).
    pub ema_decay: f64,
    /// What fits the regression head's mean (crystal and molecule models alike). Left out of
    /// records when default, so runs recorded before it still resume.
    #[serde(skip_serializing_if = "RegressionLoss::is_evidential")]
    pub loss: RegressionLoss,
    /// Weight of the NIG likelihood that learns σ under the `mse` and `l1` losses. Adam scales
    /// each parameter's step by its own gradient's size, so the head rows that give σ learn at
    /// any weight, while a small one keeps that likelihood from steering the layers the mean
    /// shares with σ. Left out of records when 1.
    #[serde(skip_serializing_if = "is_one")]
    pub uncertainty_weight: f64,
    /// Batches of structures or molecules of similar size (`true`: less padding in atom-level
    /// attention, faster) or plainly shuffled (`false`, as chemprop and the reference CGCNN).
    /// Left out of records when `true`.
    #[serde(skip_serializing_if = "is_true")]
    pub bucket_by_size: bool,
    /// Probability that a molecule fusion's training molecule keeps a single view, drawn
    /// uniformly (`modality_dropout` then does not apply): every encoder is trained to predict
    /// alone, so no view leaves the others idle. Left out of records when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub single_view: f64,
    /// Weight of a term that trains a molecule `cross` fusion's SMILES and fingerprint
    /// embeddings towards its fused one ([`crate::nn::molecule::MoleculeNet::stand_in_distance`]),
    /// so that it still predicts well without the graph; other variants have no such term.
    /// Left out of records when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub stand_in_weight: f64,
    /// Crystals: also train the energy-above-hull head on the training split's own convex hull.
    /// Every training structure with a formation energy and no measured energy above hull gets
    /// its formation energy's height above the hull of the training split's formation energies
    /// (`backend::training::hull_labels`); validation and test keep their measured labels only.
    /// Left out of records when `false`.
    #[serde(skip_serializing_if = "is_false")]
    pub hull_labels: bool,
    /// Molecules: random writings of each training molecule's SMILES (SMILES enumeration,
    /// `shared::molecule::writer`). Each time a training molecule is read, its SMILES view reads
    /// the SMILES as written or one of these, drawn uniformly; validation, test and prediction
    /// read the SMILES as written. Left out of records when 0.
    #[serde(skip_serializing_if = "is_zero_count")]
    pub smiles_variants: usize,
    /// Cycle Adam's β₁ against the rate, as PyTorch's `OneCycleLR` does by default (and so the
    /// reference CGCNN's recipe): 0.95 → 0.85 while the rate rises, back while it falls
    /// ([`Schedule::cycled_beta_1`]; the one-cycle schedule only). Left out of records when `false`.
    #[serde(skip_serializing_if = "is_false")]
    pub cycle_momentum: bool,
    /// Adam's ε (burn's default 1e-5; PyTorch's is 1e-8). Left out of records when 1e-5.
    #[serde(skip_serializing_if = "is_burns_epsilon")]
    pub adam_epsilon: f64,
}

/// burn's AdamW ε, which every run before `train.adam_epsilon` used.
const BURNS_ADAM_EPSILON: f64 = 1e-5;

fn is_burns_epsilon(value: &f64) -> bool {
    *value == BURNS_ADAM_EPSILON
}

/// The loss of an evidential regression head.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegressionLoss {
    /// The NIG negative log-likelihood (+ `evidential_lambda` × regulariser + `l1_weight` × |error|).
    #[default]
    Evidential,
    /// Mean squared error of the predicted mean (chemprop's); σ is learnt by the NIG likelihood
    /// with the mean held fixed, so the mean is fitted by the squared error alone.
    Mse,
    /// Absolute error of the predicted mean (the reference CGCNN's), σ learnt as for `Mse`.
    L1,
}

/// The loss `options.loss` names, of `evidence` against standardised `targets` (`mask`: labelled).
pub fn regression_loss(evidence: &Evidence, targets: Tensor<2>, mask: Tensor<2>, options: &TrainOptions) -> Tensor<1> {
    match options.loss {
        RegressionLoss::Evidential => evidence.loss(targets, mask, options.evidential_lambda, options.l1_weight),
        RegressionLoss::Mse => evidence.mse_loss(targets, mask, options.uncertainty_weight),
        RegressionLoss::L1 => evidence.l1_loss(targets, mask, options.uncertainty_weight),
    }
}

impl RegressionLoss {
    fn is_evidential(&self) -> bool {
        *self == RegressionLoss::Evidential
    }
}

fn is_true(value: &bool) -> bool {
    *value
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn is_zero(value: &f64) -> bool {
    *value == 0.0
}

fn is_zero_count(value: &usize) -> bool {
    *value == 0
}

fn is_one(value: &f64) -> bool {
    *value == 1.0
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 60,
            batch_size: 64,
            lr: 1e-3,
            weight_decay: 1e-4,
            schedule: Schedule::WarmupCosine,
            warmup_epochs: 1.0,
            patience: 30,
            seed: 20_261_125,
            evidential_lambda: 0.01,
            l1_weight: 0.0,
            modality_dropout: 0.15,
            grad_clip: 1.0,
            ema_decay: 0.0,
            loss: RegressionLoss::Evidential,
            uncertainty_weight: 1.0,
            bucket_by_size: true,
            single_view: 0.0,
            stand_in_weight: 0.0,
            hull_labels: false,
            smiles_variants: 0,
            cycle_momentum: false,
            adam_epsilon: BURNS_ADAM_EPSILON,
        }
    }
}

/// Per-task target standardisation, fitted on the training split only (one entry per task, in
/// the model's task order).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Standardizer {
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
    /// Multiplies each task's predicted σ (see [`crate::calibration`]); 1 until fitted.
    pub sigma_scale: Vec<f64>,
    /// Half-width of each task's central 95 % interval in units of the scaled σ (see
    /// [`crate::calibration`]); Gaussian until fitted.
    pub z95: Vec<f64>,
}

impl Standardizer {
    /// Fitted on the labels of `tasks` tasks per training structure (tasks with fewer than two
    /// labels keep mean 0 and std 1).
    pub fn fit(labels: &[Vec<Option<f32>>], tasks: usize) -> Standardizer {
        let mut mean = vec![0.0; tasks];
        let mut std = vec![1.0; tasks];
        for p in 0..tasks {
            let values: Vec<f64> = labels.iter().filter_map(|l| l.get(p).copied().flatten()).map(f64::from).collect();
            if values.len() > 1 {
                let m = values.iter().sum::<f64>() / values.len() as f64;
                let var = values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (values.len() - 1) as f64;
                mean[p] = m;
                std[p] = var.sqrt().max(1e-6);
            }
        }
        Standardizer { mean, std, sigma_scale: vec![1.0; tasks], z95: vec![crate::calibration::GAUSSIAN_Z95; tasks] }
    }

    /// The standardisation and calibration a bundle's manifest records, one entry per property.
    pub fn of_manifest(manifest: &crate::bundle::Manifest) -> Standardizer {
        let column = |f: fn(&crate::bundle::PropertySpec) -> f64| manifest.properties.iter().map(f).collect();
        Standardizer {
            mean: column(|p| p.mean),
            std: column(|p| p.std),
            sigma_scale: column(|p| p.sigma_scale),
            z95: column(|p| p.z95),
        }
    }

    /// Number of tasks.
    pub fn tasks(&self) -> usize {
        self.mean.len()
    }

    /// The head's outputs for a batch in property units: γ and √variance × the σ scale,
    /// unstandardised.
    pub fn predictions(&self, evidence: &Evidence) -> Vec<Prediction> {
        let gamma = evidence.gamma.clone().into_data().convert::<f32>().try_into_vec::<f32>().expect("f32 data");
        let var = evidence.variance().into_data().convert::<f32>().try_into_vec::<f32>().expect("f32 data");
        let tasks = self.tasks();
        (0..gamma.len() / tasks.max(1))
            .map(|i| Prediction {
                value: (0..tasks).map(|p| f64::from(gamma[i * tasks + p]) * self.std[p] + self.mean[p]).collect(),
                sigma: (0..tasks)
                    .map(|p| f64::from(var[i * tasks + p]).max(0.0).sqrt() * self.std[p] * self.sigma_scale[p])
                    .collect(),
            })
            .collect()
    }

    /// This standardisation with each property's σ factor multiplied by the one fitted on
    /// `validation` (labels with the predictions made under this standardisation) and the 95 %
    /// interval's `z95` fitted on the σ so scaled.
    pub fn recalibrated(&self, validation: &[(Vec<Option<f32>>, Prediction)]) -> Standardizer {
        let fitted = crate::calibration::Calibration::fit(validation, self.tasks());
        Standardizer {
            sigma_scale: self.sigma_scale.iter().zip(&fitted.sigma_scale).map(|(a, b)| a * b).collect(),
            z95: fitted.z95,
            ..self.clone()
        }
    }

    /// `labels` (one per task) in standardised units.
    pub fn standardize(&self, labels: &[Option<f32>]) -> Vec<Option<f32>> {
        labels
            .iter()
            .enumerate()
            .map(|(p, label)| label.map(|v| ((f64::from(v) - self.mean[p]) / self.std[p]) as f32))
            .collect()
    }
}

/// A prediction in property units, one value and σ per task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub value: Vec<f64>,
    pub sigma: Vec<f64>,
}

impl Prediction {
    /// Each value moved inside its task's physical limits for a structure of `elements`
    /// distinct elements ([`Task::limit`]: band gap and energy above hull ≥ 0, an element's
    /// formation energy ≥ 0); `tasks` in the prediction's order.
    pub fn limited(mut self, tasks: &[&Task], elements: usize) -> Prediction {
        for (value, task) in self.value.iter_mut().zip(tasks) {
            *value = task.limit(*value, elements);
        }
        if let Some((hull, formation)) = elemental_hull(tasks, elements) {
            self.value[hull] = self.value[formation];
            self.sigma[hull] = self.sigma[formation];
        }
        self
    }
}

/// For a structure of one element, the positions `(energy above hull, formation energy)` in
/// `tasks` when both are predicted: both are measured from the element's ground state, so the
/// energy above hull of such a structure *is* its formation energy, and the prediction takes
/// the formation energy's value and σ for it (its own head has few one-element rows to learn
/// from).
pub fn elemental_hull(tasks: &[&Task], elements: usize) -> Option<(usize, usize)> {
    if elements != 1 {
        return None;
    }
    let position = |name: &str| tasks.iter().position(|t| t.name == name);
    Some((position("energy_above_hull")?, position("formation_energy_per_atom")?))
}

/// Runs `model` (any device, no autodiff needed) over `samples` in batches; `tasks` (the
/// model's, in output order) set the physical limits each prediction is kept within.
pub fn predict(
    model: &FusionNet,
    samples: &[Sample<'_>],
    modalities: Modalities,
    stats: &Standardizer,
    tasks: &[&Task],
    batch_size: usize,
    device: &Device,
) -> Vec<Prediction> {
    let mut out = Vec::with_capacity(samples.len());
    for chunk in samples.chunks(batch_size.max(1)) {
        let batch = Batch::new(chunk, &vec![modalities; chunk.len()], device);
        let predictions = stats.predictions(&Evidence::from_raw(model.forward(&batch).raw));
        out.extend(predictions.into_iter().zip(chunk).map(|(p, s)| p.limited(tasks, s.graph.element_count())));
    }
    out
}

/// One epoch's summary (what the progress bar, the job events and `history.json` show).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EpochReport {
    pub epoch: usize,
    pub epochs: usize,
    pub train_loss: f64,
    /// Validation MAE per task in its unit (`None`: no labels in the split).
    pub val_mae: Vec<Option<f64>>,
    /// Mean over properties of MAE / training std (lower is better): the early-stopping score.
    pub val_score: f64,
    pub best_epoch: usize,
    pub seconds: f64,
    pub structures_per_second: f64,
}

/// Receives progress while training runs.
pub trait Observer {
    fn on_step(&mut self, _epoch: usize, _step: usize, _steps: usize, _loss: f64) {}
    fn on_epoch(&mut self, _report: &EpochReport) {}
    /// Polled between steps: `true` stops after the current epoch's checkpoint.
    fn should_stop(&self) -> bool {
        false
    }
}

impl Observer for () {}

/// What training produced.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TrainState {
    /// Epochs completed.
    pub epoch: usize,
    pub rng: SplitMix64,
    pub best_score: f64,
    pub best_epoch: usize,
    pub history: Vec<EpochReport>,
    pub finished: bool,
    /// Optimiser steps folded into the weight average (0 without one).
    #[serde(default)]
    pub averaged_steps: u64,
}

/// Files of a run directory.
pub struct RunDir(pub PathBuf);

impl RunDir {
    pub fn checkpoint_model(&self) -> PathBuf {
        self.0.join("checkpoint").join("model.bpk")
    }
    /// The weight average's parameters (when `ema_decay` > 0).
    pub fn checkpoint_average(&self) -> PathBuf {
        self.0.join("checkpoint").join("average.bpk")
    }
    pub fn checkpoint_optimizer(&self) -> PathBuf {
        self.0.join("checkpoint").join("optimizer.bpk")
    }
    pub fn state(&self) -> PathBuf {
        self.0.join("checkpoint").join("state.json")
    }
    /// What the run was started with ([`RunIdentity`]); a resume must match it.
    pub fn identity(&self) -> PathBuf {
        self.0.join("checkpoint").join("run.json")
    }
    /// Parameters of the epoch with the best validation score (f32).
    pub fn best(&self) -> PathBuf {
        self.0.join("best.bpk")
    }
}

/// Everything that makes two runs the same run: the network, the options and how many
/// training and validation structures it sees.
#[derive(Serialize)]
struct RunIdentity<'a, N: Serialize> {
    net: &'a N,
    train: &'a TrainOptions,
    train_structures: usize,
    val_structures: usize,
}

impl<'a> RunIdentity<'a, NetConfig> {
    fn of(run: &'a TrainRun<'_>) -> Self {
        RunIdentity {
            net: run.net,
            train: run.options,
            train_structures: run.train.len(),
            val_structures: run.val.len(),
        }
    }
}

/// Records `identity` in the run directory, or, when resuming a run that recorded one, refuses
/// a different one (naming each value that changed) rather than continue another run's
/// checkpoint or reuse its result.
fn check_identity(dir: &RunDir, current: serde_json::Value, resume: bool) -> Result<()> {
    let path = dir.identity();
    if resume && let Ok(bytes) = std::fs::read(&path) {
        let recorded: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
        let changed = differences("", &recorded, &current);
        if !changed.is_empty() {
            return Err(Error::Config(format!(
                "{} was started with another configuration ({}); resume it with the same one or use another run directory",
                dir.0.display(),
                changed.join(", ")
            )));
        }
        return Ok(());
    }
    write(&path, &serde_json::to_vec_pretty(&current).expect("run identity serialises"))
}

/// `key: old → new` for every leaf that differs between two JSON values.
fn differences(prefix: &str, old: &serde_json::Value, new: &serde_json::Value) -> Vec<String> {
    use serde_json::Value;
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter()
                .flat_map(|k| {
                    let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    differences(&key, a.get(k).unwrap_or(&Value::Null), b.get(k).unwrap_or(&Value::Null))
                })
                .collect()
        }
        _ if same_value(old, new) => Vec::new(),
        _ => vec![format!("{prefix}: {old} → {new}")],
    }
}

/// Equal, numbers (also inside arrays) within 1e-12 relative: a float read back from a record
/// may differ from the one computed again in its last bit (fitted descriptor statistics).
fn same_value(old: &serde_json::Value, new: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (old, new) {
        (Value::Number(a), Value::Number(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs()),
            _ => a == b,
        },
        (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(x, y)),
        _ => old == new,
    }
}

/// Inputs of one training run.
pub struct TrainRun<'a> {
    pub net: &'a NetConfig,
    pub options: &'a TrainOptions,
    /// Training and validation samples with standardised targets.
    pub train: &'a [Sample<'a>],
    pub val: &'a [Sample<'a>],
    /// Label scale per property (to report MAE in property units).
    pub stats: &'a Standardizer,
    /// The tasks, in the network's output order (their physical limits apply to validation).
    pub tasks: &'a [&'static Task],
    pub dir: &'a Path,
    pub control: RunControl,
}

/// How far one invocation of a run goes.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunControl {
    /// Continue from the run directory's checkpoint.
    pub resume: bool,
    /// Stop (with a checkpoint) after this epoch even though the schedule runs longer.
    pub stop_after: Option<usize>,
    /// Wall-clock seconds this invocation may train: once another epoch as long as the last one
    /// would not fit, the run ends as finished (its best epoch becomes the bundle). Not part of
    /// the run's identity.
    pub time_budget: Option<f64>,
}

/// Trains, checkpointing every epoch into `run.dir`; returns the final state (best parameters
/// in [`RunDir::best`]).
pub fn train(run: &TrainRun<'_>, device: &Device, observer: &mut dyn Observer) -> Result<TrainState> {
    run_loop(run, run.dir, run.control, device, observer)
}

impl TrainingProblem for TrainRun<'_> {
    type Net = FusionNet;

    fn init(&self, device: &Device) -> Result<FusionNet> {
        Ok(self.net.init(device))
    }

    fn load(&self, bytes: &[u8], device: &Device) -> Result<FusionNet> {
        weights::from_bytes(self.net, bytes, device)
    }

    fn identity(&self) -> serde_json::Value {
        serde_json::to_value(RunIdentity::of(self)).expect("run identity serialises")
    }

    fn options(&self) -> &TrainOptions {
        self.options
    }

    fn train_len(&self) -> usize {
        self.train.len()
    }

    fn val_len(&self) -> usize {
        self.val.len()
    }

    fn epoch_batches(&self, batch_size: usize, rng: &mut SplitMix64) -> Vec<Vec<usize>> {
        let atoms = |i: usize| self.train[i].graph.num_nodes();
        shuffled_epoch(self.train.len(), batch_size, self.options.bucket_by_size.then_some(&atoms as _), rng)
    }

    fn loss(&self, model: &FusionNet, batch: &[usize], rng: &mut SplitMix64, device: &Device) -> Tensor<1> {
        let opts = self.options;
        let dropout = if self.net.fusion == crate::bundle::FusionKind::Cross { opts.modality_dropout } else { 0.0 };
        let samples: Vec<Sample<'_>> = batch.iter().map(|&i| self.train[i].clone()).collect();
        let modalities: Vec<Modalities> = samples.iter().map(|_| drop_modality(rng, dropout)).collect();
        let batch = Batch::new(&samples, &modalities, device);
        let evidence = Evidence::from_raw(model.forward(&batch).raw);
        regression_loss(&evidence, batch.targets, batch.label_mask, opts)
    }

    fn validate(&self, model: &FusionNet, device: &Device) -> Validation {
        let predictions = predict(model, self.val, Modalities::BOTH, self.stats, self.tasks, 256, device);
        let per_task = validation_mae(self.val, &predictions, self.stats);
        let score = standardised_score(&per_task, &self.stats.std);
        Validation { per_task, score }
    }
}

/// Mean over tasks of validation MAE / training std (tasks without labels left out).
pub fn standardised_score(val_mae: &[Option<f64>], std: &[f64]) -> f64 {
    let scored: Vec<f64> = val_mae.iter().zip(std).filter_map(|(mae, std)| mae.map(|m| m / std)).collect();
    scored.iter().sum::<f64>() / scored.len().max(1) as f64
}

/// The training loop of every network family: trains `problem` in `dir` as far as `control`
/// lets this invocation go, checkpointing every epoch; returns the final state (best parameters
/// in [`RunDir::best`]).
pub fn run_loop<P: TrainingProblem>(
    problem: &P,
    dir: &Path,
    control: RunControl,
    device: &Device,
    observer: &mut dyn Observer,
) -> Result<TrainState> {
    let opts = problem.options();
    if problem.train_len() == 0 || problem.val_len() == 0 {
        return Err(Error::Config("training needs structures in both the train and val splits".into()));
    }
    if !(0.0..1.0).contains(&opts.ema_decay) {
        return Err(Error::Config(format!("train.ema_decay must be in [0, 1), got {}", opts.ema_decay)));
    }
    let dir = RunDir(dir.to_path_buf());
    std::fs::create_dir_all(dir.0.join("checkpoint")).map_err(|source| Error::Write { path: dir.0.clone(), source })?;
    let ad = device.clone().autodiff();
    ad.seed(opts.seed);
    let mut model = problem.init(&ad)?;
    let steps_per_epoch = problem.train_len().div_ceil(opts.batch_size);
    let total_steps = (opts.epochs * steps_per_epoch).max(1);
    let warmup_steps = ((opts.warmup_epochs * steps_per_epoch as f64) as usize).max(1);
    let clipping = (opts.grad_clip > 0.0).then_some(GradientClippingConfig::Norm(opts.grad_clip));
    let (mut optimizer, beta_1) = if opts.cycle_momentum {
        let Some(first) = opts.schedule.cycled_beta_1(0, total_steps) else {
            return Err(Error::Config("train.cycle_momentum needs train.schedule = \"one-cycle\"".into()));
        };
        let (optimizer, handle) =
            optimizer::cycled_adamw(first, opts.adam_epsilon as f32, opts.weight_decay as f32, clipping);
        (optimizer, Some(handle))
    } else {
        let config = AdamWConfig::new()
            .with_weight_decay(opts.weight_decay as f32)
            .with_epsilon(opts.adam_epsilon as f32)
            .with_grad_clipping(clipping);
        (config.init(), None)
    };
    let mut state = TrainState {
        epoch: 0,
        rng: SplitMix64::new(opts.seed),
        best_score: f64::INFINITY,
        best_epoch: 0,
        history: Vec::new(),
        finished: false,
        averaged_steps: 0,
    };
    let invoked = Instant::now();
    check_identity(&dir, problem.identity(), control.resume)?;
    if control.resume && dir.state().exists() {
        let text = read(&dir.state())?;
        state = serde_json::from_slice(&text).map_err(|e| Error::Config(format!("{}: {e}", dir.state().display())))?;
        model = problem.load(&read(&dir.checkpoint_model())?, &ad)?;
        optimizer = optimizer.load(dir.checkpoint_optimizer()).map_err(|e| Error::Weights(e.to_string()))?;
    }
    let mut average = match opts.ema_decay {
        d if d <= 0.0 => None,
        d if state.averaged_steps > 0 => {
            let averaged = problem.load(&read(&dir.checkpoint_average())?, device)?;
            Some(WeightAverage::resume(&averaged, d, state.averaged_steps))
        }
        d => Some(WeightAverage::new(&model, d)),
    };

    if state.epoch >= opts.epochs {
        // A run resumed with a budget it has already spent ends here.
        state.finished = true;
    }
    while !state.finished {
        let started = Instant::now();
        let epoch = state.epoch + 1;
        let batches = problem.epoch_batches(opts.batch_size, &mut state.rng);
        let mut loss_sum = 0.0;
        for (step, chunk) in batches.iter().enumerate() {
            let loss = problem.loss(&model, chunk, &mut state.rng, &ad);
            let loss_value = f64::from(loss.clone().into_scalar::<f32>());
            if !loss_value.is_finite() {
                return Err(Error::Config(format!("loss became {loss_value} at epoch {epoch}, step {step}")));
            }
            loss_sum += loss_value * chunk.len() as f64;
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            let global_step = state.epoch * steps_per_epoch + step;
            let lr = opts.schedule.rate(opts.lr, global_step, warmup_steps, total_steps);
            if let (Some(handle), Some(beta)) = (&beta_1, opts.schedule.cycled_beta_1(global_step, total_steps)) {
                handle.set(beta);
            }
            model = optimizer.step(lr, model, grads);
            if let Some(average) = &mut average {
                average.update(&model);
            }
            observer.on_step(epoch, step + 1, batches.len(), loss_value);
        }

        let valid = match &average {
            Some(average) => average.apply(model.valid()),
            None => model.valid(),
        };
        let Validation { per_task: val_mae, score: val_score } = problem.validate(&valid, device);
        state.epoch = epoch;
        if val_score < state.best_score {
            state.best_score = val_score;
            state.best_epoch = epoch;
            write(&dir.best(), &weights::to_bytes(&valid, false)?)?;
        }
        if epoch - state.best_epoch >= opts.patience {
            state.finished = true;
        }
        let seconds = started.elapsed().as_secs_f64();
        let report = EpochReport {
            epoch,
            epochs: opts.epochs,
            train_loss: loss_sum / problem.train_len() as f64,
            val_mae,
            val_score,
            best_epoch: state.best_epoch,
            seconds,
            structures_per_second: problem.train_len() as f64 / seconds,
        };
        state.history.push(report.clone());
        if epoch == opts.epochs {
            state.finished = true;
        }
        if control.time_budget.is_some_and(|budget| invoked.elapsed().as_secs_f64() + seconds > budget) {
            state.finished = true;
        }
        write(&dir.checkpoint_model(), &weights::to_bytes(&model, false)?)?;
        optimizer.save(dir.checkpoint_optimizer()).map_err(|e| Error::Weights(e.to_string()))?;
        if let Some(average) = &average {
            write(&dir.checkpoint_average(), &weights::to_bytes(&valid, false)?)?;
            state.averaged_steps = average.updates();
        }
        write(&dir.state(), &serde_json::to_vec_pretty(&state).expect("state serialises"))?;
        observer.on_epoch(&report);
        if control.stop_after.is_some_and(|n| epoch >= n) || observer.should_stop() {
            break;
        }
    }
    Ok(state)
}

fn drop_modality(rng: &mut SplitMix64, p: f64) -> Modalities {
    if p <= 0.0 {
        return Modalities::BOTH;
    }
    let r = rng.next_f64();
    if r < p {
        Modalities::GRAPH_ONLY
    } else if r < 2.0 * p {
        Modalities::TEXT_ONLY
    } else {
        Modalities::BOTH
    }
}

/// MAE per task over the samples that have that label.
pub fn validation_mae(samples: &[Sample<'_>], predictions: &[Prediction], stats: &Standardizer) -> Vec<Option<f64>> {
    mae_by_task(samples.iter().map(|s| s.targets.as_slice()), predictions, stats)
}

/// MAE per task in task units over the items (their standardised targets, one per task) that
/// have that label.
pub fn mae_by_task<'t>(
    targets: impl Iterator<Item = &'t [Option<f32>]> + Clone,
    predictions: &[Prediction],
    stats: &Standardizer,
) -> Vec<Option<f64>> {
    (0..stats.tasks())
        .map(|p| {
            let errors: Vec<f64> = targets
                .clone()
                .zip(predictions)
                .filter_map(|(t, pred)| {
                    t[p].map(|t| (f64::from(t) * stats.std[p] + stats.mean[p] - pred.value[p]).abs())
                })
                .collect();
            (!errors.is_empty()).then(|| errors.iter().sum::<f64>() / errors.len() as f64)
        })
        .collect()
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Read { path: path.to_path_buf(), source })
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|source| Error::Write { path: path.to_path_buf(), source })
}

/// Structures per second of forward + backward + optimiser step over `samples` (batches of
/// `batch_size`, `steps` steps after one warm-up step), for benchmarks.
pub fn training_throughput(
    net: &NetConfig,
    samples: &[Sample<'_>],
    batch_size: usize,
    steps: usize,
    device: &Device,
) -> Result<f64> {
    let ad = device.clone().autodiff();
    let mut model = net.init(&ad);
    let mut optimizer = AdamWConfig::new().init();
    let batches: Vec<&[Sample<'_>]> = samples.chunks(batch_size).cycle().take(steps + 1).collect();
    let mut started = Instant::now();
    let mut seen = 0;
    for (k, chunk) in batches.iter().enumerate() {
        if k == 1 {
            sync(&ad)?;
            started = Instant::now();
            seen = 0;
        }
        let batch = Batch::new(chunk, &vec![Modalities::BOTH; chunk.len()], &ad);
        let evidence = Evidence::from_raw(model.forward(&batch).raw);
        let loss = evidence.loss(batch.targets.clone(), batch.label_mask.clone(), 0.01, 0.0);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optimizer.step(1e-4, model, grads);
        seen += chunk.len();
    }
    sync(&ad)?;
    Ok(seen as f64 / started.elapsed().as_secs_f64())
}

/// Waits for the device's queued work (a GPU runs asynchronously), so timings count it.
fn sync(device: &Device) -> Result<()> {
    device.sync().map_err(|e| Error::Config(format!("device failed while training: {e:?}")))
}

#[cfg(test)]
mod tests {
    use super::{Prediction, differences};
    use serde_json::json;

    #[test]
    fn a_one_element_structure_takes_its_formation_energy_as_its_energy_above_hull() {
        let tasks: Vec<_> = ["formation_energy_per_atom", "band_gap", "energy_above_hull"]
            .iter()
            .map(|name| shared::task::by_name(name).unwrap())
            .collect();
        let p = Prediction { value: vec![0.03, 0.5, 0.16], sigma: vec![0.1, 0.2, 0.05] };
        let element = p.clone().limited(&tasks, 1);
        assert_eq!((element.value[2], element.sigma[2]), (0.03, 0.1));
        let below_zero = Prediction { value: vec![-0.02, 0.0, 0.2], sigma: vec![0.1, 0.2, 0.05] }.limited(&tasks, 1);
        assert_eq!((below_zero.value[0], below_zero.value[2]), (0.0, 0.0));
        let compound = p.limited(&tasks, 2);
        assert_eq!((compound.value[2], compound.sigma[2]), (0.16, 0.05));
    }

    #[test]
    fn a_recorded_float_off_in_its_last_bit_is_the_same_configuration() {
        let x = 203.467_844_286_474_25_f64;
        let recorded = json!({"net": {"mean": [x, 1.0]}, "train": {"lr": 1e-3}});
        let next = f64::from_bits(x.to_bits() + 1);
        assert!(differences("", &recorded, &json!({"net": {"mean": [next, 1.0]}, "train": {"lr": 1e-3}})).is_empty());
        let changed = differences("", &recorded, &json!({"net": {"mean": [x, 1.0]}, "train": {"lr": 1e-2}}));
        assert_eq!(changed, vec!["train.lr: 0.001 → 0.01".to_string()]);
        assert_eq!(differences("", &recorded, &json!({"net": {"mean": [x]}, "train": {"lr": 1e-3}})).len(), 1);
    }
}
