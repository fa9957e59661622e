//! Persistent state behind a small trait: shares and training jobs.
//!
//! [`SqliteStore`] is the embedded default: one file, versioned migrations (`schema_version`),
//! WAL journal. Another database (PostgreSQL for several replicas) implements [`Store`] with the
//! same tables and migration list; nothing else in the server knows which one it talks to.

use super::jobs::record::{JobRecord, JobState};
use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension, params};
use shared::api::ShareState;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What the server keeps across restarts.
pub trait Store: Send + Sync {
    /// Stores a share under a new id; shares are immutable (an existing id is an error).
    fn insert_share(&self, id: &str, state: &ShareState) -> Result<()>;
    fn share(&self, id: &str) -> Result<Option<ShareState>>;

    /// Stores a new training job (an existing id is an error).
    fn insert_job(&self, job: &JobRecord) -> Result<()>;
    /// Replaces a stored job's record (state, progress, outcome).
    fn update_job(&self, job: &JobRecord) -> Result<()>;
    fn job(&self, id: &str) -> Result<Option<JobRecord>>;
    /// Every job, oldest first.
    fn jobs(&self) -> Result<Vec<JobRecord>>;
    /// How many jobs are in each state (states without jobs are absent).
    fn job_counts(&self) -> Result<Vec<(JobState, u64)>>;
}

/// Schema migrations in order; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE shares (
        id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL
    );",
    // A job's record is JSON; its state is a column of its own for the queries that select by it.
    "CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL,
        record TEXT NOT NULL
    );
    CREATE INDEX jobs_by_state ON jobs (state);",
];

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
        Ok(SqliteStore { path: path.to_path_buf(), connection: Mutex::new(connection) })
    }

    fn error(&self, e: impl std::fmt::Display) -> Error {
        Error::Storage { path: self.path.clone(), message: e.to_string() }
    }

    fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (transactions roll back).
        self.connection.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Applies the migrations the database has not seen, each in its own transaction.
fn migrate(connection: &mut Connection) -> rusqlite::Result<()> {
    connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", [])?;
    let current: i64 =
        connection.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |row| row.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(usize::try_from(current).unwrap_or(0)) {
        let tx = connection.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute("DELETE FROM schema_version", [])?;
        tx.execute("INSERT INTO schema_version (version) VALUES (?1)", params![i as i64 + 1])?;
        tx.commit()?;
    }
    Ok(())
}

impl Store for SqliteStore {
    fn insert_share(&self, id: &str, state: &ShareState) -> Result<()> {
        let json = serde_json::to_string(state).map_err(|e| self.error(e))?;
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        self.connection()
            .execute(
                "INSERT INTO shares (id, created_at, state) VALUES (?1, ?2, ?3)",
                params![id, i64::try_from(now).unwrap_or(i64::MAX), json],
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
                params![job.id, i64::try_from(job.created_at).unwrap_or(i64::MAX), job.state.as_str(), json],
            )
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    fn update_job(&self, job: &JobRecord) -> Result<()> {
        let json = serde_json::to_string(job).map_err(|e| self.error(e))?;
        let changed = self
            .connection()
            .execute("UPDATE jobs SET state = ?2, record = ?3 WHERE id = ?1", params![job.id, job.state.as_str(), json])
            .map_err(|e| self.error(e))?;
        if changed == 0 {
            return Err(self.error(format!("no job '{}' to update", job.id)));
        }
        Ok(())
    }

    fn job(&self, id: &str) -> Result<Option<JobRecord>> {
        let json: Option<String> = self
            .connection()
            .query_row("SELECT record FROM jobs WHERE id = ?1", params![id], |row| row.get(0))
            .optional()
            .map_err(|e| self.error(e))?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| self.error(e))).transpose()
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

    fn state() -> ShareState {
        ShareState {
            version: ShareState::VERSION,
            structure: "data_x".into(),
            format: None,
            text: None,
            model: "browser".into(),
            weights_sha256: "ab".into(),
            view: serde_json::json!({"tab": "predict"}),
        }
    }

    #[test]
    fn shares_persist_across_reopening_and_are_immutable() {
        let dir = std::env::temp_dir().join(format!("matfuse-store-{}", std::process::id()));
        let path = dir.join("matfuse.sqlite");
        let id = new_share_id().unwrap();
        assert!(is_share_id(&id), "{id}");
        {
            let store = SqliteStore::open(&path).unwrap();
            store.insert_share(&id, &state()).unwrap();
            assert!(store.insert_share(&id, &state()).is_err(), "ids are never overwritten");
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.share(&id).unwrap(), Some(state()));
        assert_eq!(store.share("nope").unwrap(), None);
        let version: i64 =
            store.connection().query_row("SELECT version FROM schema_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn jobs_persist_update_and_count_by_state() {
        use crate::server::jobs::record::{DatasetSummary, JobRecord, JobState};
        let dir = std::env::temp_dir().join(format!("matfuse-store-jobs-{}", std::process::id()));
        let path = dir.join("matfuse.sqlite");
        let record = |id: &str, created_at| JobRecord {
            id: id.into(),
            name: "tiny".into(),
            model_id: format!("tiny-{id}"),
            state: JobState::Queued,
            config: "id = \"tiny\"".into(),
            dataset: DatasetSummary::default(),
            epochs: 2,
            created_at,
            updated_at: created_at,
            history: Vec::new(),
            stages: Vec::new(),
            error: None,
        };
        {
            let store = SqliteStore::open(&path).unwrap();
            store.insert_job(&record("b", 2)).unwrap();
            store.insert_job(&record("a", 1)).unwrap();
            assert!(store.insert_job(&record("a", 1)).is_err(), "ids are unique");
            let mut running = record("b", 2);
            running.state = JobState::Running;
            store.update_job(&running).unwrap();
            assert!(store.update_job(&record("c", 3)).is_err(), "only stored jobs update");
        }
        let store = SqliteStore::open(&path).unwrap();
        let ids: Vec<String> = store.jobs().unwrap().into_iter().map(|j| j.id).collect();
        assert_eq!(ids, ["a", "b"], "oldest first");
        assert_eq!(store.job("b").unwrap().unwrap().state, JobState::Running);
        assert_eq!(store.job("z").unwrap(), None);
        let mut counts = store.job_counts().unwrap();
        counts.sort();
        assert_eq!(counts, [(JobState::Queued, 1), (JobState::Running, 1)]);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn ids_are_distinct_and_well_formed() {
        let ids: std::collections::HashSet<String> = (0..100).map(|_| new_share_id().unwrap()).collect();
        assert_eq!(ids.len(), 100);
        assert!(!is_share_id("../../etc/passwd") && !is_share_id("ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
    }
}
