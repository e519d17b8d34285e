//! Wrong registration-QR scans, counted per registration: after a run of them approvals of that
//! registration are locked for a while, so whoever holds an operator login cannot grind QRs. The
//! numbers (how many, how long) are the caller's policy.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::ts;

/// Until when approvals of registration `id` are locked, if they ever were (the caller compares
/// with now).
pub fn locked_until(conn: &Connection, id: &str) -> rusqlite::Result<Option<DateTime<Utc>>> {
    Ok(conn
        .query_row(
            "SELECT locked_until FROM registration_scans WHERE registration_id = ?1",
            params![id],
            |r| r.get::<_, Option<DateTime<Utc>>>(0),
        )
        .optional()?
        .flatten())
}

/// Counts one wrong scan of registration `id`; the `limit`-th in a row locks approvals until
/// `lock_until` and starts the count again. Returns whether this scan locked.
pub fn count_wrong(
    conn: &Connection,
    id: &str,
    limit: u32,
    lock_until: DateTime<Utc>,
) -> rusqlite::Result<bool> {
    let wrong: u32 = conn.query_row(
        "INSERT INTO registration_scans (registration_id, wrong) VALUES (?1, 1)
         ON CONFLICT (registration_id) DO UPDATE SET wrong = wrong + 1
         RETURNING wrong",
        params![id],
        |r| r.get(0),
    )?;
    if wrong < limit {
        return Ok(false);
    }
    conn.execute(
        "UPDATE registration_scans SET wrong = 0, locked_until = ?2 WHERE registration_id = ?1",
        params![id, ts(lock_until)],
    )?;
    Ok(true)
}

/// Forgets the wrong scans of registration `id` (an honest scan ends the run).
pub fn clear(conn: &Connection, id: &str) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM registration_scans WHERE registration_id = ?1",
        params![id],
    )?;
    Ok(())
}
