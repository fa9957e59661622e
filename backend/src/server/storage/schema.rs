//! The one schema both stores keep, as versioned migrations: migration `i` brings a database to
//! version `i + 1` (the `schema_version` table). Each store applies, at open, the migrations its
//! database has not seen, in one transaction each, so opening twice changes nothing. The two
//! dialects differ only in spelling: SQLite's `INTEGER` is 64-bit where PostgreSQL needs
//! `BIGINT`, and PostgreSQL numbers jobs in submission order with a sequence where SQLite has
//! `rowid`.

/// One schema change, in each database's SQL.
pub struct Migration {
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        sqlite: "CREATE TABLE shares (
            id TEXT PRIMARY KEY,
            created_at INTEGER NOT NULL,
            state TEXT NOT NULL
        );",
        postgres: "CREATE TABLE shares (
            id TEXT PRIMARY KEY,
            created_at BIGINT NOT NULL,
            state TEXT NOT NULL
        );",
    },
    // A job's record is JSON (its epochs and stages are its stored events); its state is a
    // column of its own for the queries that select by it.
    Migration {
        sqlite: "CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            created_at INTEGER NOT NULL,
            state TEXT NOT NULL,
            record TEXT NOT NULL
        );
        CREATE INDEX jobs_by_state ON jobs (state);",
        postgres: "CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            created_at BIGINT NOT NULL,
            state TEXT NOT NULL,
            record TEXT NOT NULL
        );
        CREATE INDEX jobs_by_state ON jobs (state);",
    },
    // Replicas: the replica holding a job and until when (Unix seconds), and a cancel asked of
    // whichever replica holds it.
    Migration {
        sqlite: "ALTER TABLE jobs ADD COLUMN owner TEXT;
        ALTER TABLE jobs ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT FALSE;",
        postgres: "ALTER TABLE jobs ADD COLUMN owner TEXT;
        ALTER TABLE jobs ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE jobs ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT FALSE;
        ALTER TABLE jobs ADD COLUMN seq BIGSERIAL;",
    },
    // Models installed by training jobs, which every replica loads from the shared data directory.
    Migration {
        sqlite: "CREATE TABLE models (
            id TEXT PRIMARY KEY,
            weights_sha256 TEXT NOT NULL,
            installed_at INTEGER NOT NULL
        );",
        postgres: "CREATE TABLE models (
            id TEXT PRIMARY KEY,
            weights_sha256 TEXT NOT NULL,
            installed_at BIGINT NOT NULL
        );",
    },
];

/// The version a fully migrated database has.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}
