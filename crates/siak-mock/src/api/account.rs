//! Activation with the emailed code, login with device proof + PIN proof, PIN change and device
//! release (Lepas Perangkat). Wrong PINs are counted here, on the server, with the core's lockout
//! policy: reinstalling the app resets nothing.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::pin::PinLocked;
use ikd_core::protocol::{ActivationCode, DeviceProof, PinProof, PinVerifier, ProofPurpose};
use ikd_core::{LockoutPolicy, PinAttempts, PinGate};
use rusqlite::{OptionalExtension, Transaction, params};

use super::emailed_code::CodeKind;
use super::problem::{ApiError, Problem};
use super::session::{self, Session};
use super::state::{AppState, conflict};
use super::{JsonBody, log_activity, ts};

pub use ikd_core::wire::{
    ActivateRequest, ChallengeRequest, ChallengeView, ChangePinRequest, LoginRequest,
    ReleaseRequest, SessionView,
};

/// Wrong activation codes allowed before the code is burnt.
pub const ACTIVATION_MAX_TRIES: i64 = 5;
/// How long a login challenge may be answered.
pub const CHALLENGE_LIFETIME: TimeDelta = TimeDelta::seconds(120);

/// The activation code: mailed at approval, valid 24 hours.
pub const ACTIVATION_CODE: CodeKind = CodeKind {
    table: "activation_codes",
    key: "registration_id",
    max_tries: ACTIVATION_MAX_TRIES,
    used: (
        "activation_code_used",
        "Kode aktivasi ini sudah dipakai.",
        "This activation code has already been used.",
    ),
    burnt: (
        "activation_code_burnt",
        "Kode aktivasi diblokir karena 5 kali salah. Hubungi Disdukcapil untuk kode baru.",
        "The activation code was blocked after 5 wrong tries. Contact your Disdukcapil office for a new code.",
    ),
    burnt_now: (
        "activation_code_burnt",
        "Kode aktivasi salah 5 kali dan kini diblokir. Hubungi Disdukcapil untuk kode baru.",
        "Wrong activation code 5 times; the code is now blocked. Contact your Disdukcapil office for a new code.",
    ),
    expired: (
        "activation_code_expired",
        "Kode aktivasi sudah kedaluwarsa (berlaku 24 jam). Hubungi Disdukcapil untuk kode baru.",
        "The activation code has expired (it is valid for 24 hours). Contact your Disdukcapil office for a new code.",
    ),
    wrong: (
        "activation_code_wrong",
        "Kode aktivasi salah.",
        "Wrong activation code.",
    ),
};

/// Activates an approved registration on its device.
#[utoipa::path(post, path = "/v1/activation", tag = "resident", request_body = ActivateRequest,
    responses(
        (status = 200, description = "Active; a session is returned", body = SessionView),
        (status = 400, description = "Wrong code, bad device proof or malformed field", body = Problem),
        (status = 404, description = "No such registration for this NIK", body = Problem),
        (status = 409, description = "Not approved, or code already used", body = Problem),
        (status = 410, description = "Code expired or burnt after 5 wrong tries", body = Problem),
    ))]
