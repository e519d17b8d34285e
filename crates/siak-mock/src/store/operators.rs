//! Operator accounts (offices, password hashes, when an administrator set each password, email),
//! the wrong-password counts per user name, and their sessions (only a hash of each token is
//! stored; each use slides the idle end, never past the session's absolute end).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::ts;

/// An operator to create.
#[derive(Debug, Clone, Copy)]
pub struct NewOperator<'a> {
    /// User name.
    pub username: &'a str,
    /// Name shown in the console.
    pub display_name: &'a str,
    /// Office, as people read it (`Kota Probolinggo`, `Nasional`).
    pub office: &'a str,
    /// Office code: the regency `PPRR`, or `pusat`.
    pub office_code: &'a str,
    /// Password salt.
    pub salt: &'a [u8],
    /// Password hash.
    pub hash: &'a [u8],
    /// When an administrator set the password; `None` for the development password.
    pub password_set_at: Option<DateTime<Utc>>,
    /// Where the office is told about a throttled login.
    pub email: Option<&'a str>,
}

/// Creates the operator unless one with the same user name exists; true when it was created.
pub fn insert_missing(conn: &Connection, op: NewOperator<'_>) -> rusqlite::Result<bool> {
    let inserted = conn.execute(
        "INSERT INTO operators (username, display_name, office, office_code, password_salt, password_hash, password_set_at, email)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (username) DO NOTHING",
        params![
            op.username,
            op.display_name,
            op.office,
            op.office_code,
            op.salt,
            op.hash,
            op.password_set_at.map(ts),
            op.email
        ],
    )?;
    Ok(inserted == 1)
}

/// Replaces the password of `username` (set by an administrator at `at`); false when there is no
/// such operator.
pub fn set_password(
    conn: &Connection,
    username: &str,
    salt: &[u8],
    hash: &[u8],
    at: DateTime<Utc>,
) -> rusqlite::Result<bool> {
    let updated = conn.execute(
        "UPDATE operators SET password_salt = ?2, password_hash = ?3, password_set_at = ?4 WHERE username = ?1",
        params![username, salt, hash, ts(at)],
    )?;
    Ok(updated == 1)
}

/// Sets (or clears) the email address of `username`; false when there is no such operator.
pub fn set_email(conn: &Connection, username: &str, email: Option<&str>) -> rusqlite::Result<bool> {
    let updated = conn.execute(
        "UPDATE operators SET email = ?2 WHERE username = ?1",
        params![username, email],
    )?;
    Ok(updated == 1)
}

/// Replaces the hash of `username`'s password with a new hash of the same password (an argon2id
/// hash for one of before); when it was set stays as it was.
pub fn rehash(conn: &Connection, username: &str, hash: &[u8]) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE operators SET password_salt = X'', password_hash = ?2 WHERE username = ?1",
        params![username, hash],
    )?;
    Ok(())
}

/// The office code of `username` (`None`: no such operator, or a row from before office codes).
pub fn office_code(conn: &Connection, username: &str) -> rusqlite::Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT office_code FROM operators WHERE username = ?1",
            params![username],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// The email address of `username`'s office, if any.
pub fn email(conn: &Connection, username: &str) -> rusqlite::Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT email FROM operators WHERE username = ?1",
            params![username],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// A stored password: salt, hash, and whether an administrator set it (else it is the
/// development password, or predates the password rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPassword {
    /// Salt.
    pub salt: Vec<u8>,
    /// An argon2id PHC string (as bytes), or a PBKDF2 hash of before.
    pub hash: Vec<u8>,
    /// Set by `siak-mock operator` or `SIAK_MOCK_OPERATOR_PASSWORD`.
    pub set_by_administrator: bool,
}

/// The stored password of `username`.
pub fn password(conn: &Connection, username: &str) -> rusqlite::Result<Option<StoredPassword>> {
    conn.query_row(
        "SELECT password_salt, password_hash, password_set_at IS NOT NULL FROM operators WHERE username = ?1",
        params![username],
        |r| {
            Ok(StoredPassword {
                salt: r.get(0)?,
                hash: r.get(1)?,
                set_by_administrator: r.get(2)?,
            })
        },
    )
    .optional()
}

/// How many operators have a password an administrator set (those who may log in outside
/// development mode).
pub fn count_with_set_password(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row(
        "SELECT count(*) FROM operators WHERE password_set_at IS NOT NULL",
        [],
        |r| r.get(0),
    )
}

