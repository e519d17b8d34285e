//! Liveness challenges, the frames of the evidence that passed (with their SHA-256 and perceptual
//! hash, for the replay check), and the deletion of the pictures past their retention. Challenges and frames are plain rows here: what an action or a face box
//! means is the liveness analysis's business, not the store's.

use chrono::{DateTime, TimeDelta, Utc};
use rusqlite::{Connection, OptionalExtension, named_params, params};

use super::ts;

/// A new challenge.
#[derive(Debug, Clone, Copy)]
pub struct NewChallenge<'a> {
    /// Id (32 hex digits).
    pub id: &'a str,
    /// NIK.
    pub nik: &'a str,
    /// Device key (base64url).
    pub device_key: &'a str,
    /// Purpose code (`register`, `recover`).
    pub purpose: &'a str,
    /// Action codes, in order.
    pub actions: &'a [&'a str],
    /// Now.
    pub issued_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A challenge as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// NIK.
    pub nik: String,
    /// Device key (base64url).
    pub device_key: String,
    /// Purpose code.
    pub purpose: String,
    /// Action codes, in order.
    pub actions: Vec<String>,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// Spent by evidence already.
    pub used: bool,
}

/// The challenges `nik` got since `since`: how many, and when the oldest was issued.
pub fn issued_since(
    conn: &Connection,
    nik: &str,
    since: DateTime<Utc>,
) -> rusqlite::Result<(u32, Option<DateTime<Utc>>)> {
    conn.query_row(
        "SELECT count(*), min(issued_at) FROM liveness_challenges WHERE nik = ?1 AND issued_at > ?2",
        params![nik, ts(since)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Deletes the unused challenges that expired before `before`, then stores `c`.
pub fn add_challenge(
    conn: &Connection,
    c: NewChallenge<'_>,
    before: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM liveness_challenges WHERE expires_at < ?1 AND used_at IS NULL",
        params![ts(before)],
    )?;
    conn.execute(
        "INSERT INTO liveness_challenges (id, nik, device_key, purpose, actions, issued_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![c.id, c.nik, c.device_key, c.purpose, c.actions.join(","), ts(c.issued_at), ts(c.expires_at)],
    )?;
    Ok(())
}

/// The challenge `id`.
pub fn challenge(conn: &Connection, id: &str) -> rusqlite::Result<Option<Challenge>> {
    conn.query_row(
        "SELECT nik, device_key, purpose, actions, expires_at, used_at, issued_at FROM liveness_challenges WHERE id = ?1",
        params![id],
        |r| {
            Ok(Challenge {
                nik: r.get(0)?,
                device_key: r.get(1)?,
                purpose: r.get(2)?,
                actions: r.get::<_, String>(3)?.split(',').map(str::to_owned).collect(),
                expires_at: r.get(4)?,
                used: r.get::<_, Option<String>>(5)?.is_some(),
                issued_at: r.get(6)?,
            })
        },
    )
    .optional()
}

/// Spends challenge `id`.
pub fn mark_used(conn: &Connection, id: &str, at: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE liveness_challenges SET used_at = ?2 WHERE id = ?1",
        params![id, ts(at)],
    )?;
    Ok(())
}

/// Records why the evidence of challenge `id` failed.
pub fn record_failure(conn: &Connection, id: &str, code: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE liveness_challenges SET result = ?2 WHERE id = ?1",
        params![id, code],
    )?;
    Ok(())
}

/// Whether a frame with this SHA-256 was stored before.
pub fn frame_seen(conn: &Connection, sha256: &[u8]) -> rusqlite::Result<bool> {
    let seen: Option<String> = conn
        .query_row(
            "SELECT challenge_id FROM liveness_frames WHERE sha256 = ?1",
            params![sha256],
            |r| r.get(0),
        )
        .optional()?;
    Ok(seen.is_some())
}

