//! Resident sessions (only a hash of each token is stored) and login challenges.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::ts;

/// A live session's account and device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// NIK.
    pub nik: String,
    /// Device key (base64url).
    pub device_key: String,
}

/// Stores a session.
pub fn insert(
    conn: &Connection,
    token_hash: &[u8],
    nik: &str,
    device_key: &str,
    expires_at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO sessions (token_hash, nik, device_key, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash, nik, device_key, ts(expires_at)],
    )?;
    Ok(())
}

/// The session of `token_hash` if it has not expired at `now` and its account is still active
/// on the session's device.
pub fn find(
    conn: &Connection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> rusqlite::Result<Option<SessionRow>> {
    conn.query_row(
        "SELECT s.nik, s.device_key FROM sessions s JOIN accounts a ON a.nik = s.nik
         WHERE s.token_hash = ?1 AND s.expires_at > ?2
           AND a.state = 'active' AND a.device_key = s.device_key",
        params![token_hash, ts(now)],
        |row| {
            Ok(SessionRow {
                nik: row.get(0)?,
                device_key: row.get(1)?,
            })
        },
    )
    .optional()
}

/// Ends every session of `nik`.
pub fn end_all(conn: &Connection, nik: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM sessions WHERE nik = ?1", params![nik])?;
    Ok(())
}

/// Ends every session of `nik` but the one of `keep` (a token hash).
pub fn end_others(conn: &Connection, nik: &str, keep: &[u8]) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM sessions WHERE nik = ?1 AND token_hash <> ?2",
        params![nik, keep],
    )?;
    Ok(())
}

/// Deletes the login challenges expired at `now`, then stores a new one.
pub fn add_login_challenge(
    conn: &Connection,
    id: &str,
    nik: &str,
    nonce: &[u8],
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM login_challenges WHERE expires_at < ?1",
        params![ts(now)],
    )?;
    conn.execute(
        "INSERT INTO login_challenges (id, nik, nonce, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![id, nik, nonce, ts(expires_at)],
    )?;
    Ok(())
}

/// Spends login challenge `id` if it is unused and not expired at `now`: its NIK and nonce.
pub fn take_login_challenge(
    conn: &Connection,
    id: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<Option<(String, Vec<u8>)>> {
    conn.query_row(
        "UPDATE login_challenges SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL AND expires_at >= ?2 RETURNING nik, nonce",
        params![id, ts(now)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}
