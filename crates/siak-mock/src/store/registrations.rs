//! Registrations: what a resident submitted, where it stands, the operators' queue and their
//! decisions.

use chrono::{DateTime, Utc};
use ikd_core::registration::RegistrationState;
use ikd_core::{ChallengeId, Localized, RegistrationId};
use rusqlite::{Connection, OptionalExtension, params};

use super::{parsed, ts};

/// A registration as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Id.
    pub id: RegistrationId,
    /// NIK.
    pub nik: String,
    /// Email given.
    pub email: String,
    /// Phone given (E.164).
    pub phone: String,
    /// Device key (base64url).
    pub device_key: String,
    /// Where it stands.
    pub state: RegistrationState,
    /// When it was submitted.
    pub created_at: DateTime<Utc>,
}

/// A new registration.
#[derive(Debug, Clone, Copy)]
pub struct NewRegistration<'a> {
    /// Id (32 hex digits).
    pub id: &'a str,
    /// NIK.
    pub nik: &'a str,
    /// Email.
    pub email: &'a str,
    /// Phone (E.164).
    pub phone: &'a str,
    /// Device key (base64url).
    pub device_key: &'a str,
    /// The liveness challenge whose evidence came with it.
    pub liveness: &'a str,
    /// State after the central checks.
    pub state: RegistrationState,
    /// Now.
    pub created_at: DateTime<Utc>,
}

/// A registration waiting for its operator: id and submission time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// Id.
    pub id: RegistrationId,
    /// When it was submitted.
    pub created_at: DateTime<Utc>,
}

/// A queue entry: the registration, the register's data and its liveness check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    /// The registration: id and submission time.
    pub pending: Pending,
    /// Where it stands.
    pub state: RegistrationState,
    /// NIK.
    pub nik: String,
    /// Name in the register ("" when not found).
    pub name: String,
    /// Regency of the family card ("" when not found).
    pub regency: String,
    /// Email given.
    pub email: String,
    /// Phone given.
    pub phone: String,
    /// The liveness check, when one came with it.
    pub liveness: Option<LivenessRow>,
}

/// The liveness check of a queue entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LivenessRow {
    /// Challenge id.
    pub challenge_id: ChallengeId,
    /// Action codes asked, in order.
    pub actions: Vec<String>,
    /// `passed` or the failure code ("" when none recorded).
    pub result: String,
    /// Duration of the evidence (0 when none recorded).
    pub duration_ms: u32,
    /// Frames kept.
    pub frames: u32,
}

/// The `state` and `reason` columns of a state.
fn columns(state: RegistrationState) -> (&'static str, Option<&'static str>) {
    match state {
        RegistrationState::Rejected(r) => ("rejected", Some(r.code())),
        s => (s.code(), None),
    }
}

/// Reads the stored `state` and `reason` columns (at `idx`, `idx + 1`) back into the core's type
/// with the core's own parser: a value this version does not know is a conversion error, never a
/// default.
fn stored_state(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<RegistrationState> {
    let state: String = row.get(idx)?;
    let reason: Option<String> = row.get(idx + 1)?;
    RegistrationState::from_codes(&state, reason.as_deref()).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// The registration `id`.
pub fn get(conn: &Connection, id: &RegistrationId) -> rusqlite::Result<Option<Registration>> {
    conn.query_row(
        "SELECT id, nik, email, phone, device_key, state, reason, created_at FROM registrations WHERE id = ?1",
        params![id.to_string()],
        |r| {
            Ok(Registration {
                id: parsed(r, 0)?,
                nik: r.get(1)?,
                email: r.get(2)?,
                phone: r.get(3)?,
                device_key: r.get(4)?,
                state: stored_state(r, 5)?,
                created_at: r.get(7)?,
            })
        },
    )
    .optional()
}

/// Writes a new registration; a rejected one is decided at once.
pub fn insert(conn: &Connection, new: NewRegistration<'_>) -> rusqlite::Result<()> {
    let (state, reason) = columns(new.state);
    conn.execute(
        "INSERT INTO registrations (id, nik, email, phone, device_key, liveness, state, reason, created_at, decided_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, CASE WHEN ?7 = 'rejected' THEN ?9 END)",
        params![new.id, new.nik, new.email, new.phone, new.device_key, new.liveness, state, reason, ts(new.created_at)],
    )?;
    Ok(())
}

/// Whether a registration of `nik` came with the evidence of `challenge` (any failure: no).
pub fn came_with_liveness(conn: &Connection, challenge: &str, nik: &str) -> bool {
    conn.query_row(
        "SELECT 1 FROM registrations WHERE liveness = ?1 AND nik = ?2",
        params![challenge, nik],
        |_| Ok(()),
    )
    .is_ok()
}

/// The registration of `nik` from `device_key` still waiting for its operator.
pub fn pending_for(
    conn: &Connection,
    nik: &str,
    device_key: &str,
) -> rusqlite::Result<Option<Pending>> {
    conn.query_row(
        "SELECT id, created_at FROM registrations
         WHERE nik = ?1 AND device_key = ?2 AND state = 'awaiting_operator_scan'",
        params![nik, device_key],
        |row| {
            Ok(Pending {
                id: parsed(row, 0)?,
                created_at: row.get(1)?,
            })
        },
    )
    .optional()
}

/// Whether any registration of `nik` waits for its operator.
pub fn has_pending(conn: &Connection, nik: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM registrations WHERE nik = ?1 AND state = 'awaiting_operator_scan')",
        params![nik],
        |row| row.get(0),
    )
}

