//! Liveness challenges and the server's re-check of the evidence.
//!
//! A challenge is random, single-use, bound to a NIK, a device key and a purpose, and expires
//! after [`CHALLENGE_LIFETIME`]. The evidence is checked with `ikd_liveness::verify_evidence`
//! (the app's own analysis and tracker, re-run on the frames sent); a frame already seen in any
//! earlier evidence is refused as a replay. Frames and the result are kept for the operator.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::Localized;
use ikd_core::Nik;
use ikd_core::credential::DevicePublicKey;
use ikd_core::wire::{LivenessChallengeRequest, LivenessChallengeView, LivenessPurpose};
use ikd_liveness::{
    Action, FaceDetector, LivenessEvidence, MAX_ACTIONS, Rules, VerifiedEvidence,
    challenge_actions, verify_evidence,
};
use rusqlite::{OptionalExtension, Transaction, params};

use super::problem::{ApiError, Problem};
use super::state::{AppState, conflict};
use super::{JsonBody, parse_device_key, ts};

/// How long a challenge may be answered.
pub const CHALLENGE_LIFETIME: TimeDelta = TimeDelta::minutes(5);

/// Challenges one NIK may get per [`CHALLENGE_WINDOW`], unless configured otherwise. Every
/// registration and device change needs one, so this bounds the selfie checks (CPU) and the
/// device-change mails one NIK can cause, whoever asks; a resident retrying honestly needs a few.
pub const DEFAULT_CHALLENGES_PER_NIK: u32 = 10;
/// The window of [`DEFAULT_CHALLENGES_PER_NIK`].
pub const CHALLENGE_WINDOW: TimeDelta = TimeDelta::hours(1);

/// Refuses a challenge when `nik` already got `limit` in the last [`CHALLENGE_WINDOW`]; says when
/// the oldest of them leaves the window.
fn refuse_over_limit(
    conn: &rusqlite::Connection,
    nik: &str,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<(), ApiError> {
    let (count, oldest): (u32, Option<DateTime<Utc>>) = conn.query_row(
        "SELECT count(*), min(issued_at) FROM liveness_challenges WHERE nik = ?1 AND issued_at > ?2",
        params![nik, ts(now - CHALLENGE_WINDOW)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let Some(oldest) = oldest.filter(|_| count >= limit) else {
        return Ok(());
    };
    let secs = (oldest + CHALLENGE_WINDOW - now).num_seconds().max(1);
    let minutes = (secs + 59) / 60;
    Err(ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "liveness_too_many_challenges",
        format!("Terlalu banyak percobaan swafoto untuk NIK ini dalam satu jam. Coba lagi dalam {minutes} menit. Jika ini bukan Anda, hubungi Disdukcapil."),
        format!("Too many selfie attempts for this NIK within an hour. Try again in {minutes} minutes. If this was not you, contact your Disdukcapil office."),
    )
    .retry_after(secs as u64))
}

/// Issues a liveness challenge.
#[utoipa::path(post, path = "/v1/liveness/challenges", tag = "resident", request_body = LivenessChallengeRequest,
    responses(
        (status = 201, description = "A single-use challenge", body = LivenessChallengeView),
        (status = 400, description = "Not a NIK, or not a device key", body = Problem),
        (status = 429, description = "This NIK got its challenges for the hour (`liveness_too_many_challenges`, Retry-After)", body = Problem),
    ))]
pub async fn challenge(
    State(app): State<AppState>,
    JsonBody(req): JsonBody<LivenessChallengeRequest>,
) -> Result<(StatusCode, Json<LivenessChallengeView>), ApiError> {
    let now = app.now();
    let nik = Nik::parse(&req.nik, now.date_naive()).map_err(|e| ApiError::bad_request(&e))?;
    let key = parse_device_key(&req.device_public_key)?;
    let id = super::registration::hex(&app.random::<16>()?);
    let actions = challenge_actions(&app.random::<{ MAX_ACTIONS + 1 }>()?);
    let expires_at = now + CHALLENGE_LIFETIME;
    let codes: Vec<&str> = actions.iter().map(|a| a.code()).collect();
    let purpose = req.purpose;
    let limit = app.challenges_per_nik();
    app.db(move |store| {
        let conn = store.connection();
        refuse_over_limit(conn, nik.as_str(), now, limit)?;
        conn.execute(
            "DELETE FROM liveness_challenges WHERE expires_at < ?1 AND used_at IS NULL",
            params![ts(now - TimeDelta::days(1))],
        )?;
        conn.execute(
            "INSERT INTO liveness_challenges (id, nik, device_key, purpose, actions, issued_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, nik.as_str(), key.to_base64url(), purpose.code(), codes.join(","), ts(now), ts(expires_at)],
        )?;
        Ok((
            StatusCode::CREATED,
            Json(LivenessChallengeView {
                challenge_id: id,
                actions,
                expires_at,
                limit_secs: Rules::default().total_ms / 1000,
            }),
        ))
    })
    .await
}

/// A challenge as stored.
struct StoredChallenge {
    nik: String,
    device_key: String,
    purpose: String,
    actions: String,
    expires_at: DateTime<Utc>,
    used_at: Option<String>,
}

fn liveness_error(status: StatusCode, code: &'static str, id: &str, en: &str) -> ApiError {
    ApiError::new(status, code, id, en)
}

