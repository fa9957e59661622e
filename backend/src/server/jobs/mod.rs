//! Training jobs (`/api/v1/jobs`): an operator uploads a table and a configuration, the server
//! trains on a blocking thread (at most `max_jobs` at once, the rest queued in order), streams
//! each epoch to subscribers and installs the finished model in the registry.
//!
//! Jobs live in the [`Store`]; a job's files live in `<data_dir>/jobs/<id>/` (upload, featurise
//! cache, checkpoints) and its bundle moves to `<data_dir>/models/<model id>/`. Jobs that were
//! queued or running when the server stopped resume from their checkpoint on [`Jobs::resume`].

pub mod auth;
pub mod live;
pub mod record;
pub mod runner;
pub mod submission;

use super::metrics::Metrics;
use super::registry::Registry;
use super::storage::{Store, is_job_id, new_job_id};
use crate::error::{Error, Result};
use crate::training::Task;
use auth::AdminToken;
use axum::http::HeaderValue;
use live::{LiveJob, Subscription};
use models::device::DeviceChoice;
use record::{
    DatasetSummary, EpochEvent, JobEvent, JobRecord, JobState, JobView, ProgressEvent, StageEvent, StageStatus, now,
};
use runner::{Hooks, Outcome, Training, Workspace};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use submission::JobConfig;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// How the server runs jobs (from [`super::ServerConfig`]).
#[derive(Clone, Debug)]
pub struct JobSettings {
    /// `<data_dir>`: jobs in `jobs/`, their models in `models/`.
    pub data_dir: PathBuf,
    /// The large text encoder directory; its `vocab.txt` seeds the light encoder's vocabulary.
    pub encoder_dir: PathBuf,
    /// Whether the large encoder loaded (needed by `frozen_text` models).
    pub frozen_encoder: bool,
    pub device: DeviceChoice,
    /// Trainings at once; more jobs wait in `queued`.
    pub max_jobs: usize,
    /// `None`: the job endpoints are disabled.
    pub admin_token: Option<AdminToken>,
}

/// Why a request may not use the job endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// No operator token is configured.
    Disabled,
    /// The token is missing or wrong.
    Unauthorized,
}

/// What a cancel did.
#[derive(Debug)]
pub enum Cancelled {
    /// The job had not started: it is cancelled now.
    Now(JobView),
    /// It is training: it stops at its next epoch boundary.
    Requested(JobView),
}

/// A job operation that could not be done.
#[derive(Debug)]
pub enum JobError {
    NotFound,
    /// The job has already ended in this state.
    Ended(JobState),
    Store(Error),
}

impl From<Error> for JobError {
    fn from(e: Error) -> JobError {
        JobError::Store(e)
    }
}

/// A received upload's workspace, before the job exists.
#[derive(Clone)]
pub struct Upload {
    pub id: String,
    pub workspace: Workspace,
}

