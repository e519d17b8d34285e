//! Liveness challenges and the server's re-check of the evidence.
//!
//! A challenge is random, single-use, bound to a NIK, a device key and a purpose, and expires
//! after [`CHALLENGE_LIFETIME`]. The evidence is checked with `ikd_liveness::verify_evidence`
//! (the app's own analysis and tracker, re-run on the frames sent), after the cheap checks (the
//! challenge, the frame times, a frame whose bytes were seen in any earlier evidence is a replay),
//! so a refused request costs no analysis and stores no frame. After the analysis, evidence whose
//! pictures are those of an earlier selfie encoded again (perceptual hashes) is a replay too.
//! Frames and the result of evidence that passed are kept for the operator.

use std::collections::{HashMap, HashSet};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::ChallengeId;
use ikd_core::Localized;
use ikd_core::Nik;
use ikd_core::credential::DevicePublicKey;
use ikd_core::wire::{LivenessChallengeRequest, LivenessChallengeView, LivenessPurpose};
use ikd_liveness::{
    Action, FaceDetector, LivenessEvidence, MAX_ACTIONS, PerceptualHash, Rules, VerifiedEvidence,
    challenge_actions, is_replay, verify_evidence,
};

use super::problem::{ApiError, Problem};
use super::request::{JsonBody, parse_device_key};
use super::state::{AppState, conflict};
use crate::store::liveness::{self as stored, FrameRow, NewChallenge};

/// Evidence that passed the server's re-check, as [`check`] returns it.
pub type Passed = VerifiedEvidence;

/// How long a challenge may be answered.
pub const CHALLENGE_LIFETIME: TimeDelta = TimeDelta::minutes(5);

/// The window of [`super::state::DEFAULT_CHALLENGES_PER_NIK`].
pub const CHALLENGE_WINDOW: TimeDelta = TimeDelta::hours(1);

