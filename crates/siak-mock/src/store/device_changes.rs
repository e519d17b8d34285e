//! Confirmed device changes and their waiting period (rows of `recoveries` past the code): the
//! move to `waiting` with its completion time and the hash of the mailed cancel token, what the
//! old phone and the offices see, the early approval, the cancel (for good) and the completion.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::ts;

/// A change waiting on an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// Recovery id.
    pub id: String,
    /// The account's NIK.
    pub nik: String,
    /// When the code was confirmed.
    pub confirmed_at: DateTime<Utc>,
    /// When it may complete.
    pub completes_at: DateTime<Utc>,
    /// The liveness challenge of the new phone's selfie.
    pub challenge_id: String,
    /// The frames stored for it.
    pub frames: i64,
    /// The resident's name in the register.
    pub name: Option<String>,
}

const WAITING_COLUMNS: &str = "r.id, r.nik, r.confirmed_at, r.completes_at, r.challenge_id,
    (SELECT count(*) FROM liveness_frames f WHERE f.challenge_id = r.challenge_id),
    (SELECT p.full_name FROM residents p WHERE p.nik = r.nik)";

fn waiting_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Waiting> {
    Ok(Waiting {
        id: r.get(0)?,
        nik: r.get(1)?,
        confirmed_at: r.get(2)?,
        completes_at: r.get(3)?,
        challenge_id: r.get(4)?,
        frames: r.get(5)?,
        name: r.get(6)?,
    })
}

/// Puts recovery `id` (code just redeemed) in `waiting` until `completes_at`.
pub fn start_waiting(
    conn: &Connection,
    id: &str,
    at: DateTime<Utc>,
    completes_at: DateTime<Utc>,
    cancel_token_hash: &[u8],
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE recoveries SET state = 'waiting', confirmed_at = ?2, completes_at = ?3,
           cancel_token_hash = ?4 WHERE id = ?1",
        params![id, ts(at), ts(completes_at), cancel_token_hash],
    )?;
    Ok(())
}

/// The change waiting on the account of `nik`, if any (the oldest).
pub fn waiting_for(conn: &Connection, nik: &str) -> rusqlite::Result<Option<Waiting>> {
    conn.query_row(
        &format!(
            "SELECT {WAITING_COLUMNS} FROM recoveries r WHERE r.nik = ?1 AND r.state = 'waiting'
             ORDER BY r.confirmed_at LIMIT 1"
        ),
        params![nik],
        waiting_row,
    )
    .optional()
}

/// The change `id` if it is waiting.
pub fn waiting(conn: &Connection, id: &str) -> rusqlite::Result<Option<Waiting>> {
    conn.query_row(
        &format!(
            "SELECT {WAITING_COLUMNS} FROM recoveries r WHERE r.id = ?1 AND r.state = 'waiting'"
        ),
        params![id],
        waiting_row,
    )
    .optional()
}

/// Every waiting change, soonest completion first (the caller keeps those in its scope).
pub fn all_waiting(conn: &Connection, limit: u32) -> rusqlite::Result<Vec<Waiting>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {WAITING_COLUMNS} FROM recoveries r WHERE r.state = 'waiting'
         ORDER BY r.completes_at, r.id LIMIT ?1"
    ))?;
    stmt.query_map(params![limit], waiting_row)?.collect()
}

/// The waiting change whose mailed cancel token hashes to `hash`: its id and NIK.
pub fn by_cancel_token(
    conn: &Connection,
    hash: &[u8],
) -> rusqlite::Result<Option<(String, String)>> {
    conn.query_row(
        "SELECT id, nik FROM recoveries WHERE cancel_token_hash = ?1 AND state = 'waiting'",
        params![hash],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// Cancels change `id` for good if it is waiting; `by` is `old_device`, `mail_link` or
/// `operator:<username>`. Answers whether it was waiting.
pub fn cancel(conn: &Connection, id: &str, at: DateTime<Utc>, by: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "UPDATE recoveries SET state = 'cancelled', ended_at = ?2, cancelled_by = ?3,
           cancel_token_hash = NULL WHERE id = ?1 AND state = 'waiting'",
        params![id, ts(at), by],
    )? == 1)
}

/// Closes every change of `nik` still waiting for its code (the old phone's cancel covers them
/// too): their codes stop working.
pub fn cancel_unconfirmed(
    conn: &Connection,
    nik: &str,
    at: DateTime<Utc>,
    by: &str,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE recoveries SET state = 'cancelled', ended_at = ?2, cancelled_by = ?3
         WHERE nik = ?1 AND state = 'awaiting_code' AND used_at IS NULL",
        params![nik, ts(at), by],
    )
}

/// An office approves waiting change `id` early: it may complete from `at`.
pub fn approve(
    conn: &Connection,
    id: &str,
    at: DateTime<Utc>,
    operator: &str,
) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "UPDATE recoveries SET completes_at = min(completes_at, ?2), approved_by = ?3
         WHERE id = ?1 AND state = 'waiting'",
        params![id, ts(at), operator],
    )? == 1)
}

/// Marks waiting change `id` completed (the account is on the new device).
pub fn complete(conn: &Connection, id: &str, at: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE recoveries SET state = 'completed', ended_at = ?2, cancel_token_hash = NULL
         WHERE id = ?1 AND state = 'waiting'",
        params![id, ts(at)],
    )?;
    Ok(())
}
