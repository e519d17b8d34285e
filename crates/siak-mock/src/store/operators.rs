//! Operator accounts (password hashes) and their sessions (only a hash of each token is stored).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::ts;

/// An operator to create when missing.
#[derive(Debug, Clone, Copy)]
pub struct NewOperator<'a> {
    /// User name.
    pub username: &'a str,
    /// Name shown in the console.
    pub display_name: &'a str,
    /// Office.
    pub office: &'a str,
    /// Password salt.
    pub salt: &'a [u8],
    /// Password hash.
    pub hash: &'a [u8],
}

/// Creates the operator unless one with the same user name exists.
pub fn insert_missing(conn: &Connection, op: NewOperator<'_>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO operators (username, display_name, office, password_salt, password_hash)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (username) DO NOTHING",
        params![op.username, op.display_name, op.office, op.salt, op.hash],
    )?;
    Ok(())
}

/// The password salt and hash of `username`.
pub fn password(conn: &Connection, username: &str) -> rusqlite::Result<Option<(Vec<u8>, Vec<u8>)>> {
    conn.query_row(
        "SELECT password_salt, password_hash FROM operators WHERE username = ?1",
        params![username],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
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

/// Ends an operator session.
pub fn end_session(conn: &Connection, token_hash: &[u8]) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM operator_sessions WHERE token_hash = ?1",
        params![token_hash],
    )?;
    Ok(())
}
