//! Persistent state behind a small trait: shares now (jobs and the model registry later).
//!
//! [`SqliteStore`] is the embedded default: one file, versioned migrations (`schema_version`),
//! WAL journal. Another database (PostgreSQL for several replicas) implements [`Store`] with the
//! same tables and migration list; nothing else in the server knows which one it talks to.

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
}

/// Schema migrations in order; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &["CREATE TABLE shares (
        id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL
    );"];

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
}

/// A new share id: 128 random bits, base32 lower case without padding (26 characters).
pub fn new_share_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::Usage(format!("no random numbers: {e}")))?;
    Ok(data_encoding::BASE32_NOPAD.encode(&bytes).to_ascii_lowercase())
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
    fn ids_are_distinct_and_well_formed() {
        let ids: std::collections::HashSet<String> = (0..100).map(|_| new_share_id().unwrap()).collect();
        assert_eq!(ids.len(), 100);
        assert!(!is_share_id("../../etc/passwd") && !is_share_id("ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
    }
}
