//! Training as a library: configuration → data → fit → evaluation → bundle behind one entry
//! point, [`run`], which reports progress to an [`Observer`] and prints nothing. `matfuse train`
//! renders the events on the terminal, the server's jobs publish them as server-sent events, and
//! `matfuse ablate` calls the stages one by one to train several variants on the same data.

pub mod config;
pub mod curves;
pub mod data;
pub mod evaluate;
pub mod featurise;
pub mod fit;
pub mod hull_labels;
pub mod model_card;
pub mod molecule;
pub mod observer;
pub mod write;

pub use config::{DataConfig, DataSources, TrainConfig};
pub use data::{Data, Prepared, prepare};
pub use evaluate::{Evaluation, calibrated_stats, evaluate, labelled_points};
pub use fit::{Fitted, fit, network};
pub use models::train::RunControl;
pub use observer::{Event, Observer, Stage, Task};
pub use write::{BundleProvenance, write_bundle};

use crate::error::{Error, Result};
use burn::prelude::Device;
use observer::stage;
use std::path::PathBuf;

/// Everything a run needs besides its configuration.
pub struct RunSettings {
    /// The tables, vocabulary, encoder and featurise cache.
    pub sources: DataSources,
    /// Checkpoints, `best.bpk` and the run's vocabulary.
    pub run_dir: PathBuf,
    /// Where the bundle is written once the fit finishes.
    pub bundle: PathBuf,
    pub control: RunControl,
    /// The tables as the manifest records them (paths, or a description of an upload).
    pub provenance: Vec<String>,
    /// What started the run, as the manifest records it (a command line, the job).
    pub command: String,
    /// Where encoding, training and evaluation run.
    pub device: Device,
}

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    /// The bundle is in this directory.
    Finished(PathBuf),
    /// Stopped at a stage or epoch boundary (asked to, or `stop_after`); resumable.
    Stopped,
}

/// Prepares the data, fits (resuming when `settings.control` says so), calibrates and evaluates
/// the best network and writes its bundle, reporting every stage to `observer`.
pub fn run(config: &TrainConfig, settings: &RunSettings, observer: &dyn Observer) -> Result<Outcome> {
    let data = stage(observer, Stage::Prepare, || prepare(config, &settings.sources, &settings.device, observer))?;
    if observer.should_stop() {
        return Ok(Outcome::Stopped);
    }
    let net = network(config, &data);
    let fitted =
        stage(observer, Stage::Fit, || fit(config, &net, &data, &settings.run_dir, settings.control, observer))?;
    let Some(model) = fitted.model else { return Ok(Outcome::Stopped) };
    let evaluation = stage(observer, Stage::Evaluate, || Ok::<_, Error>(evaluate(&model, &data)))?;
    observer.event(&Event::Calibrated(&evaluation.calibration()));
    let provenance = BundleProvenance {
        data: settings.provenance.clone(),
        command: settings.command.clone(),
        best_epoch: fitted.state.best_epoch,
    };
    stage(observer, Stage::WriteBundle, || {
        write_bundle(&settings.bundle, config, &net, &data, &model, &evaluation, &provenance)
    })?;
    observer.event(&Event::BundleWritten(settings.bundle.clone()));
    Ok(Outcome::Finished(settings.bundle.clone()))
}