pub struct Jobs {
    settings: JobSettings,
    store: Arc<dyn Store>,
    registry: Arc<Registry>,
    metrics: Arc<Metrics>,
    /// One permit per training slot (fair: queued jobs start in submission order).
    slots: Arc<Semaphore>,
    /// Queued and running jobs.
    live: Mutex<HashMap<String, Arc<LiveJob>>>,
    tasks: Mutex<JoinSet<()>>,
    stopping: AtomicBool,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Jobs {
    pub fn new(settings: JobSettings, store: Arc<dyn Store>, registry: Arc<Registry>, metrics: Arc<Metrics>) -> Jobs {
        let jobs = Jobs {
            slots: Arc::new(Semaphore::new(settings.max_jobs.max(1))),
            settings,
            store,
            registry,
            metrics,
            live: Mutex::new(HashMap::new()),
            tasks: Mutex::new(JoinSet::new()),
            stopping: AtomicBool::new(false),
        };
        jobs.refresh_metrics();
        jobs
    }

    pub fn enabled(&self) -> bool {
        self.settings.admin_token.is_some()
    }

    /// Checks an `Authorization` header against the operator token.
    pub fn authorize(&self, header: Option<&HeaderValue>) -> std::result::Result<(), Denied> {
        let token = self.settings.admin_token.as_ref().ok_or(Denied::Disabled)?;
        match auth::bearer(header) {
            Some(presented) if token.matches(presented) => Ok(()),
            _ => Err(Denied::Unauthorized),
        }
    }

    fn jobs_dir(&self) -> PathBuf {
        self.settings.data_dir.join("jobs")
    }

    fn models_dir(&self) -> PathBuf {
        self.settings.data_dir.join("models")
    }

    /// Whether the server can train `frozen_text` models.
    pub fn frozen_encoder(&self) -> bool {
        self.settings.frozen_encoder
    }

    /// The vocabulary file the light text encoder is pruned from.
    fn vocab(&self) -> PathBuf {
        self.settings.encoder_dir.join("vocab.txt")
    }

    /// A new job id and its (empty) workspace, for an upload to be received into.
    pub fn new_upload(&self) -> Result<Upload> {
        if !self.vocab().is_file() {
            return Err(Error::MissingFile {
                path: self.vocab(),
                needed_for: "training needs this text vocabulary (scripts/fetch-encoder.sh installs it)".into(),
            });
        }
        let id = new_job_id()?;
        let workspace = Workspace::new(&self.jobs_dir(), &id);
        std::fs::create_dir_all(&workspace.dir)
            .map_err(|source| Error::Write { path: workspace.dir.clone(), source })?;
        Ok(Upload { id, workspace })
    }

    /// Stores a checked submission as a queued job and schedules it (call in a runtime).
    pub fn submit(
        self: &Arc<Self>,
        upload: &Upload,
        config_text: String,
        config: &JobConfig,
        dataset: DatasetSummary,
    ) -> Result<JobView> {
        let created = now();
        let record = JobRecord {
            id: upload.id.clone(),
            name: config.config.id.clone(),
            model_id: format!("{}-{}", config.config.id, &upload.id[..8]),
            state: JobState::Queued,
            config: config_text,
            dataset,
            epochs: config.config.train.epochs,
            created_at: created,
            updated_at: created,
            history: Vec::new(),
            stages: Vec::new(),
            error: None,
        };
        self.store.insert_job(&record)?;
        tracing::info!(job = %record.id, model = %record.model_id, "training job queued");
        let live = Arc::new(LiveJob::new(record));
        let view = live.view(true);
        self.schedule(live);
        self.refresh_metrics();
        Ok(view)
    }

    /// Every job, oldest first.
    pub fn list(&self) -> Result<Vec<JobView>> {
        let records = self.store.jobs()?;
        let live = lock(&self.live);
        Ok(records.iter().map(|r| r.view(live.get(&r.id).is_some_and(|j| j.cancel_requested()), false)).collect())
    }

    pub fn get(&self, id: &str) -> std::result::Result<JobView, JobError> {
        if !is_job_id(id) {
            return Err(JobError::NotFound);
        }
        if let Some(live) = self.live_job(id) {
            return Ok(live.view(true));
        }
        Ok(self.store.job(id)?.ok_or(JobError::NotFound)?.view(false, true))
    }

    /// The job's events so far and, until it ends, the live ones.
    pub fn subscribe(&self, id: &str) -> std::result::Result<Subscription, JobError> {
        if !is_job_id(id) {
            return Err(JobError::NotFound);
        }
        if let Some(live) = self.live_job(id) {
            return Ok(live.subscribe());
        }
        let record = self.store.job(id)?.ok_or(JobError::NotFound)?;
        // A job that is not live has ended, or waits for a server with jobs enabled to resume it.
        Ok(Subscription { past: record.events(), live: None })
    }

    /// Cancels a job: a queued one at once, a running one at its next epoch boundary.
    pub fn cancel(&self, id: &str) -> std::result::Result<Cancelled, JobError> {
        if !is_job_id(id) {
            return Err(JobError::NotFound);
        }
        let Some(live) = self.live_job(id) else {
            // Not scheduled here (ended, or left over while jobs were disabled).
            let mut record = self.store.job(id)?.ok_or(JobError::NotFound)?;
            if record.state.is_terminal() {
                return Err(JobError::Ended(record.state));
            }
            record.state = JobState::Cancelled;
            record.updated_at = now();
            self.store.update_job(&record)?;
            self.refresh_metrics();
            return Ok(Cancelled::Now(record.view(false, true)));
        };
        let mut ended = None;
        // The request is made under the record's lock, after seeing the job has not ended: a
        // training that stops at an epoch boundary in between cannot make this request's own
        // cancellation look like a job that had already ended.
        let record = live.update(&*self.store, |r| {
            match r.state {
                state if state.is_terminal() => ended = Some(state),
                JobState::Queued => {
                    live.request_cancel();
                    r.state = JobState::Cancelled;
                    r.updated_at = now();
                    return r.end_event().map(JobEvent::End);
                }
                _ => live.request_cancel(),
            }
            None
        });
        if let Some(state) = ended {
            return Err(JobError::Ended(state));
        }
        tracing::info!(job = %id, state = record.state.as_str(), "training job cancel requested");
        if record.state == JobState::Cancelled {
            self.forget(id);
            self.refresh_metrics();
            Ok(Cancelled::Now(record.view(true, true)))
        } else {
            Ok(Cancelled::Requested(record.view(true, true)))
        }
    }

    /// Schedules the jobs that were queued or running when the server last stopped (they
    /// continue from their checkpoints); returns how many. Call once, in a runtime, after start.
    pub fn resume(self: &Arc<Self>) -> Result<usize> {
        if !self.enabled() {
            return Ok(0);
        }
        let mut resumed = 0;
        for mut record in self.store.jobs()? {
            if record.state.is_terminal() || self.live_job(&record.id).is_some() {
                continue;
            }
            if let Some(history) = Workspace::new(&self.jobs_dir(), &record.id).checkpoint_history(&record.task_names())
            {
                record.history = history;
            }
            record.state = JobState::Queued;
            record.updated_at = now();
            self.store.update_job(&record)?;
            tracing::info!(job = %record.id, epoch = record.history.len(), "training job resumed");
            self.schedule(Arc::new(LiveJob::new(record)));
            resumed += 1;
        }
        self.refresh_metrics();
        Ok(resumed)
    }

    /// Stops every training at its next epoch boundary and waits for them; their jobs stay
    /// `running` / `queued` in the store and resume on the next start.
    pub async fn shutdown(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.slots.close();
        let mut tasks = std::mem::take(&mut *lock(&self.tasks));
        while tasks.join_next().await.is_some() {}
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    fn live_job(&self, id: &str) -> Option<Arc<LiveJob>> {
        lock(&self.live).get(id).cloned()
    }

    fn forget(&self, id: &str) {
        lock(&self.live).remove(id);
    }

    /// Waits for a training slot, then trains on a blocking thread.
    fn schedule(self: &Arc<Self>, live: Arc<LiveJob>) {
        let id = live.snapshot().id;
        lock(&self.live).insert(id, live.clone());
        let jobs = self.clone();
        let mut tasks = lock(&self.tasks);
        while tasks.try_join_next().is_some() {}
        tasks.spawn(async move {
            // Closed: the server is stopping; the job stays queued and resumes next time.
            let Ok(permit) = jobs.slots.clone().acquire_owned().await else { return };
            let _ = tokio::task::spawn_blocking(move || {
                let _permit = permit;
                jobs.execute(&live);
            })
            .await;
        });
    }

    /// Runs one job to its end (on a blocking thread, holding a slot).
    fn execute(&self, live: &Arc<LiveJob>) {
        let id = live.snapshot().id;
        let started = live.update(&*self.store, |r| {
            if !r.state.is_terminal() && !self.stopping() {
                r.state = JobState::Running;
                r.updated_at = now();
            }
            None
        });
        if started.state != JobState::Running {
            // Cancelled while queued, or the server is stopping.
            self.forget(&id);
            return;
        }
        self.refresh_metrics();
        tracing::info!(job = %id, "training job started");
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.train(live, &started)))
            .unwrap_or_else(|panic| {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                    .unwrap_or_default();
                Err(format!("the training stopped unexpectedly: {message}"))
            });
        let (state, error) = match result {
            Ok(Outcome::Finished(_)) => (JobState::Finished, None),
            Ok(Outcome::Stopped) if live.cancel_requested() => (JobState::Cancelled, None),
            Ok(Outcome::Stopped) => {
                tracing::info!(job = %id, "training job paused for shutdown: it resumes on the next start");
                self.forget(&id);
                return;
            }
            Err(message) => (JobState::Failed, Some(message)),
        };
        let record = live.update(&*self.store, |r| {
            r.state = state;
            r.error = error;
            r.updated_at = now();
            r.end_event().map(JobEvent::End)
        });
        match &record.error {
            Some(e) => tracing::warn!(job = %id, "training job failed: {e}"),
            None => tracing::info!(job = %id, state = state.as_str(), model = %record.model_id, "training job ended"),
        }
        self.forget(&id);
        self.refresh_metrics();
    }

