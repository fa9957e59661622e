//! What a training run tells whoever drives it: the [`Event`]s of its stages, in order, and the
//! one question it asks ([`Observer::should_stop`]). The library prints nothing; the CLI renders
//! the events on the terminal and the server's jobs publish them as server-sent events.

use models::train::EpochReport;
use serde::Serialize;
use std::path::PathBuf;

/// The stages of a run, in the order they happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Featurise (cached), split, tokenise or encode the descriptions.
    Prepare,
    /// The epochs, with a checkpoint after each.
    Fit,
    /// σ calibrated on validation, then the test split's metrics.
    Evaluate,
    /// The bundle (manifest, weights, vocabulary, model card).
    WriteBundle,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Prepare => "prepare",
            Stage::Fit => "fit",
            Stage::Evaluate => "evaluate",
            Stage::WriteBundle => "write_bundle",
        }
    }
}

/// Work inside a stage that reports how far it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Structures parsed, turned into graphs and described.
    Featurise,
    /// Descriptions run through the frozen large text encoder.
    EncodeText,
}

impl Task {
    pub fn as_str(self) -> &'static str {
        match self {
            Task::Featurise => "featurise",
            Task::EncodeText => "encode_text",
        }
    }
}

/// One property's validation σ factor and 95 % interval half-width (in σ units).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PropertyCalibration {
    pub property: String,
    pub sigma_scale: f64,
    pub z95: f64,
}

/// Something that happened in a run.
#[derive(Clone, Debug, PartialEq)]
pub enum Event<'a> {
    StageStarted(Stage),
    /// `seconds`: wall time of the stage.
    StageFinished {
        stage: Stage,
        seconds: f64,
    },
    /// `done` of `total` items of `task`.
    Progress {
        task: Task,
        done: usize,
        total: usize,
    },
    /// A table featurised into the cache (`failed` rows listed in `failures`).
    Featurised {
        table: PathBuf,
        featurised: usize,
        failed: usize,
        failures: PathBuf,
        records: PathBuf,
    },
    /// Structures per split after the configured caps.
    Split {
        train: usize,
        val: usize,
        test: usize,
    },
    /// Training structures that gained an energy-above-hull label from the training split's
    /// own hull (`train.hull_labels`), and those it could not place.
    HullLabels(super::hull_labels::HullLabels),
    /// The light encoder's vocabulary, pruned to the training descriptions.
    Vocabulary {
        kept: usize,
        of: usize,
    },
    /// The frozen encoder (its reference) and the directory of its cached token states.
    TextStates {
        encoder: String,
        cache: PathBuf,
    },
    /// One optimiser step: `step` of `steps` in `epoch` (of `epochs`); `loss` of the batch.
    Step {
        epoch: usize,
        epochs: usize,
        step: usize,
        steps: usize,
        loss: f64,
    },
    /// One epoch done and checkpointed; `properties` names `report.val_mae`'s entries.
    Epoch {
        report: &'a EpochReport,
        properties: &'a [String],
    },
    /// The epoch's parameters are the best on validation so far (written as `best.bpk`).
    BestCheckpoint {
        epoch: usize,
        score: f64,
    },
    /// The fit in `run_dir` stopped after `epoch`, best at `best_epoch` (`finished`: no epoch
    /// remains; else it continues with `resume`).
    FitEnded {
        run_dir: PathBuf,
        epoch: usize,
        best_epoch: usize,
        best_score: f64,
        seconds: f64,
        finished: bool,
    },
    /// σ factors and z95 fitted on validation.
    Calibrated(&'a [PropertyCalibration]),
    BundleWritten(PathBuf),
}

/// Receives a run's events (from the training thread) and may stop it.
pub trait Observer: Sync {
    fn event(&self, event: &Event<'_>);

    /// Polled between steps and stages: `true` stops the run at the next epoch boundary
    /// (checkpointed, so it can be resumed).
    fn should_stop(&self) -> bool {
        false
    }
}

/// An observer that ignores everything.
impl Observer for () {
    fn event(&self, _: &Event<'_>) {}
}

/// [`models::train::Observer`] over a run's observer (the inner loop's steps and epochs).
pub(crate) struct LoopObserver<'a> {
    pub observer: &'a dyn Observer,
    pub properties: &'a [String],
    /// Epochs the schedule runs.
    pub epochs: usize,
}

impl models::train::Observer for LoopObserver<'_> {
    fn on_step(&mut self, epoch: usize, step: usize, steps: usize, loss: f64) {
        self.observer.event(&Event::Step { epoch, epochs: self.epochs, step, steps, loss });
    }

    fn on_epoch(&mut self, report: &EpochReport) {
        if report.best_epoch == report.epoch {
            self.observer.event(&Event::BestCheckpoint { epoch: report.epoch, score: report.val_score });
        }
        self.observer.event(&Event::Epoch { report, properties: self.properties });
    }

    fn should_stop(&self) -> bool {
        self.observer.should_stop()
    }
}

/// Runs `work` as `stage`, reporting its start and (when it succeeds) its end.
pub(crate) fn stage<T, E>(observer: &dyn Observer, stage: Stage, work: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    observer.event(&Event::StageStarted(stage));
    let started = std::time::Instant::now();
    let out = work()?;
    observer.event(&Event::StageFinished { stage, seconds: started.elapsed().as_secs_f64() });
    Ok(out)
}
