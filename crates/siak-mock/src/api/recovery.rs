//! Self-service device change and PIN reset: a fresh liveness check on the new device, the NIK
//! and the account's email → a code mailed to that email, with a notice that the account is
//! being moved → the code and a new PIN on the new device re-bind the account to it, revoke the
//! old device's credentials and sessions, and mail a second notice.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::link::Link;
use ikd_core::protocol::{ActivationCode, DeviceProof, PinVerifier, ProofPurpose};
use ikd_core::wire::{
    LivenessPurpose, RecoveryConfirmRequest, RecoveryRequest, RecoveryView, SessionView,
};
use ikd_core::{Email, Nik};
use rusqlite::{OptionalExtension, params};

use super::emailed_code::{CodeKind, code_hash};
use super::mail::Mail;
use super::problem::{ApiError, Problem};
use super::state::AppState;
use super::{JsonBody, log_activity, parse_device_key, session, ts};

/// How long a recovery code works.
pub const RECOVERY_CODE_LIFETIME: TimeDelta = TimeDelta::minutes(30);
/// Wrong codes allowed before the recovery is burnt.
pub const RECOVERY_MAX_TRIES: i64 = 5;

/// The device-change code: mailed after the liveness check, valid 30 minutes.
pub const RECOVERY_CODE: CodeKind = CodeKind {
    table: "recoveries",
    key: "id",
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

fn unknown() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "recovery_unknown",
        "Tidak ada akun KTP Digital dengan NIK dan email ini. Periksa lagi, atau daftar baru.",
        "There is no Digital KTP account with this NIK and email. Check them, or register anew.",
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
        (status = 404, description = "No account with this NIK and email (`recovery_unknown`)", body = Problem),
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
    let n = nik.as_str().to_owned();
    let account_email: Option<String> = app
        .db(move |store| {
            Ok(store
                .connection()
                .query_row(
                    "SELECT email FROM accounts WHERE nik = ?1",
                    params![n],
                    |r| r.get(0),
                )
                .optional()?)
        })
        .await?;
    let to = account_email
        .filter(|e| e.eq_ignore_ascii_case(email.as_str()))
        .ok_or_else(unknown)?;
    let (evidence, verified) = super::liveness::check(
        &app,
        Some(req.liveness),
        &nik,
        &key,
        LivenessPurpose::Recover,
    )
    .await?;
    let id = super::registration::hex(&app.random::<16>()?);
    let code = ActivationCode::from_random(&app.random::<32>()?)
        .ok_or_else(|| ApiError::internal(&"random bytes ran out"))?;
    let pepper = app.secrets().pepper().to_vec();
    let expires_at = now + RECOVERY_CODE_LIFETIME;
    let mailer = app.mailer().clone();
    let links = app.app_links().clone();
    let (view, mail) = app
        .db(move |store| {
            let tx = store.connection_mut().transaction()?;
            let challenge = evidence.challenge_id.to_ascii_lowercase();
            super::liveness::refuse_replay(&tx, &verified)?;
            super::liveness::store_frames(&tx, &challenge, &verified)?;
            tx.execute(
                "INSERT INTO recoveries (id, nik, device_key, challenge_id, code_hash, expires_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, nik.as_str(), key.to_base64url(), challenge, code_hash(&pepper, &code), ts(expires_at), ts(now)],
            )?;
            log_activity(&tx, nik.as_str(), now, "device_change_started", None, None, None)?;
            let link = Link::Recover {
                recovery: id.clone(),
                code: code.clone(),
            };
            let mail = recovery_mail(&to, nik.as_str(), &links.mail_lines(&link), &code, expires_at);
            mailer.record(&tx, &mail, now)?;
            tx.commit()?;
            Ok((
                RecoveryView { recovery_id: id, email_hint: email_hint(&to), expires_at },
                mail,
            ))
        })
        .await?;
    app.mailer().deliver(mail).await;
    Ok((StatusCode::ACCEPTED, Json(view)))
}

