//! The outbox: every mail the server sent or would have sent, written in the same transaction as
//! the change it reports. Bodies are kept only in development mode (`crate::mail`); an empty
//! body means the server ran in deployment mode.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::ts;

/// A mail to write.
#[derive(Debug, Clone, Copy)]
pub struct NewMail<'a> {
    /// Recipient.
    pub to: &'a str,
    /// Subject.
    pub subject: &'a str,
    /// Body.
    pub body: &'a str,
    /// Kind (`activation_code`, …).
    pub kind: &'a str,
    /// The resident it concerns.
    pub nik: Option<&'a str>,
}

/// How a mail leaves the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Kept in the outbox only.
    Outbox,
    /// Also handed to the SMTP relay.
    Smtp,
}

impl Delivery {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Delivery::Outbox => "outbox",
            Delivery::Smtp => "smtp",
        }
    }
}

/// A mail as kept in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutboxEntry {
    /// Sequence number.
    pub id: i64,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Body; empty when the server ran in deployment mode (only development mode keeps bodies).
    pub body: String,
    /// Kind.
    pub kind: String,
    /// Resident's NIK.
    pub nik: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// `outbox` (kept locally) or `smtp` (also handed to the relay).
    pub delivery: String,
}

/// Writes `mail` (inside the caller's transaction).
pub fn insert(
    conn: &Connection,
    mail: NewMail<'_>,
    delivery: Delivery,
    at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO outbox (to_addr, subject, body, kind, nik, created_at, delivery) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![mail.to, mail.subject, mail.body, mail.kind, mail.nik, ts(at), delivery.code()],
    )?;
    Ok(())
}

/// The newest outbox entries, optionally for one address.
pub fn newest(
    conn: &Connection,
    to: Option<&str>,
    limit: u32,
) -> rusqlite::Result<Vec<OutboxEntry>> {
    let mut stmt = conn.prepare(
        "SELECT id, to_addr, subject, body, kind, nik, created_at, delivery FROM outbox
         WHERE ?1 IS NULL OR to_addr = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![to, limit], |r| {
        Ok(OutboxEntry {
            id: r.get(0)?,
            to: r.get(1)?,
            subject: r.get(2)?,
            body: r.get(3)?,
            kind: r.get(4)?,
            nik: r.get(5)?,
            created_at: r.get(6)?,
            delivery: r.get(7)?,
        })
    })?;
    rows.collect()
}

/// Empties the body of every stored mail (deployment mode at start: codes a development session
/// left behind must not stay in the database); returns how many were emptied.
pub fn forget_bodies(conn: &Connection) -> rusqlite::Result<usize> {
    conn.execute("UPDATE outbox SET body = '' WHERE body <> ''", [])
}