pub async fn activate(
    State(app): State<AppState>,
    JsonBody(req): JsonBody<ActivateRequest>,
) -> Result<Json<SessionView>, ApiError> {
    let now = app.now();
    let code = ActivationCode::parse(&req.code).map_err(|e| ApiError::bad_request(&e))?;
    let proof: DeviceProof = req
        .device_proof
        .parse()
        .map_err(|e| ApiError::bad_request(&e))?;
    let id = req.registration_id.to_ascii_lowercase();
    let salt = app.random::<16>()?;
    let token = app.random::<32>()?;
    let pepper = app.secrets().pepper().to_vec();
    app.db(move |store| {
        let tx = store.connection_mut().transaction()?;
        let reg: Option<(String, String, String, String, String)> = tx
            .query_row(
                "SELECT nik, email, phone, device_key, state FROM registrations WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let (nik, email, phone, device_key, state) = reg
            .filter(|r| r.0 == req.nik.trim())
            .ok_or_else(|| ApiError::not_found("registration_not_found", "Pendaftaran dengan NIK ini tidak ditemukan.", "No registration with this NIK was found."))?;
        let key = super::parse_device_key(&device_key)?;
        proof
            .verify(&key, ProofPurpose::Activate, &nik, id.as_bytes())
            .map_err(|e| ApiError::bad_request(&e))?;
        if state != "approved" {
            return Err(conflict(
                "registration_not_approved",
                "Pendaftaran belum disetujui petugas, atau sudah diaktifkan.",
                "The registration has not been approved by an operator, or is already activated.",
            ));
        }
        let tx = ACTIVATION_CODE.redeem(tx, &id, &code, &pepper, now)?;
        let verifier = PinVerifier::derive(&req.pin_proof, salt, &pepper);
        tx.execute("UPDATE registrations SET state = 'activated' WHERE id = ?1", params![id])?;
        tx.execute("UPDATE credentials SET revoked_at = ?2 WHERE nik = ?1 AND revoked_at IS NULL", params![nik, ts(now)])?;
        tx.execute("DELETE FROM sessions WHERE nik = ?1", params![nik])?;
        tx.execute(
            "INSERT INTO accounts (nik, registration_id, email, phone, device_key, state, pin_salt, pin_hash, activated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'active', ?6, ?7, ?8)
             ON CONFLICT (nik) DO UPDATE SET registration_id = ?2, email = ?3, phone = ?4, device_key = ?5,
               state = 'active', pin_salt = ?6, pin_hash = ?7, pin_failures = 0, pin_last_failure_at = NULL,
               activated_at = ?8, released_at = NULL",
            params![nik, id, email, phone, device_key, verifier.salt.to_vec(), verifier.hash.to_vec(), ts(now)],
        )?;
        log_activity(&tx, &nik, now, "activated", None, None, None)?;
        let (session_token, expires_at) = session::create(&tx, token, &nik, &device_key, now)?;
        tx.commit()?;
        Ok(Json(SessionView { session_token, expires_at }))
    })
    .await
}

/// Issues a login challenge (for any NIK: the answer reveals nothing about accounts).
#[utoipa::path(post, path = "/v1/login/challenge", tag = "resident", request_body = ChallengeRequest,
    responses((status = 200, description = "A challenge", body = ChallengeView), (status = 400, description = "Not a NIK", body = Problem)))]
pub async fn challenge(
    State(app): State<AppState>,
    JsonBody(req): JsonBody<ChallengeRequest>,
) -> Result<Json<ChallengeView>, ApiError> {
    let now = app.now();
    let nik =
        ikd_core::Nik::parse(&req.nik, now.date_naive()).map_err(|e| ApiError::bad_request(&e))?;
    let id = super::registration::hex(&app.random::<16>()?);
    let nonce = app.random::<32>()?;
    let expires_at = now + CHALLENGE_LIFETIME;
    app.db(move |store| {
        let conn = store.connection();
        conn.execute(
            "DELETE FROM login_challenges WHERE expires_at < ?1",
            params![ts(now)],
        )?;
        conn.execute(
            "INSERT INTO login_challenges (id, nik, nonce, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, nik.as_str(), nonce.to_vec(), ts(expires_at)],
        )?;
        Ok(Json(ChallengeView {
            challenge_id: id,
            nonce: B64.encode(nonce),
            expires_at,
        }))
    })
    .await
}

fn wrong_pin(gate: PinGate) -> ApiError {
    match gate {
        PinGate::Locked {
            retry_after_secs, ..
        } => ApiError::localized(
            StatusCode::TOO_MANY_REQUESTS,
            &PinLocked { retry_after_secs },
        )
        .retry_after(retry_after_secs),
        PinGate::Open {
            attempts_before_lock,
        } => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "pin_wrong",
            format!("PIN salah. Sisa percobaan sebelum dikunci sementara: {attempts_before_lock}."),
            format!("Wrong PIN. Attempts left before a temporary lock: {attempts_before_lock}."),
        ),
    }
}

