//! Device changes and PIN resets (recoveries): liveness passed, a code mailed, waiting for the
//! code on the new device; then, once confirmed, the waiting period of [`super::device_changes`].
//! The code columns are read and written through [`super::codes`]. A start whose NIK and email
//! are not an account's is answered with a decoy id stored in `recovery_decoys`, which takes
//! codes like a real one and never accepts one.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::ts;

/// A new recovery (or decoy: its `challenge_id` is not stored).
#[derive(Debug, Clone, Copy)]
pub struct NewRecovery<'a> {
    /// Id (32 hex digits).
    pub id: &'a str,
    /// The account's NIK.
    pub nik: &'a str,
    /// The new device's key (base64url).
    pub device_key: &'a str,
    /// The liveness challenge passed.
    pub challenge_id: &'a str,
    /// Keyed hash of the mailed code.
    pub code_hash: &'a [u8],
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
    /// Now.
    pub created_at: DateTime<Utc>,
}

/// A recovery as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// The account's NIK.
    pub nik: String,
    /// The new device's key (base64url).
    pub device_key: String,
    /// `awaiting_code`, `waiting`, `completed` or `cancelled` (decoys: `awaiting_code`).
    pub state: String,
    /// When a waiting change may complete.
    pub completes_at: Option<DateTime<Utc>>,
}

/// Writes a new recovery.
pub fn insert(conn: &Connection, r: NewRecovery<'_>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO recoveries (id, nik, device_key, challenge_id, code_hash, expires_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![r.id, r.nik, r.device_key, r.challenge_id, r.code_hash, ts(r.expires_at), ts(r.created_at)],
    )?;
    Ok(())
}

/// Writes a decoy (its `code_hash` should be random bytes no code hashes to).
pub fn insert_decoy(conn: &Connection, r: NewRecovery<'_>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO recovery_decoys (id, nik, device_key, code_hash, expires_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            r.id,
            r.nik,
            r.device_key,
            r.code_hash,
            ts(r.expires_at),
            ts(r.created_at)
        ],
    )?;
    Ok(())
}

/// The recovery `id`.
pub fn get(conn: &Connection, id: &str) -> rusqlite::Result<Option<Recovery>> {
    conn.query_row(
        "SELECT nik, device_key, state, completes_at FROM recoveries WHERE id = ?1",
        params![id],
        |r| {
            Ok(Recovery {
                nik: r.get(0)?,
                device_key: r.get(1)?,
                state: r.get(2)?,
                completes_at: r.get(3)?,
            })
        },
    )
    .optional()
}

/// The decoy `id`.
pub fn get_decoy(conn: &Connection, id: &str) -> rusqlite::Result<Option<Recovery>> {
    conn.query_row(
        "SELECT nik, device_key FROM recovery_decoys WHERE id = ?1",
        params![id],
        |r| {
            Ok(Recovery {
                nik: r.get(0)?,
                device_key: r.get(1)?,
                state: "awaiting_code".into(),
                completes_at: None,
            })
        },
    )
    .optional()
}
