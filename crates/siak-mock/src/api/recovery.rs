//! Self-service device change and PIN reset, the first half: a fresh liveness check on the new
//! device, the NIK and the account's email → a code mailed to that email → the code confirmed on
//! the new device puts the change in its waiting period ([`super::device_change`]), which binds
//! the account only when it completes.
//!
//! The start answers the same way (202, the same body shape, the hint derived from the email
//! typed) whether the NIK has an account, whether the email is the account's and whether a change
//! already waits on it, and only after the liveness check, which spends the challenge either way.
//! A start that does not open a change gets a decoy id: confirming a code on it answers exactly as
//! a wrong code does, and nothing is mailed. A second start while a change waits opens nothing,
//! so it can neither reset nor hide the first.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::device_change::{DeviceChangeState, DeviceChangeView};
use ikd_core::link::Link;
use ikd_core::protocol::ActivationCode;
use ikd_core::wire::{LivenessPurpose, RecoveryConfirmRequest, RecoveryRequest, RecoveryView};
use ikd_core::{ChallengeId, Email, Nik, RecoveryId};

use super::account::Redemption;
use super::device_change::{self, not_found};
use super::emailed_code::{CodeKind, code_hash};
use super::liveness::Passed;
use super::problem::{ApiError, Problem};
use super::request::{JsonBody, parse_device_key};
use super::session::token_hash;
use super::state::AppState;
use crate::Store;
use crate::mail::{Mail, Notice};
use crate::secrets::Purpose;
use crate::store::accounts;
use crate::store::activity::{self, ActivityKind};
use crate::store::codes::CodeTable;
use crate::store::device_changes;
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

/// The decoys' codes: the same words and limits, in their own table.
const DECOY_CODE: CodeKind = CodeKind {
    table: CodeTable::RecoveryDecoy,
    ..RECOVERY_CODE
};

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
        (status = 202, description = "Liveness passed; a code was mailed to the account's email if the NIK and email are an account's and no change waits on it (the same answer either way; the hint is of the email typed)", body = RecoveryView),
        (status = 400, description = "A field is not valid", body = Problem),
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
    let id = RecoveryId::from_bytes(app.random::<16>()?);
    let started = Started {
        id,
        code: ActivationCode::from_random(&app.random::<32>()?)
            .ok_or_else(|| ApiError::internal(&"random bytes ran out"))?,
        nik: nik.as_str().to_owned(),
        device_key: key.to_base64url(),
        challenge: super::liveness::challenge_id(&evidence)?,
        email: email.as_str().to_owned(),
        expires_at: now + RECOVERY_CODE_LIFETIME,
    };
    let decoy_hash = app.random::<32>()?;
    let state = app.clone();
    let mail = app
        .db(move |store| record(store, &state, &started, &verified, &decoy_hash, now))
        .await?;
    // Delivered after the answer, so a matching pair does not answer later (an SMTP round trip).
    if let Some(mail) = mail {
        app.mailer().deliver_later(mail);
    }
    let view = RecoveryView {
        recovery_id: id,
        email_hint: email_hint(email.as_str()),
        expires_at: now + RECOVERY_CODE_LIFETIME,
    };
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
/// in one transaction; when the NIK and email are not an account's, or a change already waits on
/// it, records a decoy instead and mails nothing (the frames are kept all the same, so they cannot
/// be replayed).
fn record(
    store: &mut Store,
    app: &AppState,
    s: &Started,
    verified: &Passed,
    decoy_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<Mail>, ApiError> {
    let tx = store.connection_mut().transaction()?;
    super::liveness::refuse_stored_replay(&tx, verified, &s.nik)?;
    let (id, challenge) = (s.id.to_string(), s.challenge.to_string());
    super::liveness::store_frames(&tx, &challenge, verified)?;
    // Stored with the default key version: the emailed codes' own key.
    let (hash, _) = code_hash(app.secrets(), &s.code);
    let mut new = NewRecovery {
        id: &id,
        nik: &s.nik,
        device_key: &s.device_key,
        challenge_id: &challenge,
        code_hash: &hash,
        expires_at: s.expires_at,
        created_at: now,
    };
    let to = accounts::email(&tx, &s.nik)?.filter(|e| e.eq_ignore_ascii_case(&s.email));
    let to = match to {
        Some(to) if device_changes::waiting_for(&tx, &s.nik)?.is_none() => to,
        _ => {
            new.code_hash = decoy_hash;
            recoveries::insert_decoy(&tx, new)?;
            tx.commit()?;
            return Ok(None);
        }
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
    Ok(Some(mail))
}

fn already_waiting() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "device_change_already_waiting",
        "Sudah ada pindah perangkat lain yang menunggu untuk akun ini. Batalkan dulu dari ponsel lama atau tautan di email.",
        "Another device change is already waiting for this account. Cancel it first from the old phone or the mailed link.",
    )
}