    /// The training itself and the model's installation; errors as the job reports them.
    fn train(&self, live: &LiveJob, record: &JobRecord) -> std::result::Result<Outcome, String> {
        let config = JobConfig::parse(&record.config, self.settings.frozen_encoder)
            .map_err(|e| format!("configuration: {}", e.message))?;
        let device = self.settings.device.device().map_err(|e| e.to_string())?;
        let workspace = Workspace::new(&self.jobs_dir(), &record.id);
        let (models_dir, vocab) = (self.models_dir(), self.vocab());
        let training = Training {
            job_id: &record.id,
            model_id: &record.model_id,
            config: &config,
            workspace: &workspace,
            models_dir: &models_dir,
            vocab: &vocab,
            encoder_dir: &self.settings.encoder_dir,
            device: &device,
        };
        // The last progress sent, in whole percent of its task.
        let last_progress = Mutex::new(None);
        let hooks = Hooks {
            on_event: |event: &crate::training::Event<'_>| self.publish(live, event, &last_progress),
            stop: || live.cancel_requested() || self.stopping(),
        };
        let outcome = runner::train(&training, &hooks).map_err(|e| self.public_error(&e))?;
        if let Outcome::Finished(dir) = &outcome
            && self.registry.get(&record.model_id).is_none()
        {
            self.registry.install(dir, &device).map_err(|e| format!("the trained model does not load: {e}"))?;
        }
        Ok(outcome)
    }