fn attempts_of(tx: &Transaction<'_>, nik: &str) -> rusqlite::Result<PinAttempts> {
    tx.query_row(
        "SELECT pin_failures, pin_last_failure_at, pin_latest_seen FROM accounts WHERE nik = ?1",
        params![nik],
        |r| {
            Ok(PinAttempts {
                consecutive_failures: r.get(0)?,
                last_failure_at: r.get(1)?,
                latest_seen: r.get(2)?,
            })
        },
    )
}

fn save_attempts(tx: &Transaction<'_>, nik: &str, a: &PinAttempts) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE accounts SET pin_failures = ?2, pin_last_failure_at = ?3, pin_latest_seen = ?4 WHERE nik = ?1",
        params![nik, a.consecutive_failures, a.last_failure_at.map(ts), a.latest_seen.map(ts)],
    )?;
    Ok(())
}

/// Checks `proof` against the account's PIN with server-side counting. On a wrong PIN the count
/// is committed before the error is returned.
pub fn check_pin<'c>(
    tx: Transaction<'c>,
    nik: &str,
    proof: &PinProof,
    pepper: &[u8],
    now: DateTime<Utc>,
) -> Result<Transaction<'c>, ApiError> {
    let policy = LockoutPolicy::default();
    let mut attempts = attempts_of(&tx, nik)?;
    if let gate @ PinGate::Locked { .. } = policy.gate(&attempts, now) {
        return Err(wrong_pin(gate));
    }
    let (salt, hash): (Vec<u8>, Vec<u8>) = tx.query_row(
        "SELECT pin_salt, pin_hash FROM accounts WHERE nik = ?1",
        params![nik],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let verifier = PinVerifier {
        salt: salt
            .try_into()
            .map_err(|_| ApiError::internal(&"stored PIN salt has the wrong size"))?,
        hash: hash
            .try_into()
            .map_err(|_| ApiError::internal(&"stored PIN hash has the wrong size"))?,
    };
    if verifier.matches(proof, pepper) {
        attempts.record_success(now);
        save_attempts(&tx, nik, &attempts)?;
        Ok(tx)
    } else {
        attempts.record_failure(now);
        save_attempts(&tx, nik, &attempts)?;
        log_activity(&tx, nik, now, "pin_wrong", None, None, None)?;
        tx.commit()?;
        Err(wrong_pin(policy.gate(&attempts, now)))
    }
}

fn account_device(tx: &Transaction<'_>, nik: &str) -> Result<String, ApiError> {
    tx.query_row(
        "SELECT device_key FROM accounts WHERE nik = ?1 AND state = 'active'",
        params![nik],
        |r| r.get::<_, String>(0),
    )
    .optional()?
    .ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "account_not_active",
            "Akun KTP Digital untuk NIK ini belum aktif di perangkat mana pun.",
            "There is no active Digital KTP account for this NIK on any device.",
        )
    })
}

/// Logs in with the device key and the PIN.
#[utoipa::path(post, path = "/v1/login", tag = "resident", request_body = LoginRequest,
    responses(
        (status = 200, description = "A session", body = SessionView),
        (status = 401, description = "Wrong PIN (`pin_wrong`), wrong device, unknown or used challenge", body = Problem),
        (status = 429, description = "Locked after wrong PINs (`pin_locked`, Retry-After)", body = Problem),
    ))]
