//! Activation with the emailed code, login with device proof + PIN proof, PIN change and device
//! release (Lepas Perangkat). Wrong PINs are counted on the server by [`super::lockout`]:
//! reinstalling the app resets nothing. [`bind_device`] is the one path that binds an account to a
//! device, for activation and for device change (`recovery`); it also clears a hard lock. Login
//! answers one `login_refused` whether the NIK has no active account or the device proof is
//! wrong, and spends the challenge either way.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::protocol::{ActivationCode, DeviceProof, PinProof, PinVerifier, ProofPurpose};
use ikd_core::{ChallengeId, RegistrationId, RegistrationState};
use rusqlite::Connection;

use super::emailed_code::CodeKind;
use super::lockout::check_pin;
use super::problem::{ApiError, Problem};
use super::request::{JsonBody, parse_device_key};
use super::session::{self, Session};
use super::state::{AppState, conflict};
use crate::secrets::{Purpose, PurposeKeys};
use crate::store::accounts::{self, Opening};
use crate::store::activity::{self, ActivityKind};
use crate::store::codes::CodeTable;
use crate::store::{registrations, sessions};

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
    table: CodeTable::Activation,
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
    let redemption = Redemption::parse(&req.code, &req.device_proof)?;
    let not_found = || {
        ApiError::not_found(
            "registration_not_found",
            "Pendaftaran dengan NIK ini tidak ditemukan.",
            "No registration with this NIK was found.",
        )
    };
    let id: RegistrationId = req.registration_id.parse().map_err(|_| not_found())?;
    let fresh = Fresh::draw(&app)?;
    app.db(move |store| {
        let tx = store.connection_mut().transaction()?;
        let reg = registrations::get(&tx, &id)?
            .filter(|r| r.nik == req.nik.trim())
            .ok_or_else(not_found)?;
        let id_text = id.to_string();
        redemption.check_device(&reg.device_key, &reg.nik, &id_text)?;
        if reg.state != RegistrationState::Approved {
            return Err(conflict(
                "registration_not_approved",
                "Pendaftaran belum disetujui petugas, atau sudah diaktifkan.",
                "The registration has not been approved by an operator, or is already activated.",
            ));
        }
        let tx = ACTIVATION_CODE.redeem(tx, &id_text, &redemption.code, &fresh.codes, now)?;
        registrations::mark_activated(&tx, &id)?;
        let opening = Opening {
            nik: &reg.nik,
            registration_id: &id_text,
            email: &reg.email,
            phone: &reg.phone,
        };
        accounts::open(&tx, opening, now)?;
        let view = bind_device(
            &tx,
            &reg.nik,
            &reg.device_key,
            &req.pin_proof,
            ActivityKind::Activated,
            &fresh,
            now,
        )?;
        tx.commit()?;
        Ok(Json(view))
    })
    .await
}

/// The two things a request that finishes on its device with an emailed code carries (activation,
/// device change), parsed: the code and the device proof.
pub(crate) struct Redemption {
    pub(crate) code: ActivationCode,
    proof: DeviceProof,
}

impl Redemption {
    /// Parses the typed code and the device proof, each refused with its own error.
    pub(crate) fn parse(code: &str, device_proof: &str) -> Result<Redemption, ApiError> {
        Ok(Redemption {
            code: ActivationCode::parse(code).map_err(|e| ApiError::bad_request(&e))?,
            proof: device_proof
                .parse()
                .map_err(|e| ApiError::bad_request(&e))?,
        })
    }

    /// Checks that the proof was made by `device_key` (the key the case was opened with) for
    /// `nik` over the case's id (purpose `activate`).
    pub(crate) fn check_device(
        &self,
        device_key: &str,
        nik: &str,
        id: &str,
    ) -> Result<(), ApiError> {
        let key = parse_device_key(device_key)?;
        self.proof
            .verify(&key, ProofPurpose::Activate, nik, id.as_bytes())
            .map_err(|e| ApiError::bad_request(&e))
    }
}

