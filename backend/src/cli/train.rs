//! `matfuse train --config configs/NAME.toml`: featurise (cached), tokenise, train with
//! checkpoints and early stopping, then write a model bundle evaluated on the test split.

use crate::dataset::{default_cache, load_cached, union};
use crate::error::{Error, Result};
use burn::prelude::Device;
use indicatif::{ProgressBar, ProgressStyle};
use models::batch::{PROPERTIES, Sample};
use models::bundle::{EncoderRef, FileRef, Manifest, PropertySpec, Provenance, SCHEMA_VERSION, sha256_hex};
use models::device::DeviceChoice;
use models::nn::NetConfig;
use models::nn::frozen_text::FrozenTextConfig;
use models::text_cache::CachedText;
use models::train::{EpochReport, Observer, Standardizer, TrainOptions, TrainRun};
use models::vocab::Vocabulary;
use serde::{Deserialize, Serialize};
use shared::dataset::{FeaturizedRecord, LABEL_COLUMNS};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// Training configuration (TOML: `id`, `[data]`, `[model]`, `[train]`).
    #[arg(long)]
    pub config: PathBuf,
    /// Changes one value of the configuration, e.g. `--set train.epochs=1` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Run directory for checkpoints (default `runs/<id>`).
    #[arg(long)]
    pub run_dir: Option<PathBuf>,
    /// Continue from the run directory's last checkpoint.
    #[arg(long)]
    pub resume: bool,
    /// Write the trained bundle here (default `<run-dir>/bundle`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Stop after this epoch (checkpointed; continue with `--resume`).
    #[arg(long)]
    pub stop_after: Option<usize>,
    /// Frozen large encoder to train with: any Hugging Face BERT directory (config.json,
    /// tokenizer.json or vocab.txt, model.safetensors), e.g. SciBERT or MatSciBERT; overrides
    /// the config's `data.encoder` (the config's model must have `frozen_text`).
    #[arg(long)]
    pub encoder: Option<PathBuf>,
    /// Where to train: cpu (default), wgpu or cuda (GPU backends need a build with that feature).
    #[arg(long, default_value = "cpu", env = "MATFUSE_DEVICE")]
    pub device: DeviceChoice,
}

/// A training configuration file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    /// Bundle id (`browser`, `server`, or a name of your own).
    pub id: String,
    pub data: DataConfig,
    pub model: NetConfig,
    #[serde(default)]
    pub train: TrainOptions,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// mp2018-layout table (CSV or CSV.gz with `cif`, labels and `split`).
    pub mp2018: PathBuf,
    /// mp2022_ehull-layout table contributing energy-above-hull labels.
    pub ehull: Option<PathBuf>,
    /// BERT `vocab.txt` the light encoder's vocabulary is pruned from.
    pub vocab: PathBuf,
    /// Hugging Face BERT directory of the frozen large encoder, for a model with
    /// `frozen_text` (default: `MATFUSE_ENCODER_DIR` or the installed all-MiniLM-L6-v2).
    pub encoder: Option<PathBuf>,
    /// Featurise cache directory.
    pub cache: Option<PathBuf>,
    /// Use only the first N training / validation / test structures (smoke runs).
    pub max_train: Option<usize>,
    pub max_val: Option<usize>,
    pub max_test: Option<usize>,
}

impl TrainConfig {
    /// The configuration at `path` with the `--set KEY=VALUE` assignments applied.
    pub fn load(path: &Path, assignments: &[String]) -> Result<TrainConfig> {
        super::overrides::load(path, assignments)
    }
}

/// Records split by the fixed `split` column, with token ids.
pub struct Prepared {
    pub records: Vec<FeaturizedRecord>,
    pub tokens: Vec<Vec<u32>>,
    /// Frozen large-encoder states per record (empty for the light encoder).
    pub frozen: Vec<CachedText>,
    pub train: Vec<usize>,
    pub val: Vec<usize>,
    pub test: Vec<usize>,
}

impl Prepared {
    pub fn samples(&self, indices: &[usize], stats: &Standardizer) -> Vec<Sample<'_>> {
        indices
            .iter()
            .map(|&i| Sample {
                graph: &self.records[i].graph,
                tokens: &self.tokens[i],
                states: self.frozen.get(i).map(|c| c.states.as_slice()),
                targets: stats.standardize(self.records[i].labels),
            })
            .collect()
    }
}

