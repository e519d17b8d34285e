//! A resident's activity history (Histori Aktivitas): what happened to their Digital KTP.

use chrono::{DateTime, Utc};
use ikd_core::wire::ActivityEntry;
use rusqlite::{Connection, params};

use super::ts;

/// What happened, as stored in `activity_log.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityKind {
    /// A registration passed the central checks.
    Registered,
    /// A registration was rejected (central checks or operator).
    RegistrationRejected,
    /// An operator approved a registration.
    RegistrationApproved,
    /// The account was activated on a device.
    Activated,
    /// A login.
    Login,
    /// A wrong PIN.
    PinWrong,
    /// The PIN was changed.
    PinChanged,
    /// The device was released.
    DeviceReleased,
    /// A device change was started (code mailed).
    DeviceChangeStarted,
    /// The account moved to a new device.
    DeviceChanged,
    /// A verifier checked a presentation online.
    Verified,
}

impl ActivityKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            ActivityKind::Registered => "registered",
            ActivityKind::RegistrationRejected => "registration_rejected",
            ActivityKind::RegistrationApproved => "registration_approved",
            ActivityKind::Activated => "activated",
            ActivityKind::Login => "login",
            ActivityKind::PinWrong => "pin_wrong",
            ActivityKind::PinChanged => "pin_changed",
            ActivityKind::DeviceReleased => "device_released",
            ActivityKind::DeviceChangeStarted => "device_change_started",
            ActivityKind::DeviceChanged => "device_changed",
            ActivityKind::Verified => "verified",
        }
    }
}

/// The optional columns of an entry.
#[derive(Debug, Clone, Copy, Default)]
pub struct Detail<'a> {
    /// Profile shown (verifications).
    pub profile: Option<&'a str>,
    /// Who verified or decided.
    pub verifier: Option<&'a str>,
    /// Extra detail (a reason code).
    pub detail: Option<&'a str>,
}

/// Appends an entry without details.
pub fn log(
    conn: &Connection,
    nik: &str,
    at: DateTime<Utc>,
    kind: ActivityKind,
) -> rusqlite::Result<()> {
    log_with(conn, nik, at, kind, Detail::default())
}

/// Appends an entry.
pub fn log_with(
    conn: &Connection,
    nik: &str,
    at: DateTime<Utc>,
    kind: ActivityKind,
    d: Detail<'_>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO activity_log (nik, at, kind, profile, verifier, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![nik, ts(at), kind.code(), d.profile, d.verifier, d.detail],
    )?;
    Ok(())
}

/// The newest `limit` entries of `nik`, newest first.
pub fn history(conn: &Connection, nik: &str, limit: u32) -> rusqlite::Result<Vec<ActivityEntry>> {
    let mut stmt = conn.prepare(
        "SELECT at, kind, profile, verifier, detail FROM activity_log WHERE nik = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![nik, limit], |r| {
        Ok(ActivityEntry {
            at: r.get(0)?,
            kind: r.get(1)?,
            profile: r.get(2)?,
            verifier: r.get(3)?,
            detail: r.get(4)?,
        })
    })?;
    rows.collect()
}
