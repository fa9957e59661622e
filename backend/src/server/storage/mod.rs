//! Persistent state behind one trait: shares, training jobs (with their events, inside the job
//! record) and the models those jobs installed.
//!
//! [`SqliteStore`] is the embedded default (one file in the data directory, one server);
//! [`PostgresStore`] (`matfuse serve --database-url postgres://…`) lets several replicas share
//! it. Both apply the same versioned migrations ([`schema::MIGRATIONS`]) when they open; nothing
//! else in the server knows which one it talks to.
//!
//! Replicas coordinate training through leases: a replica claims a job ([`Store::claim_job`]:
//! one claimant, `FOR UPDATE SKIP LOCKED` on PostgreSQL), renews its lease while it trains and
//! releases it when it stops. A replica that dies stops renewing, and once the lease has run out
//! another replica (or the same one restarted) claims the job and resumes it from its checkpoint.

pub mod postgres;
pub mod schema;
pub mod sqlite;

#[cfg(test)]
mod contract;

use super::jobs::record::{JobRecord, JobState};
use crate::error::{Error, Result};
pub use postgres::PostgresStore;
use shared::api::ShareState;
pub use sqlite::SqliteStore;

/// What the server keeps across restarts and shares between replicas.
pub trait Store: Send + Sync {
    /// Stores a share under a new id; shares are immutable (an existing id is an error).
    fn insert_share(&self, id: &str, state: &ShareState) -> Result<()>;
    fn share(&self, id: &str) -> Result<Option<ShareState>>;

    /// Stores a new training job, queued and held by no replica (an existing id is an error).
    fn insert_job(&self, job: &JobRecord) -> Result<()>;
    /// Replaces a stored job's record (state, progress, events, outcome) unless a replica other
    /// than `replica` holds its lease: `Ok(false)` then. A job that is not stored is an error.
    fn update_job(&self, job: &JobRecord, replica: &str) -> Result<bool>;
    fn job(&self, id: &str) -> Result<Option<JobRecord>>;
    /// Every job, oldest first.
    fn jobs(&self) -> Result<Vec<JobRecord>>;
    /// How many jobs are in each state (states without jobs are absent).
    fn job_counts(&self) -> Result<Vec<(JobState, u64)>>;

    /// Claims the oldest unfinished job no replica holds (never claimed, released, or whose
    /// lease ended before `now`) for `replica` until `lease_until` (both Unix seconds). Two
    /// replicas claiming at once never get the same job.
    fn claim_job(&self, replica: &str, now: u64, lease_until: u64) -> Result<Option<JobRecord>>;
    /// Extends `replica`'s lease on a job to `lease_until` (Unix seconds).
    fn renew_lease(&self, id: &str, replica: &str, lease_until: u64) -> Result<Lease>;
    /// Gives up `replica`'s lease (the job paused at shutdown, or ended).
    fn release_job(&self, id: &str, replica: &str) -> Result<()>;
    /// Asks whichever replica trains an unfinished job to cancel it (seen at its next lease
    /// renewal); `false` when the job is not stored or has ended.
    fn request_cancel(&self, id: &str) -> Result<bool>;

    /// Records a model a training job installed (recording it again changes nothing).
    fn insert_model(&self, model: &ModelRecord) -> Result<()>;
    /// Every recorded model, oldest first.
    fn models(&self) -> Result<Vec<ModelRecord>>;
}

/// What renewing a lease found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lease {
    /// Still this replica's; `cancel_requested` once any replica was asked to cancel the job.
    Held { cancel_requested: bool },
    /// Another replica holds the job now (this one's lease had run out), or it is gone.
    Lost,
}

/// A model a training job installed: its bundle is `<data_dir>/models/<id>/` in the data
/// directory every replica shares, and each replica loads it from there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelRecord {
    pub id: String,
    /// The bundle's weights (`manifest.json`), checked again when a replica loads it.
    pub weights_sha256: String,
    /// Unix seconds.
    pub installed_at: u64,
}

/// Opens the store `database_url` names (`postgres://…` or `postgresql://…`), or without one
/// the embedded SQLite database `<data_dir>/matfuse.sqlite`.
pub fn open(database_url: Option<&str>, data_dir: &std::path::Path) -> Result<std::sync::Arc<dyn Store>> {
    match database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(std::sync::Arc::new(PostgresStore::connect(url)?))
        }
        Some(_) => Err(Error::CommandLine(
            "--database-url must be a PostgreSQL URL (postgres://user:password@host:port/database)".into(),
        )),
        None => Ok(std::sync::Arc::new(SqliteStore::open(&data_dir.join(DATABASE_FILE))?)),
    }
}

/// The embedded database's file inside the data directory.
pub const DATABASE_FILE: &str = "matfuse.sqlite";

/// Unix seconds as the databases store them.
fn seconds(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// A new share id: 128 random bits, base32 lower case without padding (26 characters).
/// Training jobs use the same scheme ([`is_share_id`] validates both).
pub fn new_share_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(Error::Random)?;
    Ok(data_encoding::BASE32_NOPAD.encode(&bytes).to_ascii_lowercase())
}

/// A new training-job id (the share id scheme).
pub fn new_job_id() -> Result<String> {
    new_share_id()
}

/// Whether `id` has the shape of a job id (checked before any lookup or path).
pub fn is_job_id(id: &str) -> bool {
    is_share_id(id)
}

/// Whether `id` has the shape of a share id (checked before any lookup).
pub fn is_share_id(id: &str) -> bool {
    id.len() == 26 && id.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_and_well_formed() {
        let ids: std::collections::HashSet<String> = (0..100).map(|_| new_share_id().unwrap()).collect();
        assert_eq!(ids.len(), 100);
        assert!(ids.iter().all(|id| is_share_id(id)));
        assert!(!is_share_id("../../etc/passwd") && !is_share_id("ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
    }

    #[test]
    fn only_postgres_urls_are_accepted() {
        let dir = std::env::temp_dir().join(format!("matfuse-store-open-{}", std::process::id()));
        assert!(matches!(open(Some("mysql://x"), &dir), Err(Error::CommandLine(_))));
        assert!(open(None, &dir).is_ok());
        std::fs::remove_dir_all(dir).ok();
    }
}
