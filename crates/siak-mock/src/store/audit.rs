//! The operators' audit trail: who (user name and office), did what (log in, fail to, get
//! throttled, approve, reject, unlock, view a selfie frame), to which registration or NIK, when and
//! from which address. Written in the transaction of what it records; never holds a password or a
//! token. Read newest first, a page at a time, by the national office.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::ts;

/// What an operator did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// Logged in.
    Login,
    /// Gave a wrong password (or a user name that does not exist).
    LoginFailed,
    /// Logins of this user name or address were throttled (the wrong password that began it).
    Throttled,
    /// Approved a registration.
    Approve,
    /// Rejected a registration.
    Reject,
    /// Ended the hard lock of an account.
    Unlock,
    /// Opened a frame of a liveness selfie.
    FrameViewed,
}

impl AuditAction {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            AuditAction::Login => "login",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::Throttled => "throttled",
            AuditAction::Approve => "approve",
            AuditAction::Reject => "reject",
            AuditAction::Unlock => "unlock",
            AuditAction::FrameViewed => "frame_viewed",
        }
    }

    fn parse(code: &str) -> Option<AuditAction> {
        [
            AuditAction::Login,
            AuditAction::LoginFailed,
            AuditAction::Throttled,
            AuditAction::Approve,
            AuditAction::Reject,
            AuditAction::Unlock,
            AuditAction::FrameViewed,
        ]
        .into_iter()
        .find(|a| a.code() == code)
    }
}

/// One record to write.
#[derive(Debug, Clone, Copy)]
pub struct NewAudit<'a> {
    /// The operator (for a failed login: the user name given).
    pub username: &'a str,
    /// Their office code, when known.
    pub office_code: Option<&'a str>,
    /// What they did.
    pub action: AuditAction,
    /// The registration id or NIK acted on.
    pub subject: Option<&'a str>,
    /// The resident concerned.
    pub nik: Option<&'a str>,
    /// The client address the request came from.
    pub client_addr: &'a str,
    /// When.
    pub at: DateTime<Utc>,
}

/// Writes one record.
pub fn record(conn: &Connection, a: NewAudit<'_>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO operator_audit (at, username, office_code, action, subject, nik, client_addr)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            ts(a.at),
            a.username,
            a.office_code,
            a.action.code(),
            a.subject,
            a.nik,
            a.client_addr
        ],
    )?;
    Ok(())
}

/// One stored record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Its number; pages continue with `before=<id>`.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// The operator (for a failed login: the user name given).
    pub username: String,
    /// Their office code (`PPRR` or `pusat`), when known.
    pub office_code: Option<String>,
    /// What they did.
    pub action: AuditAction,
    /// The registration id or NIK acted on.
    pub subject: Option<String>,
    /// The resident concerned.
    pub nik: Option<String>,
    /// The client address.
    pub client_addr: String,
}

/// Up to `limit` records older than record `before` (all when `None`), newest first.
pub fn page(
    conn: &Connection,
    before: Option<i64>,
    limit: u32,
) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, username, office_code, action, subject, nik, client_addr FROM operator_audit
         WHERE ?1 IS NULL OR id < ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![before, limit], |r| {
        let action: String = r.get(4)?;
        Ok(AuditEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            username: r.get(2)?,
            office_code: r.get(3)?,
            action: AuditAction::parse(&action).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    4,
                    rusqlite::types::Type::Text,
                    format!("unknown audit action {action:?}").into(),
                )
            })?,
            subject: r.get(5)?,
            nik: r.get(6)?,
            client_addr: r.get(7)?,
        })
    })?;
    rows.collect()
}