/// Training data ready for any variant: records, pruned vocabulary, tokens, standardisation.
pub struct Data {
    pub prepared: Prepared,
    pub vocab: Vocabulary,
    pub stats: Standardizer,
    /// The frozen large encoder the states come from (models with `frozen_text`).
    pub encoder: Option<EncoderRef>,
    /// Where encoding, training and evaluation run.
    pub device: Device,
}

/// Loads (featurising into the cache if needed) the union data, splits it by the fixed `split`
/// column and tokenises it with the vocabulary pruned to the training descriptions.
pub fn prepare(config: &TrainConfig, device: &Device) -> Result<Data> {
    let cache = config.data.cache.clone().unwrap_or_else(default_cache);
    let mut records = load_cached(&config.data.mp2018, &cache)?;
    if let Some(ehull) = &config.data.ehull {
        records = union(records, load_cached(ehull, &cache)?);
    }
    let split = |name: &str, max: Option<usize>| -> Vec<usize> {
        let all = (0..records.len()).filter(|&i| records[i].split.as_deref() == Some(name));
        all.take(max.unwrap_or(usize::MAX)).collect()
    };
    let (train, val, test) =
        (split("train", config.data.max_train), split("val", config.data.max_val), split("test", config.data.max_test));
    eprintln!("data: {} train, {} val, {} test structures", train.len(), val.len(), test.len());

    let full = read_vocab(&config.data.vocab)?;
    let used: Vec<usize> = train.iter().chain(&val).chain(&test).copied().collect();
    let (vocab, tokens, frozen, encoder) = match &config.model.frozen_text {
        None => {
            let max_tokens = config.model.text.max_tokens;
            let vocab = full.prune(train.iter().map(|&i| records[i].description.as_str()), max_tokens)?;
            let mut tokens = vec![Vec::new(); records.len()];
            for &i in &used {
                tokens[i] = vocab.encode_ids(&records[i].description, max_tokens)?;
            }
            eprintln!("vocabulary: {} of {} tokens", vocab.len(), full.len());
            (vocab, tokens, Vec::new(), None)
        }
        Some(frozen) => {
            let encoder_dir = config.data.encoder.clone().unwrap_or_else(models::encoder::default_encoder_dir);
            let (frozen, reference) = frozen_states(&encoder_dir, frozen, &records, &used, &cache, device)?;
            let tokens = frozen.iter().map(|c| c.ids.clone()).collect();
            (full, tokens, frozen, Some(reference))
        }
    };
    let prepared = Prepared { records, tokens, frozen, train, val, test };
    let stats = Standardizer::fit(&prepared.train.iter().map(|&i| prepared.records[i].labels).collect::<Vec<_>>());
    Ok(Data { prepared, vocab, stats, encoder, device: device.clone() })
}

