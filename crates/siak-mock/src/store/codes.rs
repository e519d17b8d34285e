//! The emailed one-time codes (activation, device change): a keyed hash, an expiry, a count of
//! wrong tries, and when the code was used or burnt. Both kinds share these columns in their own
//! table.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::ts;

/// Where a kind of code is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeTable {
    /// `activation_codes`, by registration id.
    Activation,
    /// `recoveries`, by recovery id.
    Recovery,
    /// `recovery_decoys`, by id: the ids handed out for a start that matched no account.
    RecoveryDecoy,
}

impl CodeTable {
    /// Table and key column.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            CodeTable::Activation => ("activation_codes", "registration_id"),
            CodeTable::Recovery => ("recoveries", "id"),
            CodeTable::RecoveryDecoy => ("recovery_decoys", "id"),
        }
    }

    /// The table's name (for messages).
    pub fn table(self) -> &'static str {
        self.names().0
    }
}

/// A code as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCode {
    /// Keyed hash of the code.
    pub hash: Vec<u8>,
    /// After this the code no longer works.
    pub expires_at: DateTime<Utc>,
    /// Wrong codes so far.
    pub tries: i64,
    /// The code was used.
    pub used: bool,
    /// The code was burnt by too many wrong tries.
    pub burnt: bool,
    /// Which key made the hash (1: the root secret, 2: the emailed codes' own key).
    pub key_version: i64,
}

/// The code of row `id`, if there is one.
pub fn load(conn: &Connection, table: CodeTable, id: &str) -> rusqlite::Result<Option<StoredCode>> {
    let (table, key) = table.names();
    conn.query_row(
        &format!(
            "SELECT code_hash, expires_at, wrong_tries, used_at, burnt_at, key_version FROM {table} WHERE {key} = ?1"
        ),
        params![id],
        |r| {
            Ok(StoredCode {
                hash: r.get(0)?,
                expires_at: r.get(1)?,
                tries: r.get(2)?,
                used: r.get::<_, Option<String>>(3)?.is_some(),
                burnt: r.get::<_, Option<String>>(4)?.is_some(),
                key_version: r.get(5)?,
            })
        },
    )
    .optional()
}

/// Marks the code of row `id` used.
pub fn mark_used(
    conn: &Connection,
    table: CodeTable,
    id: &str,
    at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    let (table, key) = table.names();
    conn.execute(
        &format!("UPDATE {table} SET used_at = ?2 WHERE {key} = ?1"),
        params![id, ts(at)],
    )?;
    Ok(())
}

/// Saves `tries` wrong tries for row `id`, burning the code when they reach `max_tries`.
pub fn count_wrong(
    conn: &Connection,
    table: CodeTable,
    id: &str,
    tries: i64,
    max_tries: i64,
    at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    let (table, key) = table.names();
    conn.execute(
        &format!(
            "UPDATE {table} SET wrong_tries = ?2, burnt_at = CASE WHEN ?2 >= ?3 THEN ?4 END WHERE {key} = ?1"
        ),
        params![id, tries, max_tries, ts(at)],
    )?;
    Ok(())
}

/// Sets the activation code of registration `id` (a fresh code after a new approval), hashed
/// with the key of `key_version`.
pub fn put_activation(
    conn: &Connection,
    registration_id: &str,
    hash: &[u8],
    key_version: i64,
    expires_at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO activation_codes (registration_id, code_hash, key_version, expires_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (registration_id) DO UPDATE SET code_hash = ?2, key_version = ?3, expires_at = ?4,
           wrong_tries = 0, used_at = NULL, burnt_at = NULL",
        params![registration_id, hash, key_version, ts(expires_at)],
    )?;
    Ok(())
}
