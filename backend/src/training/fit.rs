//! The fit: the network a configuration describes, sized to the data, trained (or continued) by
//! [`models::train::train`] in a run directory with checkpoints and early stopping.

use super::config::TrainConfig;
use super::data::Data;
use super::observer::{Event, LoopObserver, Observer};
use crate::error::{Error, Result};
use models::nn::{FusionNet, NetConfig};
use models::train::{RunControl, TrainRun, TrainState};
use std::path::Path;

/// The network a config describes, sized to the data's vocabulary and tasks.
pub fn network(config: &TrainConfig, data: &Data) -> NetConfig {
    let mut net = config.model.clone();
    net.text.vocab_size = data.vocab.len();
    if net.fusion != models::bundle::FusionKind::Cross {
        // Only `cross` has a readout; other variants record none.
        net.cross_readout = models::nn::CrossReadout::default();
    }
    net.tasks = data.prepared.tasks.len();
    if let (Some(frozen), Some(encoder)) = (&mut net.frozen_text, &data.encoder) {
        frozen.encoder_hidden = encoder.hidden_size;
    }
    net
}

/// A fit's end: the state and, once the schedule or early stopping finished it, the network of
/// the best validation epoch.
pub struct Fitted {
    pub state: TrainState,
    pub model: Option<FusionNet>,
}

/// Trains (or continues) `net` in `run_dir`, reporting steps, epochs, best checkpoints and the
/// end of the fit to `observer`.
pub fn fit(
    config: &TrainConfig,
    net: &NetConfig,
    data: &Data,
    run_dir: &Path,
    control: RunControl,
    observer: &dyn Observer,
) -> Result<Fitted> {
    let started = std::time::Instant::now();
    let train_samples = data.prepared.samples(&data.prepared.train, &data.stats);
    let val_samples = data.prepared.samples(&data.prepared.val, &data.stats);
    let device = &data.device;
    let run = TrainRun {
        net,
        options: &config.train,
        train: &train_samples,
        val: &val_samples,
        stats: &data.stats,
        tasks: &data.prepared.tasks,
        dir: run_dir,
        control,
    };
    std::fs::create_dir_all(run_dir).map_err(|source| Error::Write { path: run_dir.to_path_buf(), source })?;
    std::fs::write(run_dir.join("vocab.txt"), data.vocab.to_text())
        .map_err(|source| Error::Write { path: run_dir.join("vocab.txt"), source })?;
    let properties = data.prepared.task_names();
    let state = models::train::train(
        &run,
        device,
        &mut LoopObserver { observer, properties: &properties, epochs: config.train.epochs },
    )?;
    observer.event(&Event::FitEnded {
        run_dir: run_dir.to_path_buf(),
        epoch: state.epoch,
        best_epoch: state.best_epoch,
        best_score: state.best_score,
        seconds: started.elapsed().as_secs_f64(),
        finished: state.finished,
    });
    if !state.finished {
        return Ok(Fitted { state, model: None });
    }
    let best = models::train::RunDir(run_dir.to_path_buf()).best();
    let bytes = std::fs::read(&best).map_err(|source| Error::Read { path: best.clone(), source })?;
    let model = models::weights::from_bytes(net, &bytes, device)?;
    Ok(Fitted { state, model: Some(model) })
}