/// Checks `evidence` for `nik`, `device_key` and `purpose`: the challenge, then the analysis
/// (off the async threads). The challenge is spent whatever the outcome. On success the caller
/// stores the frames with [`store_frames`] in its own transaction.
pub async fn check(
    app: &AppState,
    evidence: Option<LivenessEvidence>,
    nik: &Nik,
    device_key: &DevicePublicKey,
    purpose: LivenessPurpose,
) -> Result<(LivenessEvidence, VerifiedEvidence), ApiError> {
    let evidence = evidence.ok_or_else(|| {
        liveness_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "liveness_required",
            "Swafoto bergerak wajah diperlukan. Perbarui aplikasi lalu ulangi.",
            "The moving-face selfie is required. Update the app and try again.",
        )
    })?;
    let now = app.now();
    let id = evidence.challenge_id.to_ascii_lowercase();
    let (nik_s, key_s) = (nik.as_str().to_owned(), device_key.to_base64url());
    let actions: Vec<Action> = app
        .db(move |store| {
            let tx = store.connection_mut().transaction()?;
            let stored: Option<StoredChallenge> = tx
                .query_row(
                    "SELECT nik, device_key, purpose, actions, expires_at, used_at FROM liveness_challenges WHERE id = ?1",
                    params![id],
                    |r| {
                        Ok(StoredChallenge {
                            nik: r.get(0)?,
                            device_key: r.get(1)?,
                            purpose: r.get(2)?,
                            actions: r.get(3)?,
                            expires_at: r.get(4)?,
                            used_at: r.get(5)?,
                        })
                    },
                )
                .optional()?;
            let c = stored
                .filter(|c| c.nik == nik_s && c.device_key == key_s && c.purpose == purpose.code())
                .ok_or_else(|| liveness_error(StatusCode::UNPROCESSABLE_ENTITY, "liveness_challenge_unknown",
                    "Tantangan swafoto tidak dikenal untuk NIK dan perangkat ini. Ulangi swafoto.",
                    "The selfie challenge is not known for this NIK and device. Take the selfie again."))?;
            if c.used_at.is_some() {
                return Err(conflict("liveness_challenge_used",
                    "Tantangan swafoto ini sudah dipakai. Ulangi swafoto.",
                    "This selfie challenge was already used. Take the selfie again."));
            }
            if now > c.expires_at {
                return Err(liveness_error(StatusCode::GONE, "liveness_challenge_expired",
                    "Waktu swafoto habis (berlaku 5 menit). Ulangi swafoto.",
                    "The selfie challenge expired (valid for 5 minutes). Take the selfie again."));
            }
            tx.execute("UPDATE liveness_challenges SET used_at = ?2 WHERE id = ?1", params![id, ts(now)])?;
            tx.commit()?;
            Ok(c.actions.split(',').filter_map(Action::from_code).collect())
        })
        .await?;
    let nik_s = nik.as_str().to_owned();
    let key = *device_key;
    let (evidence, verdict) = tokio::task::spawn_blocking(move || {
        let verdict = verify_evidence(
            &evidence,
            &actions,
            &nik_s,
            &key,
            &FaceDetector::default(),
            &Rules::default(),
        );
        (evidence, verdict)
    })
    .await
    .map_err(|e| ApiError::internal(&e))?;
    let id = evidence.challenge_id.to_ascii_lowercase();
    match verdict {
        Ok(verified) => Ok((evidence, verified)),
        Err(failure) => {
            let detail = failure.code();
            app.db(move |store| {
                store.connection().execute(
                    "UPDATE liveness_challenges SET result = ?2 WHERE id = ?1",
                    params![id, detail],
                )?;
                Ok(())
            })
            .await?;
            Err(ApiError::localized(
                StatusCode::UNPROCESSABLE_ENTITY,
                &failure,
            ))
        }
    }
}

/// Refuses evidence holding a frame seen before (in any earlier evidence): a replay. Callers
/// check this before any other decision, so a replay is named as such whatever else is wrong.
pub fn refuse_replay(
    conn: &rusqlite::Connection,
    verified: &VerifiedEvidence,
) -> Result<(), ApiError> {
    for f in &verified.frames {
        let seen: Option<String> = conn
            .query_row(
                "SELECT challenge_id FROM liveness_frames WHERE sha256 = ?1",
                params![f.sha256.to_vec()],
                |r| r.get(0),
            )
            .optional()?;
        if seen.is_some() {
            return Err(conflict(
                "liveness_evidence_replayed",
                "Foto swafoto ini pernah dikirim sebelumnya. Ulangi swafoto dengan kamera.",
                "These selfie photos were sent before. Take the selfie again with the camera.",
            ));
        }
    }
    Ok(())
}

/// Stores the frames of passed evidence inside the caller's transaction (after
/// [`refuse_replay`] in the same transaction).
pub fn store_frames(
    tx: &Transaction<'_>,
    challenge_id: &str,
    verified: &VerifiedEvidence,
) -> Result<(), ApiError> {
    let id = challenge_id.to_ascii_lowercase();
    for (i, f) in verified.frames.iter().enumerate() {
        tx.execute(
            "INSERT INTO liveness_frames (challenge_id, idx, t_ms, jpeg, sha256, x, y, w, h)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                id,
                i as i64,
                f.t_ms,
                f.jpeg,
                f.sha256.to_vec(),
                f.face.x,
                f.face.y,
                f.face.w,
                f.face.h
            ],
        )?;
    }
    tx.execute(
        "UPDATE liveness_challenges SET result = 'passed', duration_ms = ?2 WHERE id = ?1",
        params![id, verified.duration_ms],
    )?;
    Ok(())
}

/// One stored frame (the operator console shows them).
pub fn frame(
    conn: &rusqlite::Connection,
    challenge_id: &str,
    idx: i64,
) -> rusqlite::Result<Option<Vec<u8>>> {
    conn.query_row(
        "SELECT jpeg FROM liveness_frames WHERE challenge_id = ?1 AND idx = ?2",
        params![challenge_id, idx],
        |r| r.get(0),
    )
    .optional()
}