/// An operator as `siak-mock operator list` shows it: never the password.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OperatorRow {
    /// User name.
    pub username: String,
    /// Name shown in the console.
    pub display_name: String,
    /// Office, as people read it.
    pub office: String,
    /// Regency `PPRR` or `pusat` (`None` for a row from before office codes).
    pub office_code: Option<String>,
    /// When an administrator last set the password; `None`: the development password, usable
    /// only with `serve --dev`.
    pub password_set_at: Option<DateTime<Utc>>,
    /// Where the office is told about a throttled login.
    pub email: Option<String>,
}

/// Every operator, by user name.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<OperatorRow>> {
    let mut stmt = conn.prepare(
        "SELECT username, display_name, office, office_code, password_set_at, email FROM operators ORDER BY username",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(OperatorRow {
            username: r.get(0)?,
            display_name: r.get(1)?,
            office: r.get(2)?,
            office_code: r.get(3)?,
            password_set_at: r.get(4)?,
            email: r.get(5)?,
        })
    })?;
    rows.collect()
}

/// The name the console shows for `username`.
pub fn display_name(conn: &Connection, username: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT display_name FROM operators WHERE username = ?1",
        params![username],
        |r| r.get(0),
    )
    .optional()
}

/// Stores an operator session, idle until `expires_at`, over at `ends_at` whatever happens.
pub fn open_session(
    conn: &Connection,
    token_hash: &[u8],
    username: &str,
    expires_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO operator_sessions (token_hash, username, expires_at, ends_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash, username, ts(expires_at.min(ends_at)), ts(ends_at)],
    )?;
    Ok(())
}

/// The operator of a live session, as a request sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionOperator {
    /// User name.
    pub username: String,
    /// Office code (`PPRR` or `pusat`; `None` for a row from before office codes).
    pub office_code: Option<String>,
    /// Office, as people read it.
    pub office: String,
}

/// The operator of a session that has neither idled out nor ended at `now`, after moving its
/// idle end to `idle_until` (capped at the session's end): each use extends the session.
pub fn use_session(
    conn: &Connection,
    token_hash: &[u8],
    now: DateTime<Utc>,
    idle_until: DateTime<Utc>,
) -> rusqlite::Result<Option<SessionOperator>> {
    let username: Option<String> = conn
        .query_row(
            "UPDATE operator_sessions SET expires_at = min(?3, ends_at)
             WHERE token_hash = ?1 AND expires_at > ?2 AND ends_at > ?2 RETURNING username",
            params![token_hash, ts(now), ts(idle_until)],
            |r| r.get(0),
        )
        .optional()?;
    let Some(username) = username else {
        return Ok(None);
    };
    conn.query_row(
        "SELECT username, office_code, office FROM operators WHERE username = ?1",
        params![username],
        |r| {
            Ok(SessionOperator {
                username: r.get(0)?,
                office_code: r.get(1)?,
                office: r.get(2)?,
            })
        },
    )
    .optional()
}

/// Wrong passwords given for `username` in the window still running at `now` (the window began
/// after `window_began_after`): how many, and when the window began.
pub fn login_failures(
    conn: &Connection,
    username: &str,
    window_began_after: DateTime<Utc>,
) -> rusqlite::Result<Option<(u32, DateTime<Utc>)>> {
    conn.query_row(
        "SELECT failures, window_start FROM operator_login_failures
         WHERE username = ?1 AND window_start > ?2",
        params![username, ts(window_began_after)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// Counts one more wrong password for `username` at `now`; a window that began at or before
/// `window_began_after` is over and a new one begins (over windows of every name are deleted).
/// Answers the count and the start of the window.
pub fn record_login_failure(
    conn: &Connection,
    username: &str,
    now: DateTime<Utc>,
    window_began_after: DateTime<Utc>,
) -> rusqlite::Result<(u32, DateTime<Utc>)> {
    conn.execute(
        "DELETE FROM operator_login_failures WHERE window_start <= ?1",
        params![ts(window_began_after)],
    )?;
    conn.query_row(
        "INSERT INTO operator_login_failures (username, failures, window_start) VALUES (?1, 1, ?2)
         ON CONFLICT (username) DO UPDATE SET failures = failures + 1
         RETURNING failures, window_start",
        params![username, ts(now)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Forgets the wrong passwords of `username` (a successful login).
pub fn clear_login_failures(conn: &Connection, username: &str) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM operator_login_failures WHERE username = ?1",
        params![username],
    )?;
    Ok(())
}

/// Ends every session of `username` (after a password change).
pub fn end_sessions_of(conn: &Connection, username: &str) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM operator_sessions WHERE username = ?1",
        params![username],
    )?;
    Ok(())
}

/// Ends an operator session.
pub fn end_session(conn: &Connection, token_hash: &[u8]) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM operator_sessions WHERE token_hash = ?1",
        params![token_hash],
    )?;
    Ok(())
}