/// Refuses a challenge when `nik` already got `limit` in the last [`CHALLENGE_WINDOW`]; says when
/// the oldest of them leaves the window.
fn refuse_over_limit(
    conn: &rusqlite::Connection,
    nik: &str,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<(), ApiError> {
    let (count, oldest) = stored::issued_since(conn, nik, now - CHALLENGE_WINDOW)?;
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
    let id = ChallengeId::from_bytes(app.random::<16>()?);
    let actions = challenge_actions(&app.random::<{ MAX_ACTIONS + 1 }>()?);
    let expires_at = now + CHALLENGE_LIFETIME;
    let codes: Vec<&str> = actions.iter().map(|a| a.code()).collect();
    let purpose = req.purpose;
    let limit = app.challenges_per_nik();
    app.db(move |store| {
        let conn = store.connection();
        refuse_over_limit(conn, nik.as_str(), now, limit)?;
        let key = key.to_base64url();
        let stored_id = id.to_string();
        let new = NewChallenge {
            id: &stored_id,
            nik: nik.as_str(),
            device_key: &key,
            purpose: purpose.code(),
            actions: &codes,
            issued_at: now,
            expires_at,
        };
        stored::add_challenge(conn, new, now - TimeDelta::days(1))?;
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

fn liveness_error(status: StatusCode, code: &'static str, id: &str, en: &str) -> ApiError {
    ApiError::new(status, code, id, en)
}

/// The challenge `evidence` answers; a malformed id is answered as an unknown challenge.
pub fn challenge_id(evidence: &LivenessEvidence) -> Result<ChallengeId, ApiError> {
    evidence
        .challenge_id
        .parse()
        .map_err(|_| unknown_challenge())
}

fn unknown_challenge() -> ApiError {
    liveness_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "liveness_challenge_unknown",
        "Tantangan swafoto tidak dikenal untuk NIK dan perangkat ini. Ulangi swafoto.",
        "The selfie challenge is not known for this NIK and device. Take the selfie again.",
    )
}

/// How far the last frame's time (milliseconds since the capture started) may exceed the time
/// between the challenge's issue and the submission: the server's clock counts whole seconds.
pub const FRAME_TIME_ALLOWANCE: TimeDelta = TimeDelta::seconds(2);

/// Refuses evidence whose frames claim more time (`last_ms`, the last frame's) than has passed
/// since the challenge was issued (`liveness_frame_times_invalid`): such frames were recorded
/// before the challenge existed.
fn refuse_impossible_frame_times(
    last_ms: i64,
    issued_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let elapsed = now.signed_duration_since(issued_at) + FRAME_TIME_ALLOWANCE;
    if last_ms > elapsed.num_milliseconds() {
        return Err(liveness_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            FRAME_TIMES_INVALID,
            "Waktu foto swafoto tidak sesuai dengan waktu tantangan. Ulangi swafoto.",
            "The selfie's frame times do not fit the challenge's time. Take the selfie again.",
        ));
    }
    Ok(())
}

/// The problem code of [`refuse_impossible_frame_times`].
const FRAME_TIMES_INVALID: &str = "liveness_frame_times_invalid";
/// The problem code of [`refuse_replay`].
const REPLAYED: &str = "liveness_evidence_replayed";

/// Checks `evidence` for `nik`, `device_key` and `purpose`, cheapest first: the challenge (for
/// this NIK, key and purpose, unspent, not expired; spent from here on whatever the outcome), the
/// frame times, a replay of frames seen before — and only then the analysis (in
/// [`AppState::cpu`], off the store). Evidence refused before the analysis is never analysed and
/// its frames are never stored. Callers run their own cheap checks (the NIK's central status)
/// before this. On success the caller stores the frames with [`store_frames`] in its own
/// transaction, after [`refuse_replay`] again there (another request may have sent them since).
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
    let answer = Answer {
        challenge: challenge_id(&evidence)?.to_string(),
        nik: nik.as_str().to_owned(),
        device_key: device_key.to_base64url(),
        purpose,
        last_ms: evidence.frames.last().map_or(0, |f| i64::from(f.t_ms)),
        sent: SentFrames::of(&evidence),
    };
    let actions = app.db(move |store| admit(store, &answer, now)).await?;
    let nik_s = nik.as_str().to_owned();
    let key = *device_key;
    let (evidence, verdict) = app
        .cpu(move || {
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
        .await?;
    let id = challenge_id(&evidence)?.to_string();
    match verdict {
        Ok(verified) => Ok((evidence, verified)),
        Err(failure) => {
            let detail = failure.code();
            app.db(move |store| Ok(stored::record_failure(store.connection(), &id, detail)?))
                .await?;
            Err(ApiError::localized(
                StatusCode::UNPROCESSABLE_ENTITY,
                &failure,
            ))
        }
    }
}

/// What the cheap checks of [`check`] look at: evidence as sent, before any analysis.
struct Answer {
    challenge: String,
    nik: String,
    device_key: String,
    purpose: LivenessPurpose,
    /// The last frame's time (ms since the capture started).
    last_ms: i64,
    sent: SentFrames,
}

/// The cheap checks of [`check`] in order: spends the challenge, then refuses impossible frame
/// times and replayed frames (recording why on the challenge); answers the actions it asked.
fn admit(
    store: &mut crate::Store,
    a: &Answer,
    now: DateTime<Utc>,
) -> Result<Vec<Action>, ApiError> {
    let (actions, issued_at) = spend(store, &a.challenge, &a.nik, &a.device_key, a.purpose, now)?;
    let conn = store.connection();
    let refused = refuse_impossible_frame_times(a.last_ms, issued_at, now)
        .map_err(|e| (FRAME_TIMES_INVALID, e))
        .and_then(|()| refuse_replay(conn, &a.sent).map_err(|e| (REPLAYED, e)));
    if let Err((code, refusal)) = refused {
        stored::record_failure(conn, &a.challenge, code)?;
        return Err(refusal);
    }
    Ok(actions)
}

/// Spends challenge `id` if it was issued for `nik`, `device_key` and `purpose` and is neither
/// used nor expired at `now`; answers the actions it asked and when it was issued.
fn spend(
    store: &mut crate::Store,
    id: &str,
    nik: &str,
    device_key: &str,
    purpose: LivenessPurpose,
    now: DateTime<Utc>,
) -> Result<(Vec<Action>, DateTime<Utc>), ApiError> {
    let tx = store.connection_mut().transaction()?;
    let c = stored::challenge(&tx, id)?
        .filter(|c| c.nik == nik && c.device_key == device_key && c.purpose == purpose.code())
        .ok_or_else(unknown_challenge)?;
    if c.used {
        return Err(conflict(
            "liveness_challenge_used",
            "Tantangan swafoto ini sudah dipakai. Ulangi swafoto.",
            "This selfie challenge was already used. Take the selfie again.",
        ));
    }
    if now > c.expires_at {
        return Err(liveness_error(
            StatusCode::GONE,
            "liveness_challenge_expired",
            "Waktu swafoto habis (berlaku 5 menit). Ulangi swafoto.",
            "The selfie challenge expired (valid for 5 minutes). Take the selfie again.",
        ));
    }
    stored::mark_used(&tx, id, now)?;
    tx.commit()?;
    let actions = c
        .actions
        .iter()
        .filter_map(|a| Action::from_code(a))
        .collect();
    Ok((actions, c.issued_at))
}

/// The frames of evidence as sent: their bytes and SHA-256, what the replay check looks at.
/// Getting them costs a base64 decode and a hash, no image decoding: it runs before the analysis.
#[derive(Debug, Clone, Default)]
pub struct SentFrames {
    /// The frames, in the order sent.
    pub frames: Vec<SentFrame>,
}

/// One frame of [`SentFrames`].
#[derive(Debug, Clone)]
pub struct SentFrame {
    /// The JPEG bytes.
    pub jpeg: Vec<u8>,
    /// Their SHA-256.
    pub sha256: [u8; 32],
}

impl SentFrame {
    fn new(jpeg: Vec<u8>) -> SentFrame {
        let mut sha256 = [0u8; 32];
        sha256.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, &jpeg).as_ref());
        SentFrame { jpeg, sha256 }
    }
}

impl SentFrames {
    /// The frames of `evidence`; a frame that is not base64url is left out (the analysis refuses
    /// it as malformed).
    pub fn of(evidence: &LivenessEvidence) -> SentFrames {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let frames = evidence
            .frames
            .iter()
            .filter_map(|f| b64.decode(&f.jpeg).ok())
            .map(SentFrame::new)
            .collect();
        SentFrames { frames }
    }

    /// The frames of evidence that passed.
    pub fn of_verified(verified: &VerifiedEvidence) -> SentFrames {
        let frames = verified
            .frames
            .iter()
            .map(|f| SentFrame {
                jpeg: f.jpeg.clone(),
                sha256: f.sha256,
            })
            .collect();
        SentFrames { frames }
    }
}

/// The replay step: refuses frames seen before (in any earlier evidence). Runs before the analysis
/// ([`check`]) and again in the transaction that stores the frames.
pub fn refuse_replay(conn: &rusqlite::Connection, sent: &SentFrames) -> Result<(), ApiError> {
    for f in &sent.frames {
        if stored::frame_seen(conn, &f.sha256)? {
            return Err(conflict(
                REPLAYED,
                "Foto swafoto ini pernah dikirim sebelumnya. Ulangi swafoto dengan kamera.",
                "These selfie photos were sent before. Take the selfie again with the camera.",
            ));
        }
    }
    Ok(())
}

/// The replay step in the transaction that stores passed evidence: the bytes again ([`refuse_replay`];
/// another request may have sent them since the cheap check), then the pictures: most of the
/// frames being those of one earlier evidence encoded again, slightly scaled or shifted
/// ([`ikd_liveness::is_replay`]: perceptual hashes within [`ikd_liveness::REPLAY_DISTANCE`] of
/// stored frames whose face box is near) **of another NIK**: the same resident retrying in the
/// same room, or changing phones, looks like their own earlier selfie and is not refused for it
/// (their earlier bytes still are). The perceptual hash comes out of the analysis, so this part
/// runs after it.
pub fn refuse_stored_replay(
    conn: &rusqlite::Connection,
    verified: &VerifiedEvidence,
    nik: &str,
) -> Result<(), ApiError> {
    refuse_replay(conn, &SentFrames::of_verified(verified))?;
    let mut pictures_of: HashMap<String, usize> = HashMap::new();
    for f in &verified.frames {
        let face = (f.face.x, f.face.y, f.face.w, f.face.h);
        let similar: HashSet<String> = stored::hashes_near(conn, face, nik)?
            .into_iter()
            .filter(|(_, h)| {
                PerceptualHash::from_bytes(h).is_some_and(|h| h.same_picture(&f.phash))
            })
            .map(|(challenge, _)| challenge)
            .collect();
        for challenge in similar {
            *pictures_of.entry(challenge).or_default() += 1;
        }
    }
    let n = verified.frames.len();
    if pictures_of.values().any(|&m| is_replay(m, n)) {
        return Err(conflict(
            REPLAYED,
            "Foto swafoto ini pernah dikirim sebelumnya. Ulangi swafoto dengan kamera.",
            "These selfie photos were sent before. Take the selfie again with the camera.",
        ));
    }
    Ok(())
}

/// Stores the frames of passed evidence inside the caller's transaction (after
/// [`refuse_stored_replay`] in the same transaction).
pub fn store_frames(
    tx: &rusqlite::Transaction<'_>,
    challenge_id: &str,
    verified: &VerifiedEvidence,
) -> Result<(), ApiError> {
    let id = challenge_id.to_ascii_lowercase();
    let hashes: Vec<[u8; 64]> = verified.frames.iter().map(|f| f.phash.to_bytes()).collect();
    let frames = verified
        .frames
        .iter()
        .zip(&hashes)
        .map(|(f, phash)| FrameRow {
            t_ms: f.t_ms,
            jpeg: &f.jpeg,
            sha256: &f.sha256,
            phash,
            face: (f.face.x, f.face.y, f.face.w, f.face.h),
        });
    stored::store_passed(tx, &id, frames, verified.duration_ms)?;
    Ok(())
}
