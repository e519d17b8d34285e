//! Online verifications (`POST /v1/verify`) as the resident's history records them: which
//! presentations were verified already (a presentation is written into the history once,
//! however often it is sent), how many verifications of an account were recorded in a window,
//! and the count of those that were answered but not recorded.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::activity::ActivityKind;
use super::ts;

/// Notes that the presentation of `credential_id` made at `created_at` was verified at `at`;
/// answers whether it is the first time. Rows of presentations long expired (verified before
/// `forget_before`) are deleted first.
pub fn first_time(
    conn: &Connection,
    credential_id: &str,
    created_at: DateTime<Utc>,
    at: DateTime<Utc>,
    forget_before: DateTime<Utc>,
) -> rusqlite::Result<bool> {
    conn.execute(
        "DELETE FROM verified_presentations WHERE verified_at < ?1",
        params![ts(forget_before)],
    )?;
    let added = conn.execute(
        "INSERT INTO verified_presentations (credential_id, created_at, verified_at) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
        params![credential_id, ts(created_at), ts(at)],
    )?;
    Ok(added == 1)
}

/// How many entries of `kind` the history of `nik` got since `since`.
pub fn recorded_since(
    conn: &Connection,
    nik: &str,
    kind: ActivityKind,
    since: DateTime<Utc>,
) -> rusqlite::Result<u32> {
    conn.query_row(
        "SELECT count(*) FROM activity_log WHERE nik = ?1 AND kind = ?2 AND at > ?3",
        params![nik, kind.code(), ts(since)],
        |r| r.get(0),
    )
}

/// Counts one more event that was not recorded on its own: adds one to the count (the entry's
/// detail) of the newest entry of `kind` since `since`, or writes a new entry of `kind` at `at`
/// with count 1.
pub fn count_unrecorded(
    conn: &Connection,
    nik: &str,
    kind: ActivityKind,
    since: DateTime<Utc>,
    at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    let open: Option<i64> = conn
        .query_row(
            "SELECT id FROM activity_log WHERE nik = ?1 AND kind = ?2 AND at > ?3 ORDER BY id DESC LIMIT 1",
            params![nik, kind.code(), ts(since)],
            |r| r.get(0),
        )
        .optional()?;
    match open {
        Some(id) => conn.execute(
            "UPDATE activity_log SET detail = CAST(CAST(detail AS INTEGER) + 1 AS TEXT) WHERE id = ?1",
            params![id],
        )?,
        None => conn.execute(
            "INSERT INTO activity_log (nik, at, kind, detail) VALUES (?1, ?2, ?3, '1')",
            params![nik, ts(at), kind.code()],
        )?,
    };
    Ok(())
}
