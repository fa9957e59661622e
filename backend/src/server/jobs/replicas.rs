//! What a replica does beside serving requests when several share one store: every few seconds
//! it claims jobs that wait (submitted to another replica, or whose replica stopped renewing its
//! lease) and installs the models other replicas trained, from the data directory they share;
//! and it streams the events of jobs another replica trains from the store.

use super::Jobs;
use super::record::JobEvent;
use crate::error::Result;
use crate::server::storage::{Store, new_share_id};
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::broadcast;

/// How often a replica looks for waiting jobs and new models.
pub const UPKEEP_INTERVAL: Duration = Duration::from_secs(2);
/// How often a stream of a job trained elsewhere reads the store.
const FOLLOW_INTERVAL: Duration = Duration::from_secs(1);

/// A name for this server in the leases it holds: its process id and random characters (a
/// restarted server is a new replica).
pub fn replica_id() -> Result<String> {
    Ok(format!("{}-{}", std::process::id(), &new_share_id()?[..8]))
}

/// Runs [`upkeep`] every [`UPKEEP_INTERVAL`] until the server stops (call in a runtime).
pub fn start_upkeep(jobs: &Arc<Jobs>) {
    let jobs: Weak<Jobs> = Arc::downgrade(jobs);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(UPKEEP_INTERVAL);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let Some(jobs) = jobs.upgrade() else { return };
            if jobs.stopping() {
                return;
            }
            let _ = tokio::task::spawn_blocking(move || upkeep(&jobs)).await;
        }
    });
}

/// One round: claim waiting jobs for the free slots, install the models other replicas recorded.
pub fn upkeep(jobs: &Arc<Jobs>) {
    jobs.fill_slots();
    install_recorded_models(jobs);
}

/// Installs every recorded model this replica does not have yet from `<data_dir>/models/<id>/`;
/// returns how many it installed. One that does not load is logged once and not retried.
pub fn install_recorded_models(jobs: &Jobs) -> usize {
    let records = match jobs.store.models() {
        Ok(records) => records,
        Err(e) => {
            tracing::warn!("cannot read the recorded models: {e}");
            return 0;
        }
    };
    let missing: Vec<_> = records
        .into_iter()
        .filter(|m| jobs.registry.get(&m.id).is_none() && !super::lock(&jobs.unloadable).contains(&m.id))
        .collect();
    if missing.is_empty() {
        return 0;
    }
    let device = match jobs.settings.device.device() {
        Ok(device) => device,
        Err(e) => {
            tracing::warn!("cannot load the models other replicas trained: {e}");
            return 0;
        }
    };
    let mut installed = 0;
    for model in missing {
        // Ids come from this server's own job records; still, never a path outside models/.
        let safe = !model.id.is_empty()
            && !model.id.starts_with('.')
            && model.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        let dir = jobs.models_dir().join(&model.id);
        let loaded = if safe {
            jobs.registry.install(&dir, &device).map_err(|e| e.to_string())
        } else {
            Err("not a model id".into())
        };
        match loaded {
            Ok(summary) if summary.weights_sha256 == model.weights_sha256 => {
                tracing::info!(model = %model.id, "model trained by another replica installed");
                installed += 1;
            }
            Ok(summary) => tracing::warn!(
                model = %model.id,
                "installed, but its weights ({}) are not those recorded ({})",
                summary.weights_sha256,
                model.weights_sha256
            ),
            // Installed meanwhile by this replica's own job: nothing to do.
            Err(_) if jobs.registry.get(&model.id).is_some() => {}
            Err(e) => {
                tracing::warn!(model = %model.id, path = %dir.display(), "model trained by another replica not loaded: {e}");
                super::lock(&jobs.unloadable).insert(model.id);
            }
        }
    }
    installed
}

/// The events of a job this replica does not train (another replica does, or none has claimed
/// it yet), read from the store as they are stored, after the first `seen`; it closes after the
/// job's end. Progress events are not stored, so they do not come this way.
pub fn follow(store: Arc<dyn Store>, id: String, mut seen: usize) -> broadcast::Receiver<JobEvent> {
    let (sender, receiver) = broadcast::channel(super::live::EVENT_BUFFER);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(FOLLOW_INTERVAL).await;
            if sender.receiver_count() == 0 {
                return;
            }
            let (store, key) = (store.clone(), id.clone());
            let record = match tokio::task::spawn_blocking(move || store.job(&key)).await {
                Ok(Ok(Some(record))) => record,
                Ok(Err(e)) => {
                    tracing::warn!(job = %id, "cannot read the job's events: {e}");
                    continue;
                }
                Ok(Ok(None)) | Err(_) => return,
            };
            let events = record.events();
            for event in events.iter().skip(seen) {
                // No subscriber left is not an error: the next round ends the task.
                let _ = sender.send(event.clone());
            }
            seen = seen.max(events.len());
            if record.state.is_terminal() {
                return;
            }
        }
    });
    receiver
}
