//! The embedded store: one SQLite file, WAL journal, one server. Leases left in the file when it
//! opens are from a server that stopped without releasing them (killed): they are released, so
//! the jobs resume at once.

use super::schema::{MIGRATIONS, latest_version};
use super::{Lease, ModelRecord, Store, seconds};
use crate::error::{Error, Result};
use crate::server::jobs::record::{JobRecord, JobState};
use rusqlite::{Connection, OptionalExtension, params};
use shared::api::ShareState;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub struct SqliteStore {
    path: PathBuf,
    connection: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating it and its directory if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| Error::Write { path: dir.to_path_buf(), source })?;
        }
        let store_err = |e: rusqlite::Error| Error::Storage { path: path.to_path_buf(), message: e.to_string() };
        let mut connection = Connection::open(path).map_err(store_err)?;
        connection.pragma_update(None, "journal_mode", "WAL").map_err(store_err)?;
        connection.busy_timeout(std::time::Duration::from_secs(5)).map_err(store_err)?;
        migrate(&mut connection).map_err(store_err)?;
        connection
            .execute("UPDATE jobs SET owner = NULL, lease_until = 0 WHERE owner IS NOT NULL", [])
            .map_err(store_err)?;
        Ok(SqliteStore { path: path.to_path_buf(), connection: Mutex::new(connection) })
    }

    fn error(&self, e: impl std::fmt::Display) -> Error {
        Error::Storage { path: self.path.clone(), message: e.to_string() }
    }

    fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (transactions roll back).
        self.connection.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn record(&self, json: Option<String>) -> Result<Option<JobRecord>> {
        json.map(|j| serde_json::from_str(&j).map_err(|e| self.error(e))).transpose()
    }

    #[cfg(test)]
    pub(super) fn version(&self) -> i64 {
        self.connection().query_row("SELECT version FROM schema_version", [], |r| r.get(0)).unwrap_or(-1)
    }
}

/// Applies the migrations the database has not seen, each in its own transaction.
fn migrate(connection: &mut Connection) -> rusqlite::Result<()> {
    connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", [])?;
    let current: i64 =
        connection.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |row| row.get(0))?;
    for (i, migration) in MIGRATIONS.iter().enumerate().skip(usize::try_from(current).unwrap_or(0)) {
        let tx = connection.transaction()?;
        tx.execute_batch(migration.sqlite)?;
        tx.execute("DELETE FROM schema_version", [])?;
        tx.execute("INSERT INTO schema_version (version) VALUES (?1)", params![i as i64 + 1])?;
        tx.commit()?;
    }
    debug_assert!(current <= latest_version());
    Ok(())
}

