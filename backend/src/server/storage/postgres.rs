//! The store several replicas share: PostgreSQL through `tokio-postgres` on a `deadpool` pool.
//! The [`Store`] trait is synchronous (its callers hold locks and run on blocking threads), so
//! the store runs its queries on a small runtime of its own and waits for each answer; that
//! works from any thread, async or not. Jobs are claimed with `FOR UPDATE SKIP LOCKED`, and
//! migrations run under an advisory lock, so replicas starting together migrate once.

use super::schema::MIGRATIONS;
use super::{Lease, ModelRecord, Store, seconds};
use crate::error::{Error, Result};
use crate::server::jobs::record::{JobRecord, JobState, now};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use shared::api::ShareState;
use std::future::Future;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;
use tokio_postgres::NoTls;

/// Connections a replica keeps open at most.
const POOL_SIZE: usize = 16;
/// How long a query waits for a free connection or a new one.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The advisory lock key migrations hold (any constant the application alone uses).
const MIGRATION_LOCK: i64 = 0x6d61_7466_7573_65;

pub struct PostgresStore {
    /// The server as errors name it: host, port and database, never the password.
    label: PathBuf,
    pool: Pool,
    /// `None` only while dropping.
    runtime: Option<tokio::runtime::Runtime>,
}

/// A database or pool error, as text.
struct DbError(String);

type DbResult<T> = std::result::Result<T, DbError>;

impl From<tokio_postgres::Error> for DbError {
    fn from(e: tokio_postgres::Error) -> DbError {
        DbError(match e.as_db_error() {
            Some(db) => format!("{} ({})", db.message(), db.code().code()),
            None => e.to_string(),
        })
    }
}

impl From<deadpool_postgres::PoolError> for DbError {
    fn from(e: deadpool_postgres::PoolError) -> DbError {
        DbError(e.to_string())
    }
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`, the libpq URL form)
    /// and migrates the database.
    pub fn connect(url: &str) -> Result<PostgresStore> {
        let mut config = tokio_postgres::Config::from_str(url)
            .map_err(|e| Error::CommandLine(format!("--database-url is not a PostgreSQL URL: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("matfuse");
        }
        let label = PathBuf::from(label(&config));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("matfuse-postgres")
            .enable_all()
            .build()
            .map_err(|e| Error::Storage { path: label.clone(), message: e.to_string() })?;
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = {
            // Building the pool needs the runtime it will spawn connections on.
            let _entered = runtime.enter();
            Pool::builder(manager)
                .max_size(POOL_SIZE)
                .runtime(Runtime::Tokio1)
                .wait_timeout(Some(CONNECT_TIMEOUT))
                .create_timeout(Some(CONNECT_TIMEOUT))
                .build()
                .map_err(|e| Error::Storage { path: label.clone(), message: e.to_string() })?
        };
        let store = PostgresStore { label, pool, runtime: Some(runtime) };
        store.run(|pool| async move { migrate(&pool).await })?;
        Ok(store)
    }

    fn error(&self, message: impl std::fmt::Display) -> Error {
        Error::Storage { path: self.label.clone(), message: message.to_string() }
    }

    /// Runs `work` on the store's runtime with the pool and waits for its answer.
    fn run<T, F, W>(&self, work: W) -> Result<T>
    where
        T: Send + 'static,
        F: Future<Output = DbResult<T>> + Send + 'static,
        W: FnOnce(Pool) -> F,
    {
        let runtime = self.runtime.as_ref().ok_or_else(|| self.error("the store is closing"))?;
        let (answer, receive) = std::sync::mpsc::sync_channel(1);
        let work = work(self.pool.clone());
        runtime.spawn(async move {
            // The caller may have gone (it cannot: it waits); nothing to do then.
            let _ = answer.send(work.await);
        });
        match receive.recv() {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(DbError(message))) => Err(self.error(message)),
            Err(_) => Err(self.error("the database task stopped")),
        }
    }

    /// Runs one statement that returns at most one row, and reads that row's first column.
    fn query_one_value<T>(&self, sql: &'static str, params: Params) -> Result<Option<T>>
    where
        T: for<'a> tokio_postgres::types::FromSql<'a> + Send + 'static,
    {
        self.run(move |pool| async move {
            let client = pool.get().await?;
            let statement = client.prepare_cached(sql).await?;
            let refs = params.refs();
            match client.query_opt(&statement, &refs).await? {
                Some(row) => DbResult::Ok(Some(row.try_get::<_, T>(0)?)),
                None => DbResult::Ok(None),
            }
        })
    }

    /// Runs one statement and returns how many rows it changed.
    fn execute(&self, sql: &'static str, params: Params) -> Result<u64> {
        self.run(move |pool| async move {
            let client = pool.get().await?;
            let statement = client.prepare_cached(sql).await?;
            DbResult::Ok(client.execute(&statement, &params.refs()).await?)
        })
    }

    fn record(&self, json: Option<String>) -> Result<Option<JobRecord>> {
        json.map(|j| serde_json::from_str(&j).map_err(|e| self.error(e))).transpose()
    }

    #[cfg(test)]
    pub(super) fn version(&self) -> Result<i64> {
        let version: Option<i32> = self.query_one_value("SELECT MAX(version) FROM schema_version", Params::new())?;
        Ok(version.map_or(0, i64::from))
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        // A runtime may not block while dropping inside another one (the server's).
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// `postgresql://host:port/database` of a configuration.
fn label(config: &tokio_postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => host.clone(),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(path)) => path.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("postgresql://{host}:{port}/{}", config.get_dbname().unwrap_or(""))
}