/// The frozen encoder's token states of the `used` records (cut to `max_tokens`), from the
/// text-state cache, computing what it lacks (resumable: interrupting loses one batch).
pub fn frozen_states(
    encoder_dir: &Path,
    frozen: &FrozenTextConfig,
    records: &[FeaturizedRecord],
    used: &[usize],
    cache: &Path,
    device: &Device,
) -> Result<(Vec<CachedText>, EncoderRef)> {
    let encoder = models::encoder::LargeEncoder::load(encoder_dir, device)?;
    let cache_dir = models::text_cache::cache_dir(cache, encoder.reference(), frozen.max_chunks);
    let items: Vec<(&str, &str)> =
        used.iter().map(|&i| (records[i].id.as_str(), records[i].description.as_str())).collect();
    eprintln!("text encoder {}: token states in {}", encoder.reference(), cache_dir.display());
    let bar = ProgressBar::new(items.len() as u64).with_style(
        ProgressStyle::with_template("encoding descriptions [{bar:30}] {pos}/{len} ({per_sec}, ETA {eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let mut last_line = 0;
    let mut states = models::text_cache::build(&cache_dir, &encoder, frozen.max_chunks, &items, 16, |done, total| {
        bar.set_position(done as u64);
        if bar.is_hidden() && (done == total || done >= last_line + total / 50) {
            last_line = done;
            eprintln!("encoded {done}/{total} descriptions ({:.0} s)", started.elapsed().as_secs_f64());
        }
    })?;
    bar.finish_and_clear();
    let hidden = encoder.hidden();
    let mut out = vec![CachedText { ids: vec![], states: vec![] }; records.len()];
    for &i in used {
        let mut entry = states.remove(&records[i].id).unwrap_or(CachedText { ids: vec![], states: vec![] });
        entry.ids.truncate(frozen.max_tokens);
        entry.states.truncate(frozen.max_tokens * hidden);
        out[i] = entry;
    }
    Ok((out, encoder.reference().clone()))
}

/// The network a config describes, sized to the data's vocabulary.
pub fn network(config: &TrainConfig, data: &Data) -> NetConfig {
    let mut net = config.model.clone();
    net.text.vocab_size = data.vocab.len();
    if net.fusion != models::bundle::FusionKind::Cross {
        // Only `cross` has a readout; other variants record none.
        net.cross_readout = models::nn::CrossReadout::default();
    }
    if let (Some(frozen), Some(encoder)) = (&mut net.frozen_text, &data.encoder) {
        frozen.encoder_hidden = encoder.hidden_size;
    }
    net
}

/// Trains (or continues) `net` in `run_dir` with a progress bar; returns the final state and,
/// once finished, the best-validation network.
pub fn fit(
    config: &TrainConfig,
    net: &NetConfig,
    data: &Data,
    run_dir: &Path,
    resume: bool,
    stop_after: Option<usize>,
) -> Result<(models::train::TrainState, Option<models::nn::FusionNet>)> {
    let mut progress = ProgressObserver::new(config.train.epochs);
    let started = std::time::Instant::now();
    let result = fit_with(config, net, data, run_dir, resume, stop_after, &mut progress);
    progress.bar.finish_and_clear();
    let (state, model) = result?;
    eprintln!(
        "{}: stopped after epoch {} (best {} with score {:.4}) in {:.0} s",
        run_dir.display(),
        state.epoch,
        state.best_epoch,
        state.best_score,
        started.elapsed().as_secs_f64()
    );
    if model.is_none() {
        eprintln!("not finished: continue with --resume");
    }
    Ok((state, model))
}

/// [`fit`] reporting to any observer (the server's training jobs): trains (or continues) `net`
/// in `run_dir`; returns the final state and, once finished, the best-validation network.
pub fn fit_with(
    config: &TrainConfig,
    net: &NetConfig,
    data: &Data,
    run_dir: &Path,
    resume: bool,
    stop_after: Option<usize>,
    observer: &mut dyn Observer,
) -> Result<(models::train::TrainState, Option<models::nn::FusionNet>)> {
    let train_samples = data.prepared.samples(&data.prepared.train, &data.stats);
    let val_samples = data.prepared.samples(&data.prepared.val, &data.stats);
    let device = &data.device;
    let run = TrainRun {
        net,
        options: &config.train,
        train: &train_samples,
        val: &val_samples,
        stats: &data.stats,
        dir: run_dir,
        resume,
        stop_after,
    };
    std::fs::create_dir_all(run_dir).map_err(|source| Error::Write { path: run_dir.to_path_buf(), source })?;
    std::fs::write(run_dir.join("vocab.txt"), data.vocab.to_text())
        .map_err(|source| Error::Write { path: run_dir.join("vocab.txt"), source })?;
    let state = models::train::train(&run, device, observer)?;
    if !state.finished {
        return Ok((state, None));
    }
    let best = std::fs::read(run_dir.join("best.bpk"))
        .map_err(|source| Error::Read { path: run_dir.join("best.bpk"), source })?;
    Ok((state, Some(models::weights::from_bytes(net, &best, device)?)))
}

pub fn run(args: &TrainArgs) -> Result<()> {
    let mut config = TrainConfig::load(&args.config, &args.set)?;
    if let Some(encoder) = &args.encoder {
        if config.model.frozen_text.is_none() {
            return Err(Error::Usage(format!(
                "--encoder needs a model with a frozen text encoder; {} has none (see configs/server.toml)",
                args.config.display()
            )));
        }
        config.data.encoder = Some(encoder.clone());
    }
    let run_dir = args.run_dir.clone().unwrap_or_else(|| PathBuf::from("runs").join(&config.id));
    let data = prepare(&config, &args.device.device()?)?;
    let net = network(&config, &data);
    let (state, model) = fit(&config, &net, &data, &run_dir, args.resume, args.stop_after)?;
    let Some(model) = model else { return Ok(()) };
    let out = args.out.clone().unwrap_or_else(|| run_dir.join("bundle"));
    let provenance = BundleProvenance {
        data: config_sources(&config),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        best_epoch: state.best_epoch,
    };
    evaluate_and_write_bundle(&out, &config, &net, &data, &model, &provenance)?;
    eprintln!("wrote bundle {}", out.display());
    Ok(())
}

/// Where a trained bundle came from, as its manifest records it.
pub struct BundleProvenance {
    /// The training tables (paths, or a description of an upload).
    pub data: Vec<String>,
    /// What produced it (a command line, or the server job).
    pub command: String,
    pub best_epoch: usize,
}

/// The tables a configuration reads, as the manifest lists them.
pub fn config_sources(config: &TrainConfig) -> Vec<String> {
    let mut data = vec![config.data.mp2018.display().to_string()];
    data.extend(config.data.ehull.iter().map(|p| p.display().to_string()));
    data
}

/// The last step of a finished run: evaluates `model` on the test split and writes the bundle
/// (manifest, weights, vocabulary, model card) into `out`.
pub fn evaluate_and_write_bundle(
    out: &Path,
    config: &TrainConfig,
    net: &NetConfig,
    data: &Data,
    model: &models::nn::FusionNet,
    provenance: &BundleProvenance,
) -> Result<()> {
    let stats = calibrated_stats(model, data);
    let test_samples = data.prepared.samples(&data.prepared.test, &data.stats);
    let predictions =
        models::train::predict(model, &test_samples, models::batch::Modalities::BOTH, &stats, 256, &data.device);
    let metrics = test_metrics(&data.prepared, &predictions, &stats.z95);
    write_bundle(out, config, net, data, model, &Evaluation { stats, metrics }, provenance)
}

/// What a finished run's last step measured: the standardisation with σ recalibrated on
/// validation, and the test-split metrics under it.
struct Evaluation {
    stats: Standardizer,
    metrics: BTreeMap<String, BTreeMap<String, f64>>,
}

/// `data`'s standardisation with each property's σ factor fitted on `model`'s predictions for
/// the validation split ([`models::calibration`]); the test split plays no part.
pub fn calibrated_stats(model: &models::nn::FusionNet, data: &Data) -> Standardizer {
    let val = data.prepared.samples(&data.prepared.val, &data.stats);
    let predictions =
        models::train::predict(model, &val, models::batch::Modalities::BOTH, &data.stats, 256, &data.device);
    data.stats.recalibrated(&labelled_points(&data.prepared, &data.prepared.val, &predictions))
}

/// Each of `rows`' labels beside its prediction (`predictions` in the order of `rows`).
pub fn labelled_points(
    prepared: &Prepared,
    rows: &[usize],
    predictions: &[models::train::Prediction],
) -> Vec<([Option<f32>; models::batch::PROPERTIES], models::train::Prediction)> {
    rows.iter().map(|&i| prepared.records[i].labels).zip(predictions.iter().copied()).collect()
}

pub fn read_vocab(path: &Path) -> Result<Vocabulary> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.into(), source })?;
    Ok(Vocabulary::from_text(&text)?)
}

