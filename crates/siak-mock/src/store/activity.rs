//! A resident's activity history (Histori Aktivitas): what happened to their Digital KTP. The
//! kinds are the core's [`ActivityKind`], stored as their codes.

use chrono::{DateTime, Utc};
use ikd_core::credential::Profile;
use ikd_core::wire::ActivityEntry;
use rusqlite::{Connection, params};

use super::{parsed, ts};

pub use ikd_core::activity::ActivityKind;

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
        let profile = match r.get::<_, Option<String>>(2)? {
            Some(_) => Some(parsed::<Profile>(r, 2)?),
            None => None,
        };
        Ok(ActivityEntry {
            at: r.get(0)?,
            kind: parsed(r, 1)?,
            profile,
            verifier: r.get(3)?,
            detail: r.get(4)?,
        })
    })?;
    rows.collect()
}