/// What binding an account to a device draws beforehand: the PIN salt, the session token, and
/// the keys of PIN verifiers and emailed codes.
pub(crate) struct Fresh {
    salt: [u8; 16],
    token: [u8; 32],
    pin: PurposeKeys,
    pub(crate) codes: PurposeKeys,
}

impl Fresh {
    /// Draws the salt and the token.
    pub(crate) fn draw(app: &AppState) -> Result<Fresh, ApiError> {
        Ok(Fresh {
            salt: app.random::<16>()?,
            token: app.random::<32>()?,
            pin: app.secrets().keys(Purpose::PinVerifier),
            codes: app.secrets().keys(Purpose::EmailedCode),
        })
    }
}

/// Binds the account of `nik` to `device_key` with the PIN of `pin_proof` (activation and device
/// change alike): the old device is signed out everywhere, `kind` is logged and a session is
/// opened on the new device, all inside the caller's transaction.
pub(crate) fn bind_device(
    conn: &Connection,
    nik: &str,
    device_key: &str,
    pin_proof: &PinProof,
    kind: ActivityKind,
    fresh: &Fresh,
    now: DateTime<Utc>,
) -> Result<SessionView, ApiError> {
    let verifier = PinVerifier::derive(pin_proof, fresh.salt, fresh.pin.current());
    accounts::bind_device(conn, nik, device_key, &verifier, PurposeKeys::CURRENT, now)?;
    activity::log(conn, nik, now, kind)?;
    let (session_token, expires_at) = session::create(conn, fresh.token, nik, device_key, now)?;
    Ok(SessionView {
        session_token,
        expires_at,
    })
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
    let id = ChallengeId::from_bytes(app.random::<16>()?);
    let nonce = app.random::<32>()?;
    let expires_at = now + CHALLENGE_LIFETIME;
    app.db(move |store| {
        let conn = store.connection();
        sessions::add_login_challenge(
            conn,
            &id.to_string(),
            nik.as_str(),
            &nonce,
            expires_at,
            now,
        )?;
        Ok(Json(ChallengeView {
            challenge_id: id,
            nonce: B64.encode(nonce),
            expires_at,
        }))
    })
    .await
}

/// The one answer to a login whose NIK has no active account or whose device proof does not
/// match the account's key: the caller cannot tell which (no account oracle).
pub fn login_refused() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "login_refused",
        "NIK atau perangkat tidak dikenali. Jika KTP Digital Anda dipindahkan atau dilepas dari ponsel ini, daftarkan lagi atau pakai Ganti Perangkat.",
        "NIK or device not recognised. If your Digital KTP was moved to another phone or released from this one, register again or use Change device.",
    )
}

/// A valid Ed25519 public key nobody holds the private key of (RFC 8032, test 1): a login for a
/// NIK without an active account checks its proof against it, so both refusals do the same work.
const NO_ACCOUNT_KEY: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

/// Logs in with the device key and the PIN.
#[utoipa::path(post, path = "/v1/login", tag = "resident", request_body = LoginRequest,
    responses(
        (status = 200, description = "A session", body = SessionView),
        (status = 401, description = "Wrong PIN (`pin_wrong`); no active account or wrong device, one answer (`login_refused`); unknown or used challenge", body = Problem),
        (status = 423, description = "Hard-locked after 12 wrong PINs (`account_hard_locked`)", body = Problem),
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
    let pin_keys = app.secrets().keys(Purpose::PinVerifier);
    let invalid = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "login_challenge_invalid",
            "Sesi masuk kedaluwarsa. Coba masuk lagi.",
            "The login attempt expired. Please try again.",
        )
    };
    let challenge_id: ChallengeId = req.challenge_id.parse().map_err(|_| invalid())?;
    let mailer = app.mailer().clone();
    app.db(move |store| {
        let tx = store.connection_mut().transaction()?;
        let (nik, nonce) = sessions::take_login_challenge(&tx, &challenge_id.to_string(), now)?
            .ok_or_else(invalid)?;
        let device_key = accounts::active_device(&tx, &nik)?;
        let key = parse_device_key(device_key.as_deref().unwrap_or(NO_ACCOUNT_KEY))?;
        let proven = proof
            .verify(&key, ProofPurpose::Login, &nik, &nonce)
            .is_ok();
        let Some(device_key) = device_key.filter(|_| proven) else {
            // The challenge stays spent.
            tx.commit()?;
            return Err(login_refused());
        };
        let tx = check_pin(tx, &nik, &req.pin_proof, &pin_keys, &mailer, now)?;
        activity::log(&tx, &nik, now, ActivityKind::Login)?;
        let (session_token, expires_at) = session::create(&tx, token, &nik, &device_key, now)?;
        tx.commit()?;
        Ok(Json(SessionView {
            session_token,
            expires_at,
        }))
    })
    .await
}