/// Test-split MAE/RMSE/R²/Spearman per property, the predict-the-training-median MAE and how
/// well σ covers and ranks the errors (the 95 % interval as ±`z95`·σ).
pub fn test_metrics(
    prepared: &Prepared,
    predictions: &[models::train::Prediction],
    z95: &[f64; PROPERTIES],
) -> BTreeMap<String, BTreeMap<String, f64>> {
    let mut out = BTreeMap::new();
    let points = labelled_points(prepared, &prepared.test, predictions);
    for (p, (name, _)) in LABEL_COLUMNS.iter().enumerate() {
        let train_values: Vec<f64> =
            prepared.train.iter().filter_map(|&i| prepared.records[i].labels[p]).map(f64::from).collect();
        let (actual, predicted, sigma) = models::calibration::labelled(&points, p);
        if actual.is_empty() || train_values.is_empty() {
            continue;
        }
        let m = models::metrics::regression_metrics(&actual, &predicted);
        let median = models::metrics::median(&train_values);
        let baseline = actual.iter().map(|a| (a - median).abs()).sum::<f64>() / actual.len() as f64;
        let mut metrics = BTreeMap::from([
            ("n".to_string(), m.n as f64),
            ("mae".to_string(), m.mae),
            ("rmse".to_string(), m.rmse),
            ("r2".to_string(), m.r2),
            ("spearman".to_string(), m.spearman),
            ("median_baseline_mae".to_string(), baseline),
        ]);
        metrics.extend(models::calibration::uncertainty_metrics(&actual, &predicted, &sigma, z95[p]));
        out.insert((*name).to_string(), metrics);
    }
    out
}