/// Applies the migrations the database has not seen, in one transaction under an advisory lock.
async fn migrate(pool: &Pool) -> DbResult<()> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)").await?;
    let current: i32 = tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[]).await?.try_get(0)?;
    for (i, migration) in MIGRATIONS.iter().enumerate().skip(usize::try_from(current).unwrap_or(0)) {
        tx.batch_execute(migration.postgres).await?;
        let version = i32::try_from(i + 1).map_err(|e| DbError(e.to_string()))?;
        tx.execute("DELETE FROM schema_version", &[]).await?;
        tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&version]).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A statement's parameters, owned so they can travel to the store's runtime.
struct Params(Vec<Box<dyn tokio_postgres::types::ToSql + Send + Sync>>);

impl Params {
    fn new() -> Params {
        Params(Vec::new())
    }

    fn with(mut self, value: impl tokio_postgres::types::ToSql + Send + Sync + 'static) -> Params {
        self.0.push(Box::new(value));
        self
    }

    fn refs(&self) -> Vec<&(dyn tokio_postgres::types::ToSql + Sync)> {
        self.0.iter().map(|p| &**p as &(dyn tokio_postgres::types::ToSql + Sync)).collect()
    }
}

impl Store for PostgresStore {
    fn insert_share(&self, id: &str, state: &ShareState) -> Result<()> {
        let json = serde_json::to_string(state).map_err(|e| self.error(e))?;
        let params = Params::new().with(id.to_string()).with(seconds(now())).with(json);
        self.execute("INSERT INTO shares (id, created_at, state) VALUES ($1, $2, $3)", params)?;
        Ok(())
    }

