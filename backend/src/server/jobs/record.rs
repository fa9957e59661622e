//! What a training job is, as stored and as the API shows it, and the events it streams.

use crate::training::{Stage, Task};
use models::train::EpochReport;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where a job is in its life. `queued` and `running` jobs are resumed when the server starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Finished,
    Failed,
    Cancelled,
}

impl JobState {
    pub const ALL: [JobState; 5] =
        [JobState::Queued, JobState::Running, JobState::Finished, JobState::Failed, JobState::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Finished => "finished",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Finished, failed or cancelled: nothing more happens to the job.
    pub fn is_terminal(self) -> bool {
        matches!(self, JobState::Finished | JobState::Failed | JobState::Cancelled)
    }
}

/// Row counts of the uploaded table per split.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetSummary {
    pub rows: usize,
    pub train: usize,
    pub val: usize,
    pub test: usize,
    /// SHA-256 of the uploaded file as sent.
    pub sha256: String,
}

/// One completed epoch (the `epoch` server-sent event).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpochEvent {
    pub epoch: usize,
    pub epochs: usize,
    pub train_loss: f64,
    /// Validation MAE per property in its units (properties without validation labels absent).
    pub val_mae: BTreeMap<String, f64>,
    /// Mean of MAE / training std over the properties: the early-stopping score.
    pub val_score: f64,
    pub best_epoch: usize,
    pub seconds: f64,
    /// Remaining epochs times the mean epoch time so far (early stopping may end sooner).
    pub eta_seconds: f64,
}

impl EpochEvent {
    /// The event of `report` (whose `val_mae` entries are those of the tasks `properties`), with
    /// the ETA from the mean epoch time of `history` and `report`.
    pub fn new(report: &EpochReport, properties: &[String], history: &[EpochEvent]) -> EpochEvent {
        let seconds: f64 = history.iter().map(|e| e.seconds).sum::<f64>() + report.seconds;
        let mean = seconds / (history.len() + 1) as f64;
        EpochEvent {
            epoch: report.epoch,
            epochs: report.epochs,
            train_loss: report.train_loss,
            val_mae: properties
                .iter()
                .zip(report.val_mae.iter())
                .filter_map(|(name, mae)| mae.map(|m| (name.clone(), m)))
                .collect(),
            val_score: report.val_score,
            best_epoch: report.best_epoch,
            seconds: report.seconds,
            eta_seconds: mean * report.epochs.saturating_sub(report.epoch) as f64,
        }
    }
}

/// A stage of the training starting or finishing (the `stage` server-sent event).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StageEvent {
    /// `prepare`, `fit`, `evaluate` or `write_bundle` ([`Stage`]).
    pub stage: String,
    pub status: StageStatus,
    /// Epochs completed when it happened.
    pub epoch: usize,
    /// Wall time of the stage (finished stages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageStatus {
    Started,
    Finished,
}

impl StageEvent {
    pub fn new(stage: Stage, status: StageStatus, epoch: usize, seconds: Option<f64>) -> StageEvent {
        StageEvent { stage: stage.as_str().to_string(), status, epoch, seconds }
    }
}

/// How far a long task inside a stage is (the `progress` server-sent event; sent live, at most
/// once per percent, and not stored).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProgressEvent {
    /// `featurise` or `encode_text` ([`Task`]).
    pub task: &'static str,
    pub done: usize,
    pub total: usize,
}

impl ProgressEvent {
    pub fn new(task: Task, done: usize, total: usize) -> ProgressEvent {
        ProgressEvent { task: task.as_str(), done, total }
    }
}

/// The last event of a job's stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EndEvent {
    pub state: JobState,
    /// The registered model (finished jobs).
    pub model: Option<String>,
    pub error: Option<String>,
}

/// What a job's event stream carries.
#[derive(Clone, Debug, PartialEq)]
pub enum JobEvent {
    Stage(StageEvent),
    Progress(ProgressEvent),
    Epoch(EpochEvent),
    End(EndEvent),
}

