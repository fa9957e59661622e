//! Training jobs (`/api/v1/jobs`): an operator uploads a table and a configuration, the server
//! trains on a blocking thread (at most `max_jobs` at once, the rest queued in order), streams
//! each epoch to subscribers and installs the finished model in the registry.
//!
//! Jobs live in the [`Store`]; a job's files live in `<data_dir>/jobs/<id>/` (upload, featurise
//! cache, checkpoints) and its bundle moves to `<data_dir>/models/<model id>/`. A job is trained
//! by the replica that claims it from the store (one claimant, under a lease: [`lease`]); jobs
//! that were queued or running when their server stopped resume from their checkpoint once
//! claimed again ([`Jobs::resume`], [`replicas`]). Several replicas share the store and the data
//! directory; each installs the models the others trained.

pub mod auth;
pub mod lease;
pub mod live;
pub mod record;
pub mod replicas;
pub mod runner;
pub mod submission;

use super::metrics::Metrics;
use super::registry::Registry;
use super::storage::{ModelRecord, Store, is_job_id, new_job_id};
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
use std::time::Duration;
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
    /// How long a claimed job stays this replica's without a renewal (renewed every third of it).
    pub lease: Duration,
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
    /// One permit per training slot (the store hands out jobs in submission order).
    slots: Arc<Semaphore>,
    /// The jobs this replica has claimed.
    live: Mutex<HashMap<String, Arc<LiveJob>>>,
    tasks: Mutex<JoinSet<()>>,
    stopping: AtomicBool,
    /// This server among the replicas sharing the store (leases name it).
    replica: String,
    /// Models recorded by other replicas that did not load here (not retried).
    unloadable: Mutex<std::collections::HashSet<String>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Jobs {
    pub fn new(
        settings: JobSettings,
        store: Arc<dyn Store>,
        registry: Arc<Registry>,
        metrics: Arc<Metrics>,
    ) -> Result<Jobs> {
        let jobs = Jobs {
            slots: Arc::new(Semaphore::new(settings.max_jobs.max(1))),
            settings,
            store,
            registry,
            metrics,
            live: Mutex::new(HashMap::new()),
            tasks: Mutex::new(JoinSet::new()),
            stopping: AtomicBool::new(false),
            replica: replicas::replica_id()?,
            unloadable: Mutex::new(std::collections::HashSet::new()),
        };
        jobs.refresh_metrics();
        Ok(jobs)
    }

    /// This server's name in the leases it holds.
    pub fn replica(&self) -> &str {
        &self.replica
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
        self.fill_slots();
        self.refresh_metrics();
        Ok(record.view(false, true))
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

    /// The job's events so far and, until it ends, the live ones (call in a runtime).
    pub fn subscribe(&self, id: &str) -> std::result::Result<Subscription, JobError> {
        if !is_job_id(id) {
            return Err(JobError::NotFound);
        }
        if let Some(live) = self.live_job(id) {
            return Ok(live.subscribe());
        }
        let record = self.store.job(id)?.ok_or(JobError::NotFound)?;
        let past = record.events();
        // Not trained here: ended, or trained (or about to be) by another replica or this one.
        let live =
            (!record.state.is_terminal()).then(|| replicas::follow(self.store.clone(), id.to_string(), past.len()));
        Ok(Subscription { past, live })
    }

    /// Cancels a job: a queued one at once, a running one at its next epoch boundary.
    pub fn cancel(&self, id: &str) -> std::result::Result<Cancelled, JobError> {
        if !is_job_id(id) {
            return Err(JobError::NotFound);
        }
        let Some(live) = self.live_job(id) else {
            // Not trained here: waiting, left over while jobs were disabled, ended, or another
            // replica's (which then cancels it at its next lease renewal).
            let stored = self.store.job(id)?.ok_or(JobError::NotFound)?;
            if stored.state.is_terminal() {
                return Err(JobError::Ended(stored.state));
            }
            let mut record = stored.clone();
            record.state = JobState::Cancelled;
            record.updated_at = now();
            if self.store.update_job(&record, &self.replica)? {
                self.refresh_metrics();
                return Ok(Cancelled::Now(record.view(false, true)));
            }
            if !self.store.request_cancel(id)? {
                let ended = self.store.job(id)?.map_or(JobState::Cancelled, |r| r.state);
                return Err(JobError::Ended(ended));
            }
            tracing::info!(job = %id, "training job cancel requested of the replica training it");
            return Ok(Cancelled::Requested(stored.view(true, true)));
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

    /// Starts this replica's share of the jobs: it claims the unfinished jobs no replica holds
    /// (those queued or running when their server stopped continue from their checkpoints) and
    /// then, every few seconds, jobs submitted to other replicas, jobs whose replica stopped
    /// renewing its lease, and the models other replicas trained ([`replicas::upkeep`]). Returns
    /// how many unfinished jobs the store holds (trained here or by another replica). Call once,
    /// in a runtime, after start.
    pub fn resume(self: &Arc<Self>) -> Result<usize> {
        replicas::start_upkeep(self);
        if !self.enabled() {
            return Ok(0);
        }
        let unfinished = self.store.jobs()?.iter().filter(|r| !r.state.is_terminal()).count();
        self.fill_slots();
        self.refresh_metrics();
        Ok(unfinished)
    }

    /// Stops every training at its next epoch boundary and waits for them; their jobs stay
    /// `running` / `queued` in the store, released, and resume on the next start or on another
    /// replica.
    pub async fn shutdown(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.slots.close();
        let mut tasks = std::mem::take(&mut *lock(&self.tasks));
        while tasks.join_next().await.is_some() {}
    }

    pub fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    fn live_job(&self, id: &str) -> Option<Arc<LiveJob>> {
        lock(&self.live).get(id).cloned()
    }

    fn forget(&self, id: &str) {
        lock(&self.live).remove(id);
    }

    /// Claims a job from the store for each free training slot and trains it on a blocking
    /// thread (call in a runtime). Called when a job is submitted or ends, and every few seconds.
    pub fn fill_slots(self: &Arc<Self>) {
        if !self.enabled() || self.stopping() {
            return;
        }
        let mut tasks = lock(&self.tasks);
        while tasks.try_join_next().is_some() {}
        // One claim per slot free now (a claim that finds nothing frees its slot at once: looping
        // until none is free would never end). Closed: the server is stopping; unclaimed jobs
        // wait for the next start or another replica.
        for _ in 0..self.slots.available_permits() {
            let Ok(permit) = self.slots.clone().try_acquire_owned() else { break };
            let jobs = self.clone();
            tasks.spawn_blocking(move || {
                if let Some(live) = jobs.claim() {
                    jobs.execute(&live);
                    drop(permit);
                    jobs.fill_slots();
                }
            });
        }
    }

    /// Claims the oldest job no replica holds, with its history from its checkpoint (a job that
    /// was interrupted continues from there).
    fn claim(&self) -> Option<Arc<LiveJob>> {
        let at = now();
        let mut record = match self.store.claim_job(&self.replica, at, at + self.settings.lease.as_secs().max(1)) {
            Ok(record) => record?,
            Err(e) => {
                tracing::warn!("cannot claim a training job: {e}");
                return None;
            }
        };
        if self.live_job(&record.id).is_some() {
            // This replica's own lease ran out while it trained the job (a store outage): the
            // training here goes on under the renewed lease.
            return None;
        }
        if let Some(history) = Workspace::new(&self.jobs_dir(), &record.id).checkpoint_history(&record.task_names()) {
            tracing::info!(job = %record.id, epoch = history.len(), "training job resumed from its checkpoint");
            record.history = history;
        }
        let live = Arc::new(LiveJob::new(record, &self.replica));
        lock(&self.live).insert(live.snapshot().id, live.clone());
        Some(live)
    }

    /// Runs one claimed job to its end, or until this replica stops or loses it (on a blocking
    /// thread, holding a slot); gives its lease up afterwards.
    fn execute(&self, live: &Arc<LiveJob>) {
        let id = live.snapshot().id;
        let started = live.update(&*self.store, |r| {
            if !r.state.is_terminal() && !self.stopping() {
                r.state = JobState::Running;
                r.updated_at = now();
            }
            None
        });
        if started.state != JobState::Running || live.lost() {
            // Cancelled while queued, taken over, or the server is stopping.
            self.release(&id);
            return;
        }
        self.refresh_metrics();
        tracing::info!(job = %id, replica = %self.replica, "training job started");
        let heartbeat =
            lease::Heartbeat::start(self.store.clone(), live.clone(), self.replica.clone(), self.settings.lease);
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
            Ok(Outcome::Stopped) if live.lost() => {
                tracing::info!(job = %id, "training job stopped here: another replica has taken it over");
                drop(heartbeat);
                self.forget(&id);
                return;
            }
            Ok(Outcome::Stopped) if live.cancel_requested() => (JobState::Cancelled, None),
            Ok(Outcome::Stopped) => {
                tracing::info!(job = %id, "training job paused for shutdown: it resumes on the next start or replica");
                drop(heartbeat);
                self.release(&id);
                return;
            }
            Err(message) => (JobState::Failed, Some(message)),
        };
        drop(heartbeat);
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
        self.release(&id);
        self.refresh_metrics();
    }

    /// Gives up the lease of a job this replica no longer trains, and forgets it.
    fn release(&self, id: &str) {
        if let Err(e) = self.store.release_job(id, &self.replica) {
            tracing::warn!(job = %id, "cannot release the job's lease (it runs out by itself): {e}");
        }
        self.forget(id);
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
            stop: || live.cancel_requested() || live.lost() || self.stopping(),
        };
        let outcome = runner::train(&training, &hooks).map_err(|e| self.public_error(&e))?;
        if let Outcome::Finished(dir) = &outcome {
            let weights_sha256 = match self.registry.get(&record.model_id) {
                Some(entry) => entry.manifest.weights.sha256.clone(),
                None => {
                    self.registry
                        .install(dir, &device)
                        .map_err(|e| format!("the trained model does not load: {e}"))?
                        .weights_sha256
                }
            };
            // The other replicas install it from this record.
            let model = ModelRecord { id: record.model_id.clone(), weights_sha256, installed_at: now() };
            self.store
                .insert_model(&model)
                .map_err(|e| format!("the trained model is not recorded: {}", self.public_error(&e)))?;
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
