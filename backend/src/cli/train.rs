//! `matfuse train --config configs/NAME.toml`: featurise (cached), tokenise, train with
//! checkpoints and early stopping, then write a model bundle evaluated on the test split
//! ([`crate::training::run`], rendered by [`super::progress::Terminal`]).

use crate::error::{Error, Result};
use crate::training::molecule::{self, MoleculeRunSettings, MoleculeTrainConfig};
use crate::training::{DataSources, RunControl, RunSettings, TrainConfig};
use models::device::DeviceChoice;
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
    /// Wall-clock seconds this invocation may train: once another epoch as long as the last
    /// would not fit, the run ends as finished and its best epoch becomes the bundle (for
    /// time-boxed GPU runs; the learning-rate schedule still spans `train.epochs`).
    #[arg(long, value_name = "SECONDS")]
    pub time_budget: Option<f64>,
    /// Frozen large encoder to train with: any Hugging Face BERT directory (config.json,
    /// tokenizer.json or vocab.txt, model.safetensors), e.g. SciBERT or MatSciBERT; overrides
    /// the config's `data.encoder` (the config's model must have `frozen_text`).
    #[arg(long)]
    pub encoder: Option<PathBuf>,
    /// Where to train: cpu (default), wgpu or cuda (GPU backends need a build with that feature).
    #[arg(long, default_value = "cpu", env = "MATFUSE_DEVICE")]
    pub device: DeviceChoice,
}

impl TrainArgs {
    fn control(&self) -> RunControl {
        RunControl { resume: self.resume, stop_after: self.stop_after, time_budget: self.time_budget }
    }
}

/// The configuration at `path` with the `--set KEY=VALUE` assignments applied.
pub fn load_config(path: &Path, assignments: &[String]) -> Result<TrainConfig> {
    super::overrides::load(path, assignments)
}

pub fn run(args: &TrainArgs) -> Result<()> {
    if molecule::is_molecule_config(&args.config)? {
        return run_molecule(args);
    }
    let mut config = load_config(&args.config, &args.set)?;
    if let Some(encoder) = &args.encoder {
        if config.model.frozen_text.is_none() {
            return Err(Error::CommandLine(format!(
                "--encoder needs a model with a frozen text encoder; {} has none (see configs/server.toml)",
                args.config.display()
            )));
        }
        config.data.encoder = Some(encoder.clone());
    }
    let sources = DataSources::from_config(&config.data)?;
    let run_dir = args.run_dir.clone().unwrap_or_else(|| PathBuf::from("runs").join(&config.id));
    let settings = RunSettings {
        provenance: sources.tables(),
        sources,
        bundle: args.out.clone().unwrap_or_else(|| run_dir.join("bundle")),
        run_dir,
        control: args.control(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        device: args.device.device()?,
    };
    crate::training::run(&config, &settings, &super::progress::Terminal::default())?;
    Ok(())
}

/// `matfuse train` of a molecule configuration (`kind = "molecule"`, `configs/mol-*.toml`).
fn run_molecule(args: &TrainArgs) -> Result<()> {
    if args.encoder.is_some() {
        return Err(Error::CommandLine("--encoder applies to crystal models only".into()));
    }
    let config = MoleculeTrainConfig::load(&args.config, &args.set)?;
    let run_dir = args.run_dir.clone().unwrap_or_else(|| PathBuf::from("runs").join(&config.id));
    let settings = MoleculeRunSettings {
        bundle: args.out.clone().unwrap_or_else(|| run_dir.join("bundle")),
        run_dir,
        control: args.control(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        device: args.device.device()?,
    };
    molecule::run(&config, &settings, &super::progress::Terminal::default())?;
    Ok(())
}