    fn share(&self, id: &str) -> Result<Option<ShareState>> {
        let json: Option<String> =
            self.query_one_value("SELECT state FROM shares WHERE id = $1", Params::new().with(id.to_string()))?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| self.error(e))).transpose()
    }

    fn insert_job(&self, job: &JobRecord) -> Result<()> {
        let json = serde_json::to_string(job).map_err(|e| self.error(e))?;
        let params = Params::new()
            .with(job.id.clone())
            .with(seconds(job.created_at))
            .with(job.state.as_str().to_string())
            .with(json);
        self.execute("INSERT INTO jobs (id, created_at, state, record) VALUES ($1, $2, $3, $4)", params)?;
        Ok(())
    }

    fn update_job(&self, job: &JobRecord, replica: &str) -> Result<bool> {
        let json = serde_json::to_string(job).map_err(|e| self.error(e))?;
        let params = Params::new()
            .with(job.id.clone())
            .with(job.state.as_str().to_string())
            .with(json)
            .with(replica.to_string());
        // One statement: whether it was stored, and whether this replica could write it.
        let written: Option<bool> = self.query_one_value(
            "WITH updated AS (
                UPDATE jobs SET state = $2, record = $3 WHERE id = $1 AND (owner IS NULL OR owner = $4) RETURNING id
            )
            SELECT EXISTS (SELECT 1 FROM updated) FROM jobs WHERE id = $1",
            params,
        )?;
        written.ok_or_else(|| self.error(format!("no job '{}' to update", job.id)))
    }

    fn job(&self, id: &str) -> Result<Option<JobRecord>> {
        let json = self.query_one_value("SELECT record FROM jobs WHERE id = $1", Params::new().with(id.to_string()))?;
        self.record(json)
    }

    fn jobs(&self) -> Result<Vec<JobRecord>> {
        let rows: Vec<String> = self.run(|pool| async move {
            let client = pool.get().await?;
            let statement = client.prepare_cached("SELECT record FROM jobs ORDER BY created_at, seq").await?;
            let rows = client.query(&statement, &[]).await?;
            rows.iter().map(|row| row.try_get(0).map_err(DbError::from)).collect::<DbResult<Vec<String>>>()
        })?;
        rows.iter().map(|json| serde_json::from_str(json).map_err(|e| self.error(e))).collect()
    }

    fn job_counts(&self) -> Result<Vec<(JobState, u64)>> {
        let rows: Vec<(String, i64)> = self.run(|pool| async move {
            let client = pool.get().await?;
            let statement = client.prepare_cached("SELECT state, COUNT(*) FROM jobs GROUP BY state").await?;
            let rows = client.query(&statement, &[]).await?;
            rows.iter().map(|row| DbResult::Ok((row.try_get(0)?, row.try_get(1)?))).collect::<DbResult<Vec<_>>>()
        })?;
        rows.into_iter()
            .map(|(state, n)| {
                let state =
                    JobState::parse(&state).ok_or_else(|| self.error(format!("unknown job state '{state}'")))?;
                Ok((state, u64::try_from(n).unwrap_or(0)))
            })
            .collect()
    }

    fn claim_job(&self, replica: &str, now: u64, lease_until: u64) -> Result<Option<JobRecord>> {
        let params = Params::new().with(replica.to_string()).with(seconds(now)).with(seconds(lease_until));
        // The row is locked by the first replica to select it; the others skip it.
        let json = self.query_one_value(
            "UPDATE jobs SET owner = $1, lease_until = $3 WHERE id = (
                SELECT id FROM jobs WHERE state IN ('queued', 'running') AND (owner IS NULL OR lease_until < $2)
                ORDER BY created_at, seq LIMIT 1 FOR UPDATE SKIP LOCKED
            ) RETURNING record",
            params,
        )?;
        self.record(json)
    }

    fn renew_lease(&self, id: &str, replica: &str, lease_until: u64) -> Result<Lease> {
        let params = Params::new().with(id.to_string()).with(replica.to_string()).with(seconds(lease_until));
        let cancel: Option<bool> = self.query_one_value(
            "UPDATE jobs SET lease_until = $3 WHERE id = $1 AND owner = $2 RETURNING cancel_requested",
            params,
        )?;
        Ok(cancel.map_or(Lease::Lost, |cancel_requested| Lease::Held { cancel_requested }))
    }

    fn release_job(&self, id: &str, replica: &str) -> Result<()> {
        let params = Params::new().with(id.to_string()).with(replica.to_string());
        self.execute("UPDATE jobs SET owner = NULL, lease_until = 0 WHERE id = $1 AND owner = $2", params)?;
        Ok(())
    }

    fn request_cancel(&self, id: &str) -> Result<bool> {
        let changed = self.execute(
            "UPDATE jobs SET cancel_requested = TRUE WHERE id = $1 AND state IN ('queued', 'running')",
            Params::new().with(id.to_string()),
        )?;
        Ok(changed > 0)
    }

    fn insert_model(&self, model: &ModelRecord) -> Result<()> {
        let params =
            Params::new().with(model.id.clone()).with(model.weights_sha256.clone()).with(seconds(model.installed_at));
        self.execute(
            "INSERT INTO models (id, weights_sha256, installed_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
            params,
        )?;
        Ok(())
    }

    fn models(&self) -> Result<Vec<ModelRecord>> {
        self.run(|pool| async move {
            let client = pool.get().await?;
            let statement = client
                .prepare_cached("SELECT id, weights_sha256, installed_at FROM models ORDER BY installed_at, id")
                .await?;
            let rows = client.query(&statement, &[]).await?;
            rows.iter()
                .map(|row| {
                    DbResult::Ok(ModelRecord {
                        id: row.try_get(0)?,
                        weights_sha256: row.try_get(1)?,
                        installed_at: u64::try_from(row.try_get::<_, i64>(2)?).unwrap_or(0),
                    })
                })
                .collect::<DbResult<Vec<_>>>()
        })
    }
}

/// The store suite against a real server: each test in a database of its own, created through
/// `MATFUSE_TEST_DATABASE_URL` (a role that may create databases) and dropped afterwards.
/// Without the variable they are skipped, saying so (SQLite's run always).
#[cfg(test)]
mod tests {
    use super::super::contract;
    use super::*;

    /// A fresh database: its URL, and a guard that drops it.
    struct Scratch {
        admin: String,
        name: String,
        url: String,
    }

