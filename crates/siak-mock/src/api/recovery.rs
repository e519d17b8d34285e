//! Self-service device change and PIN reset: a fresh liveness check on the new device, the NIK
//! and the account's email → a code mailed to that email, with a notice that the account is
//! being moved → the code and a new PIN on the new device re-bind the account to it, revoke the
//! old device's credentials and sessions, and mail a second notice. It also ends a hard lock.
//!
//! The start answers one `recovery_unknown` whether the NIK has no account or the email is not the
//! account's, and only after the liveness check, which spends the challenge either way: the pair
//! cannot be tested without a passing selfie, within the per-NIK challenge limit.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::link::Link;
use ikd_core::protocol::ActivationCode;
use ikd_core::wire::{
    LivenessPurpose, RecoveryConfirmRequest, RecoveryRequest, RecoveryView, SessionView,
};
use ikd_core::{ChallengeId, Email, Nik, RecoveryId};

use super::account::{Fresh, Redemption, bind_device};
use super::emailed_code::{CodeKind, code_hash};
use super::liveness::Passed;
use super::problem::{ApiError, Problem};
use super::request::{JsonBody, parse_device_key};
use super::state::AppState;
use crate::Store;
use crate::mail::{Mail, Notice};
use crate::store::accounts;
use crate::store::activity::{self, ActivityKind};
use crate::store::codes::CodeTable;
use crate::store::recoveries::{self, NewRecovery};

/// How long a recovery code works.
pub const RECOVERY_CODE_LIFETIME: TimeDelta = TimeDelta::minutes(30);
/// Wrong codes allowed before the recovery is burnt.
pub const RECOVERY_MAX_TRIES: i64 = 5;

/// The device-change code: mailed after the liveness check, valid 30 minutes.
pub const RECOVERY_CODE: CodeKind = CodeKind {
    table: CodeTable::Recovery,
    max_tries: RECOVERY_MAX_TRIES,
    used: (
        "recovery_code_used",
        "Kode ini sudah dipakai.",
        "This code has already been used.",
    ),
    burnt: (
        "recovery_code_burnt",
        "Kode salah 5 kali dan kini diblokir. Ulangi ganti perangkat dari awal.",
        "Wrong code 5 times; it is now blocked. Start the device change again.",
    ),
    burnt_now: (
        "recovery_code_burnt",
        "Kode salah 5 kali dan kini diblokir. Ulangi ganti perangkat dari awal.",
        "Wrong code 5 times; it is now blocked. Start the device change again.",
    ),
    expired: (
        "recovery_code_expired",
        "Kode sudah kedaluwarsa (berlaku 30 menit). Ulangi ganti perangkat dari awal.",
        "The code has expired (it is valid for 30 minutes). Start the device change again.",
    ),
    wrong: ("recovery_code_wrong", "Kode salah.", "Wrong code."),
};

/// The one answer to a device change whose NIK has no account or whose email is not the
/// account's.
fn unknown() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "recovery_unknown",
        "NIK dan email ini tidak cocok dengan akun KTP Digital mana pun. Periksa lagi (email yang dipakai saat mendaftar), atau daftar baru.",
        "This NIK and email do not match any Digital KTP account. Check them (the email used to register), or register anew.",
    )
}

/// `bu***@example.id`.
pub fn email_hint(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let shown: String = local.chars().take(2).collect();
            format!("{shown}***@{domain}")
        }
        None => "***".into(),
    }
}

/// Starts a device change or PIN reset.
#[utoipa::path(post, path = "/v1/recovery", tag = "resident", request_body = RecoveryRequest,
    responses(
        (status = 202, description = "Liveness passed; a code was mailed to the account's email", body = RecoveryView),
        (status = 400, description = "A field is not valid", body = Problem),
        (status = 404, description = "No account with this NIK and email, one answer for both (`recovery_unknown`); the challenge is spent", body = Problem),
        (status = 409, description = "Liveness challenge used, or evidence replayed", body = Problem),
        (status = 422, description = "Liveness evidence failed the re-check (`liveness_*`)", body = Problem),
    ))]
pub async fn start(
    State(app): State<AppState>,
    JsonBody(req): JsonBody<RecoveryRequest>,
) -> Result<(StatusCode, Json<RecoveryView>), ApiError> {
    let now = app.now();
    let nik = Nik::parse(&req.nik, now.date_naive()).map_err(|e| ApiError::bad_request(&e))?;
    let email = Email::parse(&req.email).map_err(|e| ApiError::bad_request(&e))?;
    let key = parse_device_key(&req.device_public_key)?;
    let (evidence, verified) = super::liveness::check(
        &app,
        Some(req.liveness),
        &nik,
        &key,
        LivenessPurpose::Recover,
    )
    .await?;
    let started = Started {
        id: RecoveryId::from_bytes(app.random::<16>()?),
        code: ActivationCode::from_random(&app.random::<32>()?)
            .ok_or_else(|| ApiError::internal(&"random bytes ran out"))?,
        nik: nik.as_str().to_owned(),
        device_key: key.to_base64url(),
        challenge: super::liveness::challenge_id(&evidence)?,
        email: email.as_str().to_owned(),
        expires_at: now + RECOVERY_CODE_LIFETIME,
    };
    let state = app.clone();
    let (view, mail) = app
        .db(move |store| record(store, &state, &started, &verified, now))
        .await?
        .ok_or_else(unknown)?;
    app.mailer().deliver(mail).await;
    Ok((StatusCode::ACCEPTED, Json(view)))
}