fn write_bundle(
    out: &Path,
    config: &TrainConfig,
    net: &NetConfig,
    training: &Data,
    model: &models::nn::FusionNet,
    evaluation: &Evaluation,
    provenance: &BundleProvenance,
) -> Result<()> {
    let BundleProvenance { data, command, best_epoch } = provenance;
    let Evaluation { stats, metrics } = evaluation;
    let weights = models::weights::to_bytes(model, true)?;
    let vocab_text = training.vocab.to_text();
    let text_encoder = training.encoder.clone().unwrap_or_else(|| EncoderRef {
        name: "matfuse-light (all-MiniLM-L6-v2 WordPiece vocabulary, pruned)".into(),
        hidden_size: net.text.hidden,
        sha256: sha256_hex(vocab_text.as_bytes()),
    });
    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        id: config.id.clone(),
        version: format!("{}+epoch{best_epoch}", env!("CARGO_PKG_VERSION")),
        fusion: net.fusion,
        text_encoder,
        properties: LABEL_COLUMNS
            .iter()
            .enumerate()
            .map(|(p, (name, unit))| PropertySpec {
                name: (*name).into(),
                unit: (*unit).into(),
                mean: stats.mean[p],
                std: stats.std[p],
                sigma_scale: stats.sigma_scale[p],
                z95: stats.z95[p],
            })
            .collect(),
        training: Provenance {
            data: data.clone(),
            split: "fixed `split` column (mp2018; mp2022_ehull agrees)".into(),
            command: command.clone(),
            seed: Some(config.train.seed),
        },
        metrics: metrics.clone(),
        trained: true,
        weights: FileRef { file: String::new(), sha256: String::new() },
        vocabulary: Vec::new(),
        caveats: models::bundle::standard_caveats(),
        network: Some(net.clone()),
    };
    let card = super::model_card::render(&manifest);
    models::Bundle::write(out, manifest, &weights, &vocab_text)?;
    std::fs::write(out.join("MODEL_CARD.md"), card)
        .map_err(|source| Error::Write { path: out.join("MODEL_CARD.md"), source })
}

/// Progress bar: epoch, loss, validation MAE per property, ETA.
struct ProgressObserver {
    bar: ProgressBar,
    epochs: usize,
    last: String,
}

impl ProgressObserver {
    fn new(epochs: usize) -> Self {
        let bar = ProgressBar::new(0).with_style(
            ProgressStyle::with_template("epoch {prefix} [{bar:30}] {pos}/{len} loss {msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        ProgressObserver { bar, epochs, last: String::new() }
    }
}

impl Observer for ProgressObserver {
    fn on_step(&mut self, epoch: usize, step: usize, steps: usize, loss: f64) {
        if step == 1 {
            self.bar.set_length(steps as u64);
            self.bar.set_position(0);
            self.bar.set_prefix(format!("{epoch}/{}", self.epochs));
        }
        self.bar.set_position(step as u64);
        self.bar.set_message(format!("{loss:.3}{}", self.last));
    }

    fn on_epoch(&mut self, r: &EpochReport) {
        let line = self.line(r);
        if self.bar.is_hidden() {
            // Not a terminal (a log file): one plain line per epoch.
            eprintln!("{line}");
        } else {
            self.bar.println(line);
        }
    }
}

impl ProgressObserver {
    fn line(&mut self, r: &EpochReport) -> String {
        let names = ["Ef", "gap", "ehull", "EF"];
        let maes: Vec<String> =
            (0..PROPERTIES).filter_map(|p| r.val_mae[p].map(|m| format!("{} {m:.3}", names[p]))).collect();
        let eta = r.seconds * (r.epochs - r.epoch) as f64;
        self.last = format!(" | last val MAE {}", maes.join(" "));
        format!(
            "epoch {:>3}/{} loss {:.4} val MAE {} score {:.4} best {} ({:.0} s, {:.0} structures/s, ETA {:.0} min)",
            r.epoch,
            r.epochs,
            r.train_loss,
            maes.join(" "),
            r.val_score,
            r.best_epoch,
            r.seconds,
            r.structures_per_second,
            eta / 60.0
        )
    }
}