/// Confirms a device change with the emailed code: the change waits before it completes.
#[utoipa::path(post, path = "/v1/recovery/{id}/confirm", tag = "resident", request_body = RecoveryConfirmRequest,
    params(("id" = String, Path, description = "Recovery id")),
    responses(
        (status = 202, description = "Confirmed: the change waits until `completes_at`; the account's email got a notice with a cancel link", body = DeviceChangeView),
        (status = 400, description = "Wrong code (decoy ids answer exactly the same), bad device proof or malformed field", body = Problem),
        (status = 404, description = "No such recovery for this NIK", body = Problem),
        (status = 409, description = "Code already used, or another change already waits (`device_change_already_waiting`)", body = Problem),
        (status = 410, description = "Code expired or burnt after 5 wrong tries; or the change was cancelled (`device_change_cancelled`)", body = Problem),
    ))]
pub async fn confirm(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<RecoveryConfirmRequest>,
) -> Result<(StatusCode, Json<DeviceChangeView>), ApiError> {
    let now = app.now();
    let redemption = Redemption::parse(&req.code, &req.device_proof)?;
    let id = device_change::parse_id(&id)?;
    let token = B64.encode(app.random::<32>()?);
    let completes_at = now + app.device_change_wait();
    let codes = app.secrets().keys(Purpose::EmailedCode);
    let state = app.clone();
    let (view, mail) = app
        .db(move |store| {
            let tx = store.connection_mut().transaction()?;
            let id_text = id.to_string();
            let nik = req.nik.trim();
            let Some(s) = recoveries::get(&tx, &id_text)?.filter(|s| s.nik == nik) else {
                let decoy = recoveries::get_decoy(&tx, &id_text)?
                    .filter(|s| s.nik == nik)
                    .ok_or_else(not_found)?;
                redemption.check_device(&decoy.device_key, &decoy.nik, &id_text)?;
                DECOY_CODE.redeem(tx, &id_text, &redemption.code, &codes, now)?;
                // Unreachable in practice (no code hashes to a decoy's random bytes).
                return Err(not_found());
            };
            redemption.check_device(&s.device_key, &s.nik, &id_text)?;
            let tx = RECOVERY_CODE.redeem(tx, &id_text, &redemption.code, &codes, now)?;
            // Past the code only: whoever lacks it learns nothing from these answers (dropping
            // `tx` keeps the code unused).
            if s.state == "cancelled" {
                let view = DeviceChangeView {
                    recovery_id: id,
                    state: DeviceChangeState::Cancelled,
                    completes_at: now,
                };
                return Err(device_change::refusal(&view, now));
            }
            if device_changes::waiting_for(&tx, &s.nik)?.is_some() {
                return Err(already_waiting());
            }
            let to = accounts::email(&tx, &s.nik)?
                .ok_or_else(|| ApiError::internal(&"recovery without an account"))?;
            device_changes::start_waiting(&tx, &id_text, now, completes_at, &token_hash(&token))?;
            activity::log(&tx, &s.nik, now, ActivityKind::DeviceChangeWaiting)?;
            let cancel_url = device_change::cancel_url(&state, &token);
            let notice = Notice::DeviceChangeWaiting {
                completes_at,
                cancel_url: &cancel_url,
            };
            let mail = Mail::notice(&to, &s.nik, notice);
            state.mailer().record(&tx, &mail, now)?;
            let stored = recoveries::get(&tx, &id_text)?.ok_or_else(not_found)?;
            let view = device_change::view(id, &stored, now).ok_or_else(not_found)?;
            tx.commit()?;
            Ok((view, mail))
        })
        .await?;
    app.mailer().deliver(mail).await;
    Ok((StatusCode::ACCEPTED, Json(view)))
}
