//! A job this replica has claimed: its record in memory, the channel its events go out on, its
//! cancel flag, and whether the replica has lost the job's lease.

use super::record::{JobEvent, JobRecord, JobView};
use crate::server::storage::Store;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use tokio::sync::broadcast;

/// Events a slow subscriber may fall behind by before it misses some.
pub const EVENT_BUFFER: usize = 256;

pub struct LiveJob {
    record: Mutex<JobRecord>,
    events: broadcast::Sender<JobEvent>,
    cancel: AtomicBool,
    /// The replica that claimed the job (its writes are fenced by the job's lease).
    replica: String,
    /// Another replica holds the job now: this one stops without writing more.
    lost: AtomicBool,
}

/// A subscription: the events so far, then (for a job that has not ended) the live ones.
pub struct Subscription {
    pub past: Vec<JobEvent>,
    pub live: Option<broadcast::Receiver<JobEvent>>,
}

impl LiveJob {
    pub fn new(record: JobRecord, replica: &str) -> LiveJob {
        LiveJob {
            record: Mutex::new(record),
            events: broadcast::channel(EVENT_BUFFER).0,
            cancel: AtomicBool::new(false),
            replica: replica.to_string(),
            lost: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> MutexGuard<'_, JobRecord> {
        // Updates replace whole fields: a panic mid-update cannot leave a half-written record.
        self.record.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn snapshot(&self) -> JobRecord {
        self.lock().clone()
    }

    pub fn view(&self, detail: bool) -> JobView {
        self.lock().view(self.cancel_requested(), detail)
    }

    pub fn request_cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    pub fn cancel_requested(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// Marks the job as another replica's (its lease ran out and it was claimed again).
    pub fn lose(&self) {
        self.lost.store(true, Ordering::SeqCst);
    }

    pub fn lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }

    /// Changes the record, stores it and sends the event `change` returns, all under the
    /// record's lock (so a subscriber sees every event exactly once); returns the new record.
    /// A store that fails is logged: the job goes on with the record in memory. A store that
    /// refuses (another replica holds the job now) marks the job lost.
    pub fn update(&self, store: &dyn Store, change: impl FnOnce(&mut JobRecord) -> Option<JobEvent>) -> JobRecord {
        let mut record = self.lock();
        let event = change(&mut record);
        match store.update_job(&record, &self.replica) {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(job = %record.id, "another replica has taken the job over");
                self.lose();
            }
            Err(e) => tracing::error!(job = %record.id, "cannot store the job: {e}"),
        }
        if let Some(event) = event {
            // No subscriber is not an error.
            let _ = self.events.send(event);
        }
        record.clone()
    }

    /// Sends an event that is not stored (progress within a stage) to the subscribers.
    pub fn send(&self, event: JobEvent) {
        let _record = self.lock();
        // No subscriber is not an error.
        let _ = self.events.send(event);
    }

    pub fn subscribe(&self) -> Subscription {
        let record = self.lock();
        let live = (!record.state.is_terminal()).then(|| self.events.subscribe());
        Subscription { past: record.events(), live }
    }
}