/// Changes the PIN (Ubah PIN); wrong old PINs count towards the lock. Every other session of the
/// account ends; the caller's stays.
#[utoipa::path(post, path = "/v1/me/pin", tag = "resident", request_body = ChangePinRequest, security(("session" = [], "request_proof" = [])),
    responses((status = 204, description = "Changed"), (status = 401, description = "Wrong current PIN, no session, or no valid request proof (`request_proof_*`)", body = Problem),
        (status = 423, description = "Hard-locked (`account_hard_locked`)", body = Problem), (status = 429, description = "Locked", body = Problem)))]
pub async fn change_pin(
    State(app): State<AppState>,
    session: Session,
    JsonBody(req): JsonBody<ChangePinRequest>,
) -> Result<StatusCode, ApiError> {
    let now = app.now();
    let salt = app.random::<16>()?;
    let pin_keys = app.secrets().keys(Purpose::PinVerifier);
    let mailer = app.mailer().clone();
    app.db(move |store| {
        let tx = check_pin(
            store.connection_mut().transaction()?,
            &session.nik,
            &req.old_pin_proof,
            &pin_keys,
            &mailer,
            now,
        )?;
        let v = PinVerifier::derive(&req.new_pin_proof, salt, pin_keys.current());
        accounts::set_pin(&tx, &session.nik, &v, PurposeKeys::CURRENT)?;
        sessions::end_others(&tx, &session.nik, &session.token_hash)?;
        activity::log(&tx, &session.nik, now, ActivityKind::PinChanged)?;
        tx.commit()?;
        Ok(StatusCode::NO_CONTENT)
    })
    .await
}

/// Releases the device (Lepas Perangkat): the account stops working on it, its credentials are
/// revoked, every session of the account (the caller's too) ends, and the resident may register
/// another device.
#[utoipa::path(post, path = "/v1/me/release-device", tag = "resident", request_body = ReleaseRequest, security(("session" = [], "request_proof" = [])),
    responses((status = 204, description = "Released"), (status = 401, description = "Wrong PIN, no session, or no valid request proof (`request_proof_*`)", body = Problem),
        (status = 423, description = "Hard-locked (`account_hard_locked`)", body = Problem), (status = 429, description = "Locked", body = Problem)))]
pub async fn release_device(
    State(app): State<AppState>,
    session: Session,
    JsonBody(req): JsonBody<ReleaseRequest>,
) -> Result<StatusCode, ApiError> {
    let now = app.now();
    let pin_keys = app.secrets().keys(Purpose::PinVerifier);
    let mailer = app.mailer().clone();
    app.db(move |store| {
        let tx = check_pin(
            store.connection_mut().transaction()?,
            &session.nik,
            &req.pin_proof,
            &pin_keys,
            &mailer,
            now,
        )?;
        accounts::release(&tx, &session.nik, now)?;
        activity::log(&tx, &session.nik, now, ActivityKind::DeviceReleased)?;
        tx.commit()?;
        Ok(StatusCode::NO_CONTENT)
    })
    .await
}