impl Store for SqliteStore {
    fn insert_share(&self, id: &str, state: &ShareState) -> Result<()> {
        let json = serde_json::to_string(state).map_err(|e| self.error(e))?;
        self.connection()
            .execute(
                "INSERT INTO shares (id, created_at, state) VALUES (?1, ?2, ?3)",
                params![id, seconds(crate::server::jobs::record::now()), json],
            )
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    fn share(&self, id: &str) -> Result<Option<ShareState>> {
        let json: Option<String> = self
            .connection()
            .query_row("SELECT state FROM shares WHERE id = ?1", params![id], |row| row.get(0))
            .optional()
            .map_err(|e| self.error(e))?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| self.error(e))).transpose()
    }

    fn insert_job(&self, job: &JobRecord) -> Result<()> {
        let json = serde_json::to_string(job).map_err(|e| self.error(e))?;
        self.connection()
            .execute(
                "INSERT INTO jobs (id, created_at, state, record) VALUES (?1, ?2, ?3, ?4)",
                params![job.id, seconds(job.created_at), job.state.as_str(), json],
            )
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    fn update_job(&self, job: &JobRecord, replica: &str) -> Result<bool> {
        let json = serde_json::to_string(job).map_err(|e| self.error(e))?;
        let connection = self.connection();
        let changed = connection
            .execute(
                "UPDATE jobs SET state = ?2, record = ?3 WHERE id = ?1 AND (owner IS NULL OR owner = ?4)",
                params![job.id, job.state.as_str(), json, replica],
            )
            .map_err(|e| self.error(e))?;
        if changed > 0 {
            return Ok(true);
        }
        let stored: Option<i64> = connection
            .query_row("SELECT 1 FROM jobs WHERE id = ?1", params![job.id], |row| row.get(0))
            .optional()
            .map_err(|e| self.error(e))?;
        match stored {
            Some(_) => Ok(false),
            None => Err(self.error(format!("no job '{}' to update", job.id))),
        }
    }

    fn job(&self, id: &str) -> Result<Option<JobRecord>> {
        let json: Option<String> = self
            .connection()
            .query_row("SELECT record FROM jobs WHERE id = ?1", params![id], |row| row.get(0))
            .optional()
            .map_err(|e| self.error(e))?;
        self.record(json)
    }

    fn jobs(&self) -> Result<Vec<JobRecord>> {
        let connection = self.connection();
        let mut statement =
            connection.prepare("SELECT record FROM jobs ORDER BY created_at, rowid").map_err(|e| self.error(e))?;
        let rows = statement.query_map([], |row| row.get::<_, String>(0)).map_err(|e| self.error(e))?;
        rows.map(|json| serde_json::from_str(&json.map_err(|e| self.error(e))?).map_err(|e| self.error(e))).collect()
    }

    fn job_counts(&self) -> Result<Vec<(JobState, u64)>> {
        let connection = self.connection();
        let mut statement =
            connection.prepare("SELECT state, COUNT(*) FROM jobs GROUP BY state").map_err(|e| self.error(e))?;
        let rows = statement
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))
            .map_err(|e| self.error(e))?;
        let mut counts = Vec::new();
        for row in rows {
            let (state, n) = row.map_err(|e| self.error(e))?;
            let state = JobState::parse(&state).ok_or_else(|| self.error(format!("unknown job state '{state}'")))?;
            counts.push((state, u64::try_from(n).unwrap_or(0)));
        }
        Ok(counts)
    }

    fn claim_job(&self, replica: &str, now: u64, lease_until: u64) -> Result<Option<JobRecord>> {
        // One writer at a time: the select and the update cannot interleave with another claim.
        let json: Option<String> = self
            .connection()
            .query_row(
                "UPDATE jobs SET owner = ?1, lease_until = ?3 WHERE id = (
                    SELECT id FROM jobs WHERE state IN ('queued', 'running') AND (owner IS NULL OR lease_until < ?2)
                    ORDER BY created_at, rowid LIMIT 1
                ) RETURNING record",
                params![replica, seconds(now), seconds(lease_until)],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| self.error(e))?;
        self.record(json)
    }

    fn renew_lease(&self, id: &str, replica: &str, lease_until: u64) -> Result<Lease> {
        let cancel: Option<bool> = self
            .connection()
            .query_row(
                "UPDATE jobs SET lease_until = ?3 WHERE id = ?1 AND owner = ?2 RETURNING cancel_requested",
                params![id, replica, seconds(lease_until)],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| self.error(e))?;
        Ok(cancel.map_or(Lease::Lost, |cancel_requested| Lease::Held { cancel_requested }))
    }

    fn release_job(&self, id: &str, replica: &str) -> Result<()> {
        self.connection()
            .execute("UPDATE jobs SET owner = NULL, lease_until = 0 WHERE id = ?1 AND owner = ?2", params![id, replica])
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    fn request_cancel(&self, id: &str) -> Result<bool> {
        let changed = self
            .connection()
            .execute(
                "UPDATE jobs SET cancel_requested = TRUE WHERE id = ?1 AND state IN ('queued', 'running')",
                params![id],
            )
            .map_err(|e| self.error(e))?;
        Ok(changed > 0)
    }

    fn insert_model(&self, model: &ModelRecord) -> Result<()> {
        self.connection()
            .execute(
                "INSERT INTO models (id, weights_sha256, installed_at) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO NOTHING",
                params![model.id, model.weights_sha256, seconds(model.installed_at)],
            )
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    fn models(&self) -> Result<Vec<ModelRecord>> {
        let connection = self.connection();
        let mut statement = connection
            .prepare("SELECT id, weights_sha256, installed_at FROM models ORDER BY installed_at, id")
            .map_err(|e| self.error(e))?;
        let rows = statement
            .query_map([], |row| {
                Ok(ModelRecord {
                    id: row.get(0)?,
                    weights_sha256: row.get(1)?,
                    installed_at: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
                })
            })
            .map_err(|e| self.error(e))?;
        rows.map(|row| row.map_err(|e| self.error(e))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::contract;
    use super::*;

    /// A fresh database file; `open` opens it again (a restart).
    fn fresh(name: &str) -> (PathBuf, impl Fn() -> Box<dyn Store>) {
        let dir = std::env::temp_dir().join(format!("matfuse-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("matfuse.sqlite");
        let reopen = path.clone();
        (dir, move || Box::new(SqliteStore::open(&reopen).unwrap()) as Box<dyn Store>)
    }

    #[test]
    fn migrations_reach_the_latest_version_once() {
        let (dir, _) = fresh("migrate");
        let path = dir.join("matfuse.sqlite");
        assert_eq!(SqliteStore::open(&path).unwrap().version(), latest_version());
        assert_eq!(SqliteStore::open(&path).unwrap().version(), latest_version(), "opening again changes nothing");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn shares_persist_across_reopening_and_are_immutable() {
        let (dir, open) = fresh("shares");
        contract::shares_persist_and_are_immutable(&open);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn jobs_persist_update_and_count_by_state() {
        let (dir, open) = fresh("jobs");
        contract::jobs_persist_update_and_count_by_state(&open);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_job_is_claimed_by_one_replica_until_its_lease_runs_out() {
        let (dir, open) = fresh("leases");
        contract::a_job_is_claimed_by_one_replica_until_its_lease_runs_out(&*open());
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn cancels_and_models_reach_every_replica() {
        let (dir, open) = fresh("models");
        contract::cancels_and_models_reach_every_replica(&*open());
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn reopening_releases_the_leases_of_a_stopped_server() {
        let (dir, open) = fresh("reopen");
        let store = open();
        store.insert_job(&contract::job("a", 1)).unwrap();
        assert!(store.claim_job("gone", 10, 1_000).unwrap().is_some());
        drop(store);
        let store = open();
        assert!(store.claim_job("next", 11, 1_000).unwrap().is_some(), "the embedded store serves one server");
        std::fs::remove_dir_all(dir).ok();
    }
}
