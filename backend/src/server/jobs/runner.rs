//! One job's training, on a blocking thread: [`crate::training::run`] (the same as `matfuse
//! train`) over the job's own directory, its uploaded table and the server's text encoder.

use super::record::EpochEvent;
use super::submission::JobConfig;
use crate::error::{Error, Result};
use crate::training::{DataSources, Event, Observer, RunControl, RunSettings};
use burn::prelude::Device;
use models::train::TrainState;
use std::path::{Path, PathBuf};

/// The files of one job: `<data_dir>/jobs/<id>/` (the id is validated, never user text).
#[derive(Clone, Debug)]
pub struct Workspace {
    pub dir: PathBuf,
}

/// Names of the uploaded table inside the workspace (by content: gzip or plain CSV).
const DATA_CSV: &str = "data.csv";
const DATA_GZ: &str = "data.csv.gz";

impl Workspace {
    pub fn new(jobs_dir: &Path, id: &str) -> Workspace {
        Workspace { dir: jobs_dir.join(id) }
    }

    /// Where an upload is received before it is checked.
    pub fn upload_part(&self) -> PathBuf {
        self.dir.join("upload.part")
    }

    /// Names the received upload by its content (gzip magic or not) and returns its path.
    pub fn keep_upload(&self) -> std::io::Result<PathBuf> {
        let part = self.upload_part();
        let mut magic = [0u8; 2];
        let gzip =
            std::io::Read::read_exact(&mut std::fs::File::open(&part)?, &mut magic).is_ok() && magic == [0x1f, 0x8b];
        let path = self.dir.join(if gzip { DATA_GZ } else { DATA_CSV });
        std::fs::rename(&part, &path)?;
        Ok(path)
    }

    pub fn data_file(&self) -> Option<PathBuf> {
        [DATA_GZ, DATA_CSV].into_iter().map(|name| self.dir.join(name)).find(|p| p.is_file())
    }

    /// Checkpoints and the best parameters.
    pub fn run_dir(&self) -> PathBuf {
        self.dir.join("run")
    }

    fn cache_dir(&self) -> PathBuf {
        self.dir.join("cache")
    }

    /// Where the bundle is written before it moves into the models directory.
    fn staging_bundle(&self) -> PathBuf {
        self.dir.join("bundle")
    }

    /// The epochs of the last checkpoint, as events (the truth when resuming: the stored
    /// history may lack the epoch the server stopped in); `tasks` names the validation MAEs.
    pub fn checkpoint_history(&self, tasks: &[String]) -> Option<Vec<EpochEvent>> {
        let path = models::train::RunDir(self.run_dir()).state();
        let state: TrainState = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
        let mut events: Vec<EpochEvent> = Vec::with_capacity(state.history.len());
        for report in &state.history {
            let event = EpochEvent::new(report, tasks, &events);
            events.push(event);
        }
        Some(events)
    }
}

/// Everything one training needs.
pub struct Training<'a> {
    pub job_id: &'a str,
    pub model_id: &'a str,
    pub config: &'a JobConfig,
    pub workspace: &'a Workspace,
    /// `<data_dir>/models`: the bundle ends up in `<models_dir>/<model_id>/`.
    pub models_dir: &'a Path,
    /// BERT `vocab.txt` the light encoder's vocabulary is pruned from.
    pub vocab: &'a Path,
    /// The large encoder of `frozen_text` models.
    pub encoder_dir: &'a Path,
    pub device: &'a Device,
}

/// How a training ended.
pub enum Outcome {
    /// The bundle is in this directory.
    Finished(PathBuf),
    /// Stopped at a stage or epoch boundary (cancelled, or the server is stopping).
    Stopped,
}

/// An [`Observer`] from two closures: one per event, and the stop flag.
pub struct Hooks<E, S> {
    pub on_event: E,
    pub stop: S,
}

impl<E: Fn(&Event<'_>) + Sync, S: Fn() -> bool + Sync> Observer for Hooks<E, S> {
    fn event(&self, event: &Event<'_>) {
        (self.on_event)(event);
    }

    fn should_stop(&self) -> bool {
        (self.stop)()
    }
}

/// Trains (resuming from the workspace's checkpoint when there is one) and, once finished,
/// moves the bundle into the models directory.
pub fn train(t: &Training<'_>, observer: &dyn Observer) -> Result<Outcome> {
    let target = t.models_dir.join(t.model_id);
    if target.join(models::bundle::MANIFEST_FILE).is_file() {
        // The server stopped after the bundle moved into place but before the job was marked.
        return Ok(Outcome::Finished(target));
    }
    let data_file = t.workspace.data_file().ok_or_else(|| Error::MissingFile {
        path: t.workspace.dir.join(DATA_GZ),
        needed_for: format!("the job trains on its uploaded table ({DATA_GZ} or {DATA_CSV})"),
    })?;
    let mut config = t.config.config.clone();
    config.id = t.model_id.to_string();
    let staging = t.workspace.staging_bundle();
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|source| Error::Write { path: staging.clone(), source })?;
    }
    let settings = RunSettings {
        sources: DataSources {
            mp2018: data_file,
            ehull: None,
            vocab: t.vocab.to_path_buf(),
            encoder: t.encoder_dir.to_path_buf(),
            cache: t.workspace.cache_dir(),
        },
        run_dir: t.workspace.run_dir(),
        bundle: staging.clone(),
        control: RunControl { resume: true, ..Default::default() },
        provenance: vec![format!("uploaded table of training job {}", t.job_id)],
        command: format!("POST /api/v1/jobs (job {})", t.job_id),
        device: t.device.clone(),
    };
    if let crate::training::Outcome::Stopped = crate::training::run(&config, &settings, observer)? {
        return Ok(Outcome::Stopped);
    }
    std::fs::create_dir_all(t.models_dir)
        .map_err(|source| Error::Write { path: t.models_dir.to_path_buf(), source })?;
    // One rename: the models directory never holds half a bundle.
    std::fs::rename(&staging, &target).map_err(|source| Error::Write { path: target.clone(), source })?;
    // The featurised cache is only needed to train; the upload and the run stay for the record.
    let _ = std::fs::remove_dir_all(t.workspace.cache_dir());
    Ok(Outcome::Finished(target))
}
