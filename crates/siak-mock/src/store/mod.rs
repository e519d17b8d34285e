//! SQLite storage: opening (WAL, foreign keys, busy timeout), migrating, filling a new database
//! with its synthetic population, and every SQL statement of the server.
//!
//! A [`Store`] owns one connection. Opening a path creates the file, runs the migrations and, if
//! the register is empty, generates the population in one transaction, so a crash never leaves a
//! half-filled register. Errors never carry SQL text towards users; the HTTP layer maps them.
//!
//! The submodules below own the tables of the IKD service, one area each. Their functions take a
//! `&Connection` (a `&Transaction` derefs to one) and typed arguments and return typed rows; the
//! caller decides where a transaction begins and ends. Nothing here imports from `api`.

pub mod accounts;
pub mod activity;
pub mod audit;
pub mod codes;
pub mod credentials;
pub mod device_changes;
pub mod liveness;
mod migrations;
pub mod operators;
pub mod outbox;
mod population;
pub mod recoveries;
pub mod registrations;
pub mod scans;
pub mod sessions;
pub mod verifications;

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;

use crate::population::PopulationSpec;

pub use migrations::{SCHEMA_VERSION, migrate, schema_version};
pub use population::{PopulationInfo, ResidentRecord, Sample};

/// RFC 3339 UTC text with whole seconds, as stored.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Column `idx` of `row` parsed into a core type (an id, an activity kind, a profile): a stored
/// value that does not parse is a conversion error, never a default.
pub fn parsed<T>(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<T>
where
    T: std::str::FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: String = row.get(idx)?;
    text.parse().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A migration failed; the database stays at the previous version.
    #[error("schema migration {version} ({name}) failed: {source}")]
    Migration {
        /// The version it would have reached.
        version: u32,
        /// What it does.
        name: &'static str,
        /// The SQLite error.
        source: rusqlite::Error,
    },
    /// The database was written by a newer siak-mock.
    #[error("database schema version {found} is newer than this siak-mock knows ({known})")]
    NewerSchema {
        /// Version in the file.
        found: u32,
        /// Latest version known here.
        known: u32,
    },
    /// The register already holds a population; it is never regenerated in place.
    #[error("the register already holds a population (seed {seed}, {count} residents)")]
    AlreadyPopulated {
        /// Its seed.
        seed: u64,
        /// Its size.
        count: u32,
    },
    /// A stored field does not hold a value this version understands.
    #[error("stored value {value:?} of {field} is not valid")]
    InvalidStoredValue {
        /// Column name.
        field: &'static str,
        /// What was stored.
        value: String,
    },
}

/// The population register on disk (or in memory for tests).
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens the register at `path`, creating and populating it with the default population when
    /// new (see [`PopulationSpec::default`]).
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, PopulationSpec::default())
    }

    /// Opens the register at `path`; when it holds no population yet, generates `spec`'s.
    pub fn open_with(path: &Path, spec: PopulationSpec) -> Result<Store, StoreError> {
        let mut store = Store::open_unpopulated(path)?;
        if store.population()?.is_none() {
            store.populate(spec)?;
        }
        Ok(store)
    }

    /// Opens (creating if needed) and migrates the database at `path` without populating it.
    pub fn open_unpopulated(path: &Path) -> Result<Store, StoreError> {
        Store::configure(Connection::open(path)?)
    }

    /// A private in-memory register holding `spec`'s population (for tests).
    pub fn open_in_memory(spec: PopulationSpec) -> Result<Store, StoreError> {
        let mut store = Store::configure(Connection::open_in_memory()?)?;
        store.populate(spec)?;
        Ok(store)
    }

    fn configure(mut conn: Connection) -> Result<Store, StoreError> {
        conn.busy_timeout(Duration::from_secs(5))?;
        // Returns the resulting mode ("memory" for in-memory databases), not an error.
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// The connection, for later layers that add their own tables and queries.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The connection, mutably (transactions).
    pub fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}