/// A job as stored (the JSON `record` column).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    pub id: String,
    /// The configuration's `id`.
    pub name: String,
    /// The id its model is registered under when it finishes (`<name>-<first 8 of id>`).
    pub model_id: String,
    pub state: JobState,
    /// The configuration as submitted (TOML).
    pub config: String,
    pub dataset: DatasetSummary,
    /// Epochs the schedule runs (early stopping may end sooner).
    pub epochs: usize,
    /// Unix seconds.
    pub created_at: u64,
    pub updated_at: u64,
    pub history: Vec<EpochEvent>,
    /// The stages' starts and ends, in order (a resumed job prepares and fits again).
    #[serde(default)]
    pub stages: Vec<StageEvent>,
    pub error: Option<String>,
}

impl JobRecord {
    /// The tasks the job's configuration trains, in order (the crystal tasks when the stored
    /// configuration does not parse).
    pub fn task_names(&self) -> Vec<String> {
        toml::from_str::<crate::training::TrainConfig>(&self.config)
            .map(|c| c.data.tasks)
            .unwrap_or_else(|_| shared::task::CRYSTAL_TASKS.map(String::from).to_vec())
    }
}

impl JobRecord {
    /// The terminal event of a job that has ended.
    pub fn end_event(&self) -> Option<EndEvent> {
        self.state.is_terminal().then(|| EndEvent {
            state: self.state,
            model: (self.state == JobState::Finished).then(|| self.model_id.clone()),
            error: self.error.clone(),
        })
    }

    /// The job's events so far in the order they happened: the stages and epochs (a stage
    /// recorded after `n` epochs comes after epoch `n`), then the end if it has ended.
    pub fn events(&self) -> Vec<JobEvent> {
        let mut timeline: Vec<((usize, u8), JobEvent)> = Vec::new();
        timeline.extend(self.history.iter().map(|e| ((e.epoch, 0), JobEvent::Epoch(e.clone()))));
        timeline.extend(self.stages.iter().map(|s| ((s.epoch, 1), JobEvent::Stage(s.clone()))));
        // Stable: stages recorded at the same epoch keep their order.
        timeline.sort_by_key(|(key, _)| *key);
        let events = timeline.into_iter().map(|(_, event)| event);
        events.chain(self.end_event().map(JobEvent::End)).collect()
    }

    /// The API's view; `detail` adds the whole epoch history.
    pub fn view(&self, cancel_requested: bool, detail: bool) -> JobView {
        let epoch = self.history.last().map_or(0, |e| e.epoch);
        JobView {
            id: self.id.clone(),
            name: self.name.clone(),
            state: self.state,
            created_at: self.created_at,
            updated_at: self.updated_at,
            progress: Progress {
                epoch,
                epochs: self.epochs,
                fraction: if self.state == JobState::Finished { 1.0 } else { epoch as f64 / self.epochs.max(1) as f64 },
            },
            last_epoch: self.history.last().cloned(),
            model: (self.state == JobState::Finished).then(|| self.model_id.clone()),
            error: self.error.clone(),
            cancel_requested: cancel_requested && !self.state.is_terminal(),
            dataset: self.dataset.clone(),
            history: detail.then(|| self.history.clone()),
        }
    }
}

/// A job in the API (`GET /api/v1/jobs`, `/jobs/{id}`).
#[derive(Clone, Debug, Serialize)]
pub struct JobView {
    pub id: String,
    pub name: String,
    pub state: JobState,
    pub created_at: u64,
    pub updated_at: u64,
    pub progress: Progress,
    pub last_epoch: Option<EpochEvent>,
    /// The registered model, once finished.
    pub model: Option<String>,
    pub error: Option<String>,
    /// A cancel was asked for and the training stops at its next epoch boundary.
    pub cancel_requested: bool,
    pub dataset: DatasetSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<EpochEvent>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Progress {
    pub epoch: usize,
    pub epochs: usize,
    /// Epochs done over epochs planned (1 once finished, early stopping included).
    pub fraction: f64,
}

/// `GET /api/v1/jobs`.
#[derive(Clone, Debug, Serialize)]
pub struct JobList {
    pub jobs: Vec<JobView>,
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