pub async fn login(
    State(app): State<AppState>,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<Json<SessionView>, ApiError> {
    let now = app.now();
    let proof: DeviceProof = req
        .device_proof
        .parse()
        .map_err(|e| ApiError::bad_request(&e))?;
    let token = app.random::<32>()?;
    let pepper = app.secrets().pepper().to_vec();
    let challenge_id = req.challenge_id.to_ascii_lowercase();
    app.db(move |store| {
        let tx = store.connection_mut().transaction()?;
        let challenge: Option<(String, Vec<u8>)> = tx
            .query_row(
                "UPDATE login_challenges SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL AND expires_at >= ?2 RETURNING nik, nonce",
                params![challenge_id, ts(now)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (nik, nonce) = challenge.ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "login_challenge_invalid", "Sesi masuk kedaluwarsa. Coba masuk lagi.", "The login attempt expired. Please try again."))?;
        let device_key = account_device(&tx, &nik)?;
        proof
            .verify(&super::parse_device_key(&device_key)?, ProofPurpose::Login, &nik, &nonce)
            .map_err(|e| ApiError::localized(StatusCode::UNAUTHORIZED, &e))?;
        let tx = check_pin(tx, &nik, &req.pin_proof, &pepper, now)?;
        log_activity(&tx, &nik, now, "login", None, None, None)?;
        let (session_token, expires_at) = session::create(&tx, token, &nik, &device_key, now)?;
        tx.commit()?;
        Ok(Json(SessionView { session_token, expires_at }))
    })
    .await
}

/// Changes the PIN (Ubah PIN); wrong old PINs count towards the lock.
#[utoipa::path(post, path = "/v1/me/pin", tag = "resident", request_body = ChangePinRequest, security(("session" = [])),
    responses((status = 204, description = "Changed"), (status = 401, description = "Wrong current PIN or no session", body = Problem), (status = 429, description = "Locked", body = Problem)))]
pub async fn change_pin(
    State(app): State<AppState>,
    session: Session,
    JsonBody(req): JsonBody<ChangePinRequest>,
) -> Result<StatusCode, ApiError> {
    let now = app.now();
    let salt = app.random::<16>()?;
    let pepper = app.secrets().pepper().to_vec();
    app.db(move |store| {
        let tx = check_pin(
            store.connection_mut().transaction()?,
            &session.nik,
            &req.old_pin_proof,
            &pepper,
            now,
        )?;
        let v = PinVerifier::derive(&req.new_pin_proof, salt, &pepper);
        tx.execute(
            "UPDATE accounts SET pin_salt = ?2, pin_hash = ?3 WHERE nik = ?1",
            params![session.nik, v.salt.to_vec(), v.hash.to_vec()],
        )?;
        log_activity(&tx, &session.nik, now, "pin_changed", None, None, None)?;
        tx.commit()?;
        Ok(StatusCode::NO_CONTENT)
    })
    .await
}

/// Releases the device (Lepas Perangkat): the account stops working on it, its credentials are
/// revoked, and the resident may register another device.
#[utoipa::path(post, path = "/v1/me/release-device", tag = "resident", request_body = ReleaseRequest, security(("session" = [])),
    responses((status = 204, description = "Released"), (status = 401, description = "Wrong PIN or no session", body = Problem), (status = 429, description = "Locked", body = Problem)))]
pub async fn release_device(
    State(app): State<AppState>,
    session: Session,
    JsonBody(req): JsonBody<ReleaseRequest>,
) -> Result<StatusCode, ApiError> {
    let now = app.now();
    let pepper = app.secrets().pepper().to_vec();
    app.db(move |store| {
        let tx = check_pin(store.connection_mut().transaction()?, &session.nik, &req.pin_proof, &pepper, now)?;
        tx.execute("UPDATE accounts SET state = 'released', device_key = NULL, released_at = ?2 WHERE nik = ?1", params![session.nik, ts(now)])?;
        tx.execute("UPDATE credentials SET revoked_at = ?2 WHERE nik = ?1 AND revoked_at IS NULL", params![session.nik, ts(now)])?;
        tx.execute("DELETE FROM sessions WHERE nik = ?1", params![session.nik])?;
        log_activity(&tx, &session.nik, now, "device_released", None, None, None)?;
        tx.commit()?;
        Ok(StatusCode::NO_CONTENT)
    })
    .await
}