    impl Scratch {
        fn new(test: &str) -> Option<Scratch> {
            let Ok(admin) = std::env::var("MATFUSE_TEST_DATABASE_URL") else {
                eprintln!("SKIPPED: no MATFUSE_TEST_DATABASE_URL (scripts/test-postgres.sh sets one)");
                return None;
            };
            let name = format!("matfuse_test_{test}_{}", std::process::id());
            admin_statement(&admin, &format!("DROP DATABASE IF EXISTS {name}"));
            admin_statement(&admin, &format!("CREATE DATABASE {name}"));
            let mut config = tokio_postgres::Config::from_str(&admin).unwrap();
            config.dbname(&name);
            let url = url_of(&config);
            Some(Scratch { admin, name, url })
        }

        fn open(&self) -> Box<dyn Store> {
            Box::new(PostgresStore::connect(&self.url).unwrap())
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            admin_statement(&self.admin, &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }

    /// Runs one statement outside a transaction (CREATE/DROP DATABASE) on a runtime of its own.
    fn admin_statement(url: &str, sql: &str) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let (client, connection) = tokio_postgres::connect(url, NoTls).await.unwrap();
            let connection = tokio::spawn(connection);
            client.batch_execute(sql).await.unwrap();
            drop(client);
            let _ = connection.await;
        });
    }

    /// The `key=value` form of a configuration (host, port, user, password, database).
    fn url_of(config: &tokio_postgres::Config) -> String {
        let mut parts = vec![format!("dbname={}", config.get_dbname().unwrap_or_default())];
        if let Some(tokio_postgres::config::Host::Tcp(host)) = config.get_hosts().first() {
            parts.push(format!("host={host}"));
        }
        if let Some(port) = config.get_ports().first() {
            parts.push(format!("port={port}"));
        }
        if let Some(user) = config.get_user() {
            parts.push(format!("user={user}"));
        }
        if let Some(password) = config.get_password() {
            parts.push(format!("password={}", String::from_utf8_lossy(password)));
        }
        parts.join(" ")
    }

    #[test]
    fn migrations_reach_the_latest_version_once_even_when_replicas_start_together() {
        let Some(db) = Scratch::new("migrate") else { return };
        let opened: Vec<PostgresStore> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..3).map(|_| s.spawn(|| PostgresStore::connect(&db.url).unwrap())).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for store in &opened {
            assert_eq!(store.version().unwrap(), super::super::schema::latest_version());
        }
    }

    #[test]
    fn shares_persist_across_reconnecting_and_are_immutable() {
        let Some(db) = Scratch::new("shares") else { return };
        contract::shares_persist_and_are_immutable(&|| db.open());
    }

    #[test]
    fn jobs_persist_update_and_count_by_state() {
        let Some(db) = Scratch::new("jobs") else { return };
        contract::jobs_persist_update_and_count_by_state(&|| db.open());
    }

    #[test]
    fn a_job_is_claimed_by_one_replica_until_its_lease_runs_out() {
        let Some(db) = Scratch::new("leases") else { return };
        contract::a_job_is_claimed_by_one_replica_until_its_lease_runs_out(&*db.open());
    }

    #[test]
    fn concurrent_claims_never_hand_one_job_to_two_replicas() {
        let Some(db) = Scratch::new("race") else { return };
        let setup = db.open();
        for i in 0..40 {
            setup.insert_job(&contract::job(&format!("job{i:02}"), 1)).unwrap();
        }
        let claimed: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|replica| {
                    let store = db.open();
                    s.spawn(move || {
                        let mut mine = Vec::new();
                        while let Some(job) = store.claim_job(&format!("r{replica}"), 10, 100).unwrap() {
                            mine.push(job.id);
                        }
                        mine
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        let distinct: std::collections::HashSet<&String> = claimed.iter().collect();
        assert_eq!((claimed.len(), distinct.len()), (40, 40), "each job claimed exactly once");
    }

    #[test]
    fn cancels_and_models_reach_every_replica() {
        let Some(db) = Scratch::new("models") else { return };
        contract::cancels_and_models_reach_every_replica(&*db.open());
    }

    #[test]
    fn a_bad_url_is_a_command_line_error_and_names_no_password() {
        assert!(matches!(PostgresStore::connect("postgres://host:port/db"), Err(Error::CommandLine(_))));
        let unreachable = PostgresStore::connect("postgres://u:secret@127.0.0.1:1/db?connect_timeout=2");
        let message = unreachable.err().unwrap().to_string();
        assert!(message.contains("postgresql://127.0.0.1:1/db") && !message.contains("secret"), "{message}");
    }
}