/// A device change whose liveness check passed, ready to be recorded.
struct Started {
    id: RecoveryId,
    code: ActivationCode,
    nik: String,
    device_key: String,
    challenge: ChallengeId,
    /// The email given, to match the account's.
    email: String,
    expires_at: DateTime<Utc>,
}

/// Records a started device change with its liveness frames and writes the mail with the code,
/// in one transaction; `None` when the NIK and email are not an account's (the frames are kept
/// all the same, so they cannot be replayed).
fn record(
    store: &mut Store,
    app: &AppState,
    s: &Started,
    verified: &Passed,
    now: DateTime<Utc>,
) -> Result<Option<(RecoveryView, Mail)>, ApiError> {
    let tx = store.connection_mut().transaction()?;
    super::liveness::refuse_stored_replay(&tx, verified)?;
    let (id, challenge) = (s.id.to_string(), s.challenge.to_string());
    super::liveness::store_frames(&tx, &challenge, verified)?;
    let Some(to) = accounts::email(&tx, &s.nik)?.filter(|e| e.eq_ignore_ascii_case(&s.email))
    else {
        tx.commit()?;
        return Ok(None);
    };
    // Stored with the default key version: the emailed codes' own key.
    let (hash, _) = code_hash(app.secrets(), &s.code);
    let new = NewRecovery {
        id: &id,
        nik: &s.nik,
        device_key: &s.device_key,
        challenge_id: &challenge,
        code_hash: &hash,
        expires_at: s.expires_at,
        created_at: now,
    };
    recoveries::insert(&tx, new)?;
    activity::log(&tx, &s.nik, now, ActivityKind::DeviceChangeStarted)?;
    let link = Link::Recover {
        recovery: id,
        code: s.code.clone(),
    };
    let links = app.app_links().mail_lines(&link);
    let notice = Notice::DeviceChangeCode {
        code: &s.code,
        expires: s.expires_at,
        links: &links,
    };
    let mail = Mail::notice(&to, &s.nik, notice);
    app.mailer().record(&tx, &mail, now)?;
    tx.commit()?;
    let view = RecoveryView {
        recovery_id: s.id,
        email_hint: email_hint(&to),
        expires_at: s.expires_at,
    };
    Ok(Some((view, mail)))
}

/// Finishes a device change with the emailed code and a new PIN.
#[utoipa::path(post, path = "/v1/recovery/{id}/confirm", tag = "resident", request_body = RecoveryConfirmRequest,
    params(("id" = String, Path, description = "Recovery id")),
    responses(
        (status = 200, description = "The account is on the new device; a session is returned", body = SessionView),
        (status = 400, description = "Wrong code, bad device proof or malformed field", body = Problem),
        (status = 404, description = "No such recovery for this NIK", body = Problem),
        (status = 409, description = "Code already used", body = Problem),
        (status = 410, description = "Code expired or burnt after 5 wrong tries", body = Problem),
    ))]
pub async fn confirm(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<RecoveryConfirmRequest>,
) -> Result<Json<SessionView>, ApiError> {
    let now = app.now();
    let redemption = Redemption::parse(&req.code, &req.device_proof)?;
    let not_found = || {
        ApiError::not_found(
            "recovery_not_found",
            "Permintaan ganti perangkat tidak ditemukan untuk NIK ini.",
            "No device change was found for this NIK.",
        )
    };
    let id = id
        .parse::<RecoveryId>()
        .map_err(|_| not_found())?
        .to_string();
    let fresh = Fresh::draw(&app)?;
    let mailer = app.mailer().clone();
    let (view, mail) = app
        .db(move |store| {
            let tx = store.connection_mut().transaction()?;
            let s = recoveries::get(&tx, &id)?
                .filter(|s| s.nik == req.nik.trim())
                .ok_or_else(not_found)?;
            redemption.check_device(&s.device_key, &s.nik, &id)?;
            let tx = RECOVERY_CODE.redeem(tx, &id, &redemption.code, &fresh.codes, now)?;
            let email = accounts::email(&tx, &s.nik)?
                .ok_or_else(|| ApiError::internal(&"recovery without an account"))?;
            let view = bind_device(
                &tx,
                &s.nik,
                &s.device_key,
                &req.pin_proof,
                ActivityKind::DeviceChanged,
                &fresh,
                now,
            )?;
            let mail = Mail::notice(&email, &s.nik, Notice::DeviceChanged { at: now });
            mailer.record(&tx, &mail, now)?;
            tx.commit()?;
            Ok((view, mail))
        })
        .await?;
    app.mailer().deliver(mail).await;
    Ok(Json(view))
}