/// Whether a live registration (pending, approved or activated) of a resident outside family
/// card `kk` gave `phone`.
pub fn phone_used_outside_family(
    conn: &Connection,
    phone: &str,
    kk: &str,
) -> rusqlite::Result<bool> {
    let other: Option<String> = conn
        .query_row(
            "SELECT r.nik FROM registrations r JOIN residents p ON p.nik = r.nik
             WHERE r.phone = ?1 AND r.state IN ('awaiting_operator_scan', 'approved', 'activated')
               AND p.kk <> ?2 LIMIT 1",
            params![phone, kk],
            |row| row.get(0),
        )
        .optional()?;
    Ok(other.is_some())
}

/// Records an operator's decision: the new state, the note, who and when.
pub fn decide(
    conn: &Connection,
    id: &RegistrationId,
    state: RegistrationState,
    note: Option<&str>,
    operator: &str,
    at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    let (state, reason) = columns(state);
    conn.execute(
        "UPDATE registrations SET state = ?2, reason = ?3, note = ?4, decided_by = ?5, decided_at = ?6 WHERE id = ?1",
        params![id.to_string(), state, reason, note, operator, ts(at)],
    )?;
    Ok(())
}

/// A registration that expired: who to tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expired {
    /// Id.
    pub id: RegistrationId,
    /// NIK.
    pub nik: String,
    /// Email given.
    pub email: String,
}

/// Marks every registration still waiting for its operator that was submitted before `cutoff`
/// expired (decided at `now`, so its frames follow the retention), and answers them.
pub fn expire_pending(
    conn: &Connection,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
) -> rusqlite::Result<Vec<Expired>> {
    let mut stmt = conn.prepare(
        "UPDATE registrations SET state = 'expired', decided_at = ?2
         WHERE state = 'awaiting_operator_scan' AND created_at < ?1
         RETURNING id, nik, email",
    )?;
    let rows = stmt.query_map(params![ts(cutoff), ts(now)], |r| {
        Ok(Expired {
            id: parsed(r, 0)?,
            nik: r.get(1)?,
            email: r.get(2)?,
        })
    })?;
    rows.collect()
}

/// Marks an approved registration activated.
pub fn mark_activated(conn: &Connection, id: &RegistrationId) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE registrations SET state = 'activated' WHERE id = ?1",
        params![id.to_string()],
    )?;
    Ok(())
}

/// Which registrations a queue page lists.
#[derive(Debug, Clone)]
pub struct QueueFilter {
    /// The stored state (`awaiting_operator_scan`, `approved`, `activated`, `rejected`, …).
    pub state: String,
    /// Only NIKs of this regency (`PPRR`); `None`: every regency.
    pub region: Option<String>,
    /// Oldest first (the waiting queue) or newest first.
    pub oldest_first: bool,
    /// Continue past this `(created_at, id)` in the page's order.
    pub cursor: Option<(DateTime<Utc>, String)>,
    /// At most this many rows.
    pub limit: u32,
}

/// One page of the queue: registrations in one state (and regency), by submission time then id.
pub fn queue(conn: &Connection, filter: &QueueFilter) -> rusqlite::Result<Vec<QueueRow>> {
    let (order, past) = if filter.oldest_first {
        ("ASC", ">")
    } else {
        ("DESC", "<")
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT g.id, g.created_at, g.nik, COALESCE(r.full_name, ''), COALESCE(f.regency, ''), g.email, g.phone,
                c.id, c.actions, c.result, c.duration_ms, (SELECT count(*) FROM liveness_frames lf WHERE lf.challenge_id = c.id),
                g.state, g.reason
         FROM registrations g LEFT JOIN residents r ON r.nik = g.nik LEFT JOIN family_cards f ON f.kk = r.kk
         LEFT JOIN liveness_challenges c ON c.id = g.liveness
         WHERE g.state = ?1 AND (?2 IS NULL OR substr(g.nik, 1, 4) = ?2)
           AND (?3 IS NULL OR (g.created_at, g.id) {past} (?3, ?4))
         ORDER BY g.created_at {order}, g.id {order} LIMIT ?5"
    ))?;
    let (cursor_at, cursor_id) = match &filter.cursor {
        Some((at, id)) => (Some(ts(*at)), Some(id.as_str())),
        None => (None, None),
    };
    let rows = stmt.query_map(
        params![
            filter.state,
            filter.region,
            cursor_at,
            cursor_id,
            filter.limit
        ],
        |r| {
            Ok(QueueRow {
                pending: Pending {
                    id: parsed(r, 0)?,
                    created_at: r.get(1)?,
                },
                state: stored_state(r, 12)?,
                nik: r.get(2)?,
                name: r.get(3)?,
                regency: r.get(4)?,
                email: r.get(5)?,
                phone: r.get(6)?,
                liveness: match r.get::<_, Option<String>>(7)? {
                    Some(_) => Some(LivenessRow {
                        challenge_id: parsed(r, 7)?,
                        actions: r
                            .get::<_, String>(8)?
                            .split(',')
                            .map(str::to_owned)
                            .collect(),
                        result: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
                        duration_ms: r.get::<_, Option<u32>>(10)?.unwrap_or_default(),
                        frames: r.get(11)?,
                    }),
                    None => None,
                },
            })
        },
    )?;
    rows.collect()
}
