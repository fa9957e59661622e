//! The lease a replica holds on a job it trains: renewed on a thread of its own every third of
//! its length, so a replica that dies (`kill -9`, a lost machine) lets go within one lease and
//! another replica takes the job over from its last checkpoint.

use super::live::LiveJob;
use crate::server::storage::{Lease, Store};
use std::sync::Arc;
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::time::Duration;

/// Renews a job's lease until dropped; passes on a cancel asked of any replica, and marks the job
/// lost when another replica holds it.
pub struct Heartbeat {
    stop: Option<Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Heartbeat {
    /// Starts renewing `live`'s lease (held by `replica`) for `lease` at a time.
    pub fn start(store: Arc<dyn Store>, live: Arc<LiveJob>, replica: String, lease: Duration) -> Heartbeat {
        let (stop, stopped) = channel();
        let id = live.snapshot().id;
        let every = (lease / 3).max(Duration::from_millis(200));
        let thread = std::thread::Builder::new().name(format!("lease-{}", &id[..8.min(id.len())])).spawn(move || {
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                let until = super::record::now() + lease.as_secs().max(1);
                match store.renew_lease(&id, &replica, until) {
                    Ok(Lease::Held { cancel_requested }) => {
                        if cancel_requested && !live.cancel_requested() {
                            tracing::info!(job = %id, "cancel requested through another replica");
                            live.request_cancel();
                        }
                    }
                    Ok(Lease::Lost) => {
                        tracing::warn!(job = %id, "the job's lease ran out: another replica has it");
                        live.lose();
                        return;
                    }
                    // Kept trying: the lease outlasts a short outage.
                    Err(e) => tracing::warn!(job = %id, "cannot renew the job's lease: {e}"),
                }
            }
        });
        match thread {
            Ok(thread) => Heartbeat { stop: Some(stop), thread: Some(thread) },
            Err(e) => {
                tracing::error!("cannot start the lease thread: {e}");
                Heartbeat { stop: None, thread: None }
            }
        }
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
