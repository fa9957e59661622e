//! What a training job is, as stored and as the API shows it, and the events it streams.

use models::train::EpochReport;
use serde::{Deserialize, Serialize};
use shared::dataset::LABEL_COLUMNS;
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
    /// The event of `report`, with the ETA from the mean epoch time of `history` and `report`.
    pub fn new(report: &EpochReport, history: &[EpochEvent]) -> EpochEvent {
        let seconds: f64 = history.iter().map(|e| e.seconds).sum::<f64>() + report.seconds;
        let mean = seconds / (history.len() + 1) as f64;
        EpochEvent {
            epoch: report.epoch,
            epochs: report.epochs,
            train_loss: report.train_loss,
            val_mae: LABEL_COLUMNS
                .iter()
                .zip(report.val_mae)
                .filter_map(|((name, _), mae)| mae.map(|m| ((*name).to_string(), m)))
                .collect(),
            val_score: report.val_score,
            best_epoch: report.best_epoch,
            seconds: report.seconds,
            eta_seconds: mean * report.epochs.saturating_sub(report.epoch) as f64,
        }
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
    pub error: Option<String>,
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

    /// The job's events so far: its epochs, then the end if it has ended.
    pub fn events(&self) -> Vec<JobEvent> {
        let epochs = self.history.iter().cloned().map(JobEvent::Epoch);
        epochs.chain(self.end_event().map(JobEvent::End)).collect()
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