/// A recovery as stored.
struct Stored {
    nik: String,
    device_key: String,
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
    let code = ActivationCode::parse(&req.code).map_err(|e| ApiError::bad_request(&e))?;
    let proof: DeviceProof = req
        .device_proof
        .parse()
        .map_err(|e| ApiError::bad_request(&e))?;
    let id = id.to_ascii_lowercase();
    let salt = app.random::<16>()?;
    let token = app.random::<32>()?;
    let pepper = app.secrets().pepper().to_vec();
    let mailer = app.mailer().clone();
    let (view, mail) = app.db(move |store| {
        let tx = store.connection_mut().transaction()?;
        let stored: Option<Stored> = tx
            .query_row(
                "SELECT nik, device_key FROM recoveries WHERE id = ?1",
                params![id],
                |r| Ok(Stored { nik: r.get(0)?, device_key: r.get(1)? }),
            )
            .optional()?;
        let s = stored.filter(|s| s.nik == req.nik.trim()).ok_or_else(|| ApiError::not_found(
            "recovery_not_found",
            "Permintaan ganti perangkat tidak ditemukan untuk NIK ini.",
            "No device change was found for this NIK.",
        ))?;
        let key = parse_device_key(&s.device_key)?;
        proof.verify(&key, ProofPurpose::Activate, &s.nik, id.as_bytes()).map_err(|e| ApiError::bad_request(&e))?;
        let tx = RECOVERY_CODE.redeem(tx, &id, &code, &pepper, now)?;
        let email: String = tx.query_row("SELECT email FROM accounts WHERE nik = ?1", params![s.nik], |r| r.get(0))?;
        let v = PinVerifier::derive(&req.pin_proof, salt, &pepper);
        tx.execute(
            "UPDATE accounts SET device_key = ?2, state = 'active', pin_salt = ?3, pin_hash = ?4, pin_failures = 0,
               pin_last_failure_at = NULL, released_at = NULL WHERE nik = ?1",
            params![s.nik, s.device_key, v.salt.to_vec(), v.hash.to_vec()],
        )?;
        tx.execute("UPDATE credentials SET revoked_at = ?2 WHERE nik = ?1 AND revoked_at IS NULL", params![s.nik, ts(now)])?;
        tx.execute("DELETE FROM sessions WHERE nik = ?1", params![s.nik])?;
        log_activity(&tx, &s.nik, now, "device_changed", None, None, None)?;
        let mail = moved_mail(&email, &s.nik, now);
        mailer.record(&tx, &mail, now)?;
        let (session_token, expires_at) = session::create(&tx, token, &s.nik, &s.device_key, now)?;
        tx.commit()?;
        Ok((SessionView { session_token, expires_at }, mail))
    })
    .await?;
    app.mailer().deliver(mail).await;
    Ok(Json(view))
}

fn recovery_mail(
    to: &str,
    nik: &str,
    links: &str,
    code: &ActivationCode,
    expires: DateTime<Utc>,
) -> Mail {
    let until = expires.format("%Y-%m-%d %H:%M");
    Mail {
        to: to.to_owned(),
        subject: "Ganti perangkat KTP Digital / Digital KTP device change".into(),
        body: format!(
            "Seseorang meminta memindahkan KTP Digital Anda ke perangkat baru (swafoto bergerak sudah diperiksa).\n\nKode: {code}\nBerlaku sampai: {until} UTC\nJika ini Anda, masukkan kode di perangkat baru. Perangkat lama akan keluar dan kredensialnya dicabut.\nJika BUKAN Anda, jangan berikan kode ini kepada siapa pun dan hubungi Disdukcapil.\n\n---\n\nSomeone asked to move your Digital KTP to a new device (the moving-face selfie was checked).\n\nCode: {code}\nValid until: {until} UTC\nIf this is you, enter the code on the new device. The old device will be signed out and its credentials revoked.\nIf this is NOT you, never give this code to anyone and contact your Disdukcapil office.\n\nBuka di aplikasi baru / Open in the new app:\n{links}"
        ),
        kind: "device_change_code".into(),
        nik: Some(nik.to_owned()),
    }
}

fn moved_mail(to: &str, nik: &str, at: DateTime<Utc>) -> Mail {
    let at = at.format("%Y-%m-%d %H:%M");
    Mail {
        to: to.to_owned(),
        subject: "KTP Digital dipindahkan ke perangkat baru / Digital KTP moved to a new device"
            .into(),
        body: format!(
            "KTP Digital Anda dipindahkan ke perangkat baru pada {at} UTC. Perangkat lama sudah keluar dan kredensialnya dicabut.\nJika ini bukan Anda, segera hubungi Disdukcapil.\n\n---\n\nYour Digital KTP was moved to a new device at {at} UTC. The old device is signed out and its credentials are revoked.\nIf this was not you, contact your Disdukcapil office at once.\n"
        ),
        kind: "device_changed".into(),
        nik: Some(nik.to_owned()),
    }
}
