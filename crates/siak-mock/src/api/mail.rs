//! Mail to residents: activation codes, rejection reasons, device-release notices.
//!
//! Every mail is written to the `outbox` table in the same transaction as the change it reports,
//! so a mail is never lost and never sent for a change that was rolled back. When SMTP is
//! configured, the mail is then delivered through `lettre` after the commit; without SMTP the
//! outbox is the only copy (read it with `GET /dev/outbox` or `siak-mock outbox`).

use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::ts;

/// How to reach the SMTP relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// Host name or address.
    pub host: String,
    /// Port (25, 587, 465, or a test server's).
    pub port: u16,
    /// Transport security.
    pub security: SmtpSecurity,
    /// User name and password, when the relay needs them.
    pub credentials: Option<(String, String)>,
    /// The From address.
    pub from: String,
}

/// SMTP transport security.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SmtpSecurity {
    /// Plain SMTP (local relays and test servers only).
    None,
    /// STARTTLS on a plain connection (port 587).
    Starttls,
    /// TLS from the start (port 465).
    Tls,
}

/// One mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body (Bahasa Indonesia first, then English).
    pub body: String,
    /// What it is: `activation_code`, `registration_rejected`, `device_released`.
    pub kind: String,
    /// The resident it concerns.
    pub nik: Option<String>,
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
    /// Body.
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

/// Sends mail through SMTP when configured; the outbox always keeps a copy.
#[derive(Debug, Clone)]
pub struct Mailer {
    smtp: Option<SmtpConfig>,
}

impl Mailer {
    /// A mailer; `None` keeps mail in the outbox only.
    pub fn new(smtp: Option<SmtpConfig>) -> Self {
        Mailer { smtp }
    }

    /// Records `mail` in the outbox inside the caller's transaction.
    pub fn record(
        &self,
        conn: &rusqlite::Connection,
        mail: &Mail,
        now: DateTime<Utc>,
    ) -> rusqlite::Result<()> {
        let delivery = if self.smtp.is_some() {
            "smtp"
        } else {
            "outbox"
        };
        conn.execute(
            "INSERT INTO outbox (to_addr, subject, body, kind, nik, created_at, delivery) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![mail.to, mail.subject, mail.body, mail.kind, mail.nik, ts(now), delivery],
        )?;
        Ok(())
    }

    /// Delivers `mail` over SMTP after the transaction that recorded it committed. Failures are
    /// logged (the outbox keeps the mail); they never undo the change the mail reports.
    pub async fn deliver(&self, mail: Mail) {
        let Some(smtp) = &self.smtp else { return };
        if let Err(e) = send(smtp, &mail).await {
            tracing::warn!(to = %mail.to, kind = %mail.kind, error = %e, "SMTP delivery failed; the mail stays in the outbox");
        } else {
            tracing::info!(to = %mail.to, kind = %mail.kind, "mail delivered over SMTP");
        }
    }
}

async fn send(smtp: &SmtpConfig, mail: &Mail) -> anyhow::Result<()> {
    let message = Message::builder()
        .from(smtp.from.parse::<Mailbox>()?)
        .to(mail.to.parse::<Mailbox>()?)
        .subject(&mail.subject)
        .body(mail.body.clone())?;
    let mut builder = match smtp.security {
        SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?,
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
    }
    .port(smtp.port)
    .timeout(Some(std::time::Duration::from_secs(20)));
    if let Some((user, password)) = &smtp.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    builder.build().send(message).await?;
    Ok(())
}

/// The newest outbox entries, optionally for one address.
pub fn outbox(
    conn: &rusqlite::Connection,
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