/// The perceptual hashes (with their challenge) of the stored frames whose face box is near
/// `face` (left, top, width, height): width within a quarter of it, left and top within a
/// quarter of the width. The candidates of the perceptual replay check; the caller compares the
/// hashes.
pub fn hashes_near(
    conn: &Connection,
    face: (i32, i32, u32, u32),
    other_than_nik: &str,
) -> rusqlite::Result<Vec<(String, Vec<u8>)>> {
    let (x, y, w, _) = face;
    let (w, slack) = (i64::from(w), i64::from(w / 4));
    let mut stmt = conn.prepare_cached(
        "SELECT challenge_id, phash FROM liveness_frames INDEXED BY liveness_frames_by_face
         WHERE phash IS NOT NULL AND w BETWEEN ?1 AND ?2 AND x BETWEEN ?3 AND ?4 AND y BETWEEN ?5 AND ?6
           AND challenge_id NOT IN (SELECT id FROM liveness_challenges WHERE nik = ?7)",
    )?;
    let rows = stmt.query_map(
        params![
            w - slack,
            w + slack,
            i64::from(x) - slack,
            i64::from(x) + slack,
            i64::from(y) - slack,
            i64::from(y) + slack,
            other_than_nik
        ],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    rows.collect()
}

/// One frame of passed evidence.
#[derive(Debug, Clone, Copy)]
pub struct FrameRow<'a> {
    /// Milliseconds since the capture started.
    pub t_ms: u32,
    /// The JPEG.
    pub jpeg: &'a [u8],
    /// Its SHA-256.
    pub sha256: &'a [u8],
    /// Its perceptual hash (stored form).
    pub phash: &'a [u8],
    /// Face box: left, top, width, height.
    pub face: (i32, i32, u32, u32),
}

/// Stores the frames of passed evidence (in order) and marks challenge `id` passed.
pub fn store_passed<'a>(
    conn: &Connection,
    id: &str,
    frames: impl IntoIterator<Item = FrameRow<'a>>,
    duration_ms: u32,
) -> rusqlite::Result<()> {
    for (i, f) in frames.into_iter().enumerate() {
        let (x, y, w, h) = f.face;
        conn.execute(
            "INSERT INTO liveness_frames (challenge_id, idx, t_ms, jpeg, sha256, x, y, w, h, phash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![id, i as i64, f.t_ms, f.jpeg, f.sha256, x, y, w, h, f.phash],
        )?;
    }
    conn.execute(
        "UPDATE liveness_challenges SET result = 'passed', duration_ms = ?2 WHERE id = ?1",
        params![id, duration_ms],
    )?;
    Ok(())
}

/// One stored frame's picture (empty once deleted).
pub fn frame(conn: &Connection, challenge_id: &str, idx: i64) -> rusqlite::Result<Option<Vec<u8>>> {
    conn.query_row(
        "SELECT jpeg FROM liveness_frames WHERE challenge_id = ?1 AND idx = ?2",
        params![challenge_id, idx],
        |r| r.get(0),
    )
    .optional()
}

/// The NIK a liveness challenge was issued for (whose frames an operator may see only within
/// their office's scope).
pub fn challenge_nik(conn: &Connection, challenge_id: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT nik FROM liveness_challenges WHERE id = ?1",
        params![challenge_id],
        |r| r.get(0),
    )
    .optional()
}

/// Deletes the pictures of the frames whose case ended more than `retention` before `now`;
/// answers how many pictures were deleted. Idempotent. See `api::retention` for when a case ends.
pub fn purge_frames(
    conn: &Connection,
    now: DateTime<Utc>,
    retention: TimeDelta,
) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE liveness_frames SET jpeg = x''
         WHERE length(jpeg) > 0 AND challenge_id IN (
             SELECT c.id FROM liveness_challenges c
             WHERE c.used_at < :cutoff
               AND NOT EXISTS (SELECT 1 FROM registrations g WHERE g.liveness = c.id
                                 AND (g.decided_at IS NULL OR g.decided_at >= :cutoff))
               AND NOT EXISTS (SELECT 1 FROM recoveries v WHERE v.challenge_id = c.id
                                 AND (v.state = 'waiting'
                                      OR COALESCE(v.ended_at, v.used_at, v.burnt_at, v.expires_at) >= :cutoff)))",
        named_params! { ":cutoff": ts(now - retention) },
    )
}