    /// Records and sends a training event as the job's: stages and epochs are stored (a later
    /// subscriber replays them), progress goes out live at most once per percent.
    fn publish(
        &self,
        live: &LiveJob,
        event: &crate::training::Event<'_>,
        last_progress: &Mutex<Option<(Task, usize)>>,
    ) {
        use crate::training::Event;
        let stage = |stage, status, seconds| {
            live.update(&*self.store, |r| {
                let event = StageEvent::new(stage, status, r.history.last().map_or(0, |e| e.epoch), seconds);
                r.stages.push(event.clone());
                r.updated_at = now();
                Some(JobEvent::Stage(event))
            });
        };
        match event {
            Event::StageStarted(s) => stage(*s, StageStatus::Started, None),
            Event::StageFinished { stage: s, seconds } => stage(*s, StageStatus::Finished, Some(*seconds)),
            Event::Progress { task, done, total } => {
                let percent = done * 100 / (*total).max(1);
                let mut last = lock(last_progress);
                if *last != Some((*task, percent)) {
                    *last = Some((*task, percent));
                    live.send(JobEvent::Progress(ProgressEvent::new(*task, *done, *total)));
                }
            }
            Event::Epoch { report, properties } => {
                live.update(&*self.store, |r| {
                    let event = EpochEvent::new(report, properties, &r.history);
                    // A resumed run repeats no epoch; keep the history strictly increasing anyway.
                    r.history.retain(|e| e.epoch < event.epoch);
                    r.history.push(event.clone());
                    r.updated_at = now();
                    Some(JobEvent::Epoch(event))
                });
            }
            _ => {}
        }
    }

    /// A training error as the job shows it: without the server's paths where it can.
    fn public_error(&self, e: &Error) -> String {
        let text = e.to_string();
        let dir = self.settings.data_dir.display().to_string();
        if dir.is_empty() { text } else { text.replace(&dir, "<data>") }
    }

    fn refresh_metrics(&self) {
        match self.store.job_counts() {
            Ok(counts) => self.metrics.set_jobs(&counts),
            Err(e) => tracing::warn!("job counts: {e}"),
        }
    }
}
