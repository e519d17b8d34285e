//! Operator accounts (offices, password hashes, when an administrator set each password) and
//! their sessions (only a hash of each token is stored).

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
}

/// Creates the operator unless one with the same user name exists; true when it was created.
pub fn insert_missing(conn: &Connection, op: NewOperator<'_>) -> rusqlite::Result<bool> {
    let inserted = conn.execute(
        "INSERT INTO operators (username, display_name, office, office_code, password_salt, password_hash, password_set_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (username) DO NOTHING",
        params![
            op.username,
            op.display_name,
            op.office,
            op.office_code,
            op.salt,
            op.hash,
            op.password_set_at.map(ts)
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

/// A stored password: salt, hash, and whether an administrator set it (else it is the
/// development password, or predates the password rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPassword {
    /// Salt.
    pub salt: Vec<u8>,
    /// PBKDF2 hash.
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
}

/// Every operator, by user name.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<OperatorRow>> {
    let mut stmt = conn.prepare(
        "SELECT username, display_name, office, office_code, password_set_at FROM operators ORDER BY username",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(OperatorRow {
            username: r.get(0)?,
            display_name: r.get(1)?,
            office: r.get(2)?,
            office_code: r.get(3)?,
            password_set_at: r.get(4)?,
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

/// Stores an operator session.
pub fn open_session(
    conn: &Connection,
    token_hash: &[u8],
    username: &str,
    expires_at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO operator_sessions (token_hash, username, expires_at) VALUES (?1, ?2, ?3)",
        params![token_hash, username, ts(expires_at)],
    )?;
    Ok(())
}

/// The operator of a session that has not expired at `now`.
pub fn session_user(
    conn: &Connection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT username FROM operator_sessions WHERE token_hash = ?1 AND expires_at > ?2",
        params![token_hash, ts(now)],
        |r| r.get(0),
    )
    .optional()
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
