//! A device change that waits before it takes the account (see [`ikd_core::device_change`]).
//!
//! Confirming the emailed code (`recovery::confirm`) puts the change in `waiting` for the
//! configured wait ([`DEFAULT_WAIT`], `--device-change-wait`) and mails the account a notice with
//! a one-tap cancel link. Meanwhile the old phone keeps working (login, credentials, QR), learns
//! of the change at `GET /v1/me/device-change` and may cancel it; the cancel link
//! (`/device-change/cancel?token=…`, a page with one POST button) cancels it too, as can the
//! resident's office (`device_change_office`), which may instead approve it early. The new phone
//! polls [`status`] with a device proof of its key and, once the wait is over, [`complete`]s with
//! the new PIN: only then is the account bound to it ([`bind_device`]: old sessions end, old
//! credentials are revoked, a hard lock ends). A cancel is for good.

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::RecoveryId;
use ikd_core::device_change::{
    DeviceChangeState, DeviceChangeView, MyDeviceChange, PendingDeviceChange,
    RecoveryCompleteRequest, STATUS_PROOF_HEADER, STATUS_PROOF_SKEW_SECS, complete_challenge,
    status_challenge,
};
use ikd_core::protocol::{DeviceProof, ProofPurpose};
use ikd_core::wire::SessionView;
use rusqlite::Connection;
use serde::Deserialize;

use super::account::{Fresh, bind_device};
use super::problem::{ApiError, Problem};
use super::request::{JsonBody, parse_device_key};
use super::session::{Session, token_hash};
use super::state::AppState;
use crate::mail::{Mail, Mailer, Notice};
use crate::store::accounts;
use crate::store::activity::{self, ActivityKind, Detail};
use crate::store::device_changes;
use crate::store::recoveries::{self, Recovery};
use crate::text::escape;

/// How long a confirmed device change waits unless configured otherwise.
pub const DEFAULT_WAIT: TimeDelta = TimeDelta::hours(72);

/// The one answer for a recovery id that names no confirmed change of this NIK (never handed
/// out, not yet confirmed, a decoy, or another NIK's).
pub fn not_found() -> ApiError {
    ApiError::not_found(
        "recovery_not_found",
        "Permintaan ganti perangkat tidak ditemukan untuk NIK ini.",
        "No device change was found for this NIK.",
    )
}

/// The path's recovery id, in its stored form.
pub fn parse_id(id: &str) -> Result<RecoveryId, ApiError> {
    id.parse::<RecoveryId>().map_err(|_| not_found())
}

/// A confirmed change as the new phone sees it at `now` (`None` while it waits for its code).
pub fn view(id: RecoveryId, r: &Recovery, now: DateTime<Utc>) -> Option<DeviceChangeView> {
    let completes_at = r.completes_at?;
    let state = match r.state.as_str() {
        "waiting" if now >= completes_at => DeviceChangeState::Ready,
        "waiting" => DeviceChangeState::Waiting,
        "completed" => DeviceChangeState::Completed,
        "cancelled" => DeviceChangeState::Cancelled,
        _ => return None,
    };
    Some(DeviceChangeView {
        recovery_id: id,
        state,
        completes_at,
    })
}

/// The cancel link of a mailed `token`: on the public domain when one is set, else the path on
/// this server.
pub fn cancel_url(app: &AppState, token: &str) -> String {
    let path = format!("/device-change/cancel?token={token}");
    match &app.app_links().host {
        Some(host) => format!("https://{host}{path}"),
        None => path,
    }
}

fn proof_invalid() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "recovery_proof_invalid",
        "Bukti perangkat tidak sah atau kedaluwarsa: hanya ponsel baru yang memulai pindah perangkat ini yang dapat melihat statusnya. Periksa jam ponsel.",
        "The device proof is not valid or has expired: only the new phone that started this device change can see its status. Check the phone's clock.",
    )
}

/// Checks the status poll's `<unix seconds>.<proof>` header against the change's key and NIK.
fn check_status_proof(
    header: Option<&str>,
    id: &RecoveryId,
    r: &Recovery,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let (secs, proof) = header
        .and_then(|h| h.trim().split_once('.'))
        .ok_or_else(proof_invalid)?;
    let secs: i64 = secs.parse().map_err(|_| proof_invalid())?;
    if (now.timestamp() - secs).abs() > STATUS_PROOF_SKEW_SECS {
        return Err(proof_invalid());
    }
    let proof: DeviceProof = proof.parse().map_err(|_| proof_invalid())?;
    let key = parse_device_key(&r.device_key)?;
    proof
        .verify(
            &key,
            ProofPurpose::Activate,
            &r.nik,
            &status_challenge(id, secs),
        )
        .map_err(|_| proof_invalid())
}

/// Where a confirmed device change stands, for the new phone that started it.
#[utoipa::path(get, path = "/v1/recovery/{id}", tag = "resident",
    params(("id" = String, Path, description = "Recovery id"),
        ("ikd-recovery-proof" = String, Header, description = "`<unix seconds>.<device proof>`: the new key's proof (purpose `activate`) over `<id>/status/<unix seconds>`, within 5 minutes of the server's clock")),
    responses(
        (status = 200, description = "The change: `waiting`, `ready`, `completed` or `cancelled`", body = DeviceChangeView),
        (status = 401, description = "Missing, wrong or stale device proof (`recovery_proof_invalid`)", body = Problem),
        (status = 404, description = "No confirmed change with this id (`recovery_not_found`), one answer for unknown, unconfirmed and decoy ids", body = Problem),
    ))]
pub async fn status(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<DeviceChangeView>, ApiError> {
    let now = app.now();
    let id = parse_id(&id)?;
    let header = headers
        .get(STATUS_PROOF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    app.db(move |store| {
        let r = recoveries::get(store.connection(), &id.to_string())?.ok_or_else(not_found)?;
        let view = view(id, &r, now).ok_or_else(not_found)?;
        check_status_proof(header.as_deref(), &id, &r, now)?;
        Ok(Json(view))
    })
    .await
}

/// Why a change cannot complete now (or be confirmed again).
pub fn refusal(view: &DeviceChangeView, now: DateTime<Utc>) -> ApiError {
    match view.state {
        DeviceChangeState::Cancelled => ApiError::new(
            StatusCode::GONE,
            "device_change_cancelled",
            "Pindah perangkat ini dibatalkan (dari ponsel lama, tautan email, atau kantor Disdukcapil) dan tidak dapat diselesaikan.",
            "This device change was cancelled (from the old phone, the mailed link or the Disdukcapil office) and can never complete.",
        ),
        DeviceChangeState::Completed => ApiError::new(
            StatusCode::CONFLICT,
            "device_change_completed",
            "Pindah perangkat ini sudah selesai.",
            "This device change has already completed.",
        ),
        _ => {
            let at = view.completes_at.format("%Y-%m-%d %H:%M");
            ApiError::new(
                StatusCode::CONFLICT,
                "device_change_waiting",
                format!("Pindah perangkat masih dalam masa tunggu sampai {at} UTC; sampai saat itu ponsel lama atau tautan di email dapat membatalkannya. Kantor Disdukcapil dapat mempercepatnya jika Anda datang dengan KTP-el. Masukkan PIN baru lagi setelah waktu itu."),
                format!("The device change is waiting until {at} UTC; until then the old phone or the mailed link can cancel it. A Disdukcapil office can speed it up if you visit with your KTP-el. Enter the new PIN again after that time."),
            )
            .retry_after((view.completes_at - now).num_seconds().max(1) as u64)
        }
    }
}

/// Completes a device change whose wait is over: the account moves to the new device.
#[utoipa::path(post, path = "/v1/recovery/{id}/complete", tag = "resident", request_body = RecoveryCompleteRequest,
    params(("id" = String, Path, description = "Recovery id")),
    responses(
        (status = 200, description = "The account is on the new device; a session is returned", body = SessionView),
        (status = 400, description = "Bad device proof (another key than the one that started) or malformed field", body = Problem),
        (status = 404, description = "No confirmed change with this id for this NIK (`recovery_not_found`)", body = Problem),
        (status = 409, description = "Still waiting (`device_change_waiting`, Retry-After) or already completed (`device_change_completed`)", body = Problem),
        (status = 410, description = "Cancelled for good (`device_change_cancelled`)", body = Problem),
    ))]
pub async fn complete(
    State(app): State<AppState>,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<RecoveryCompleteRequest>,
) -> Result<Json<SessionView>, ApiError> {
    let now = app.now();
    let id = parse_id(&id)?;
    let proof: DeviceProof = req
        .device_proof
        .parse()
        .map_err(|e| ApiError::bad_request(&e))?;
    let fresh = Fresh::draw(&app)?;
    let mailer = app.mailer().clone();
    let (session, mail) = app
        .db(move |store| {
            let tx = store.connection_mut().transaction()?;
            let id_text = id.to_string();
            let r = recoveries::get(&tx, &id_text)?
                .filter(|r| r.nik == req.nik.trim())
                .ok_or_else(not_found)?;
            let view = view(id, &r, now).ok_or_else(not_found)?;
            let key = parse_device_key(&r.device_key)?;
            proof
                .verify(
                    &key,
                    ProofPurpose::Activate,
                    &r.nik,
                    &complete_challenge(&id),
                )
                .map_err(|e| ApiError::bad_request(&e))?;
            if view.state != DeviceChangeState::Ready {
                return Err(refusal(&view, now));
            }
            let email = accounts::email(&tx, &r.nik)?
                .ok_or_else(|| ApiError::internal(&"device change without an account"))?;
            let session = bind_device(
                &tx,
                &r.nik,
                &r.device_key,
                &req.pin_proof,
                ActivityKind::DeviceChanged,
                &fresh,
                now,
            )?;
            device_changes::complete(&tx, &id_text, now)?;
            let mail = Mail::notice(&email, &r.nik, Notice::DeviceChanged { at: now });
            mailer.record(&tx, &mail, now)?;
            tx.commit()?;
            Ok((session, mail))
        })
        .await?;
    app.mailer().deliver(mail).await;
    Ok(Json(session))
}

/// Who cancelled a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelledBy<'a> {
    /// The old phone's session.
    OldDevice,
    /// The link in the notice mail.
    MailLink,
    /// An operator of the resident's office.
    Operator(&'a str),
}

/// Cancels waiting change `id` of `nik` for good, with the changes of `nik` still waiting for
/// their code; logs it and records the confirmation mail in `conn` (the caller commits and
/// delivers). `None` if `id` was not waiting.
pub fn cancel(
    conn: &Connection,
    mailer: &Mailer,
    id: &str,
    nik: &str,
    by: CancelledBy<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Mail>, ApiError> {
    let (stored, detail) = match by {
        CancelledBy::OldDevice => ("old_device".to_owned(), "old_device"),
        CancelledBy::MailLink => ("mail_link".to_owned(), "mail_link"),
        CancelledBy::Operator(who) => (format!("operator:{who}"), "operator"),
    };
    if !device_changes::cancel(conn, id, now, &stored)? {
        return Ok(None);
    }
    device_changes::cancel_unconfirmed(conn, nik, now, &stored)?;
    let d = Detail {
        detail: Some(detail),
        ..Detail::default()
    };
    activity::log_with(conn, nik, now, ActivityKind::DeviceChangeCancelled, d)?;
    let Some(email) = accounts::email(conn, nik)? else {
        return Ok(None);
    };
    let by_office = matches!(by, CancelledBy::Operator(_));
    let mail = Mail::notice(
        &email,
        nik,
        Notice::DeviceChangeCancelled { at: now, by_office },
    );
    mailer.record(conn, &mail, now)?;
    Ok(Some(mail))
}

/// The device change waiting on the caller's account, if any (the old phone's banner).
#[utoipa::path(get, path = "/v1/me/device-change", tag = "resident", security(("session" = [])),
    responses((status = 200, description = "The waiting change, or `pending: null`", body = MyDeviceChange),
        (status = 401, description = "No session", body = Problem)))]
pub async fn mine(
    State(app): State<AppState>,
    session: Session,
) -> Result<Json<MyDeviceChange>, ApiError> {
    app.db(move |store| {
        let pending = device_changes::waiting_for(store.connection(), &session.nik)?.map(|w| {
            PendingDeviceChange {
                started_at: w.confirmed_at,
                completes_at: w.completes_at,
                from: "new_phone".into(),
            }
        });
        Ok(Json(MyDeviceChange { pending }))
    })
    .await
}

/// Cancels the device change waiting on the caller's account, for good.
#[utoipa::path(post, path = "/v1/me/device-change/cancel", tag = "resident", security(("session" = [])),
    responses((status = 204, description = "Cancelled; a confirmation was mailed"),
        (status = 401, description = "No session", body = Problem),
        (status = 404, description = "No device change is waiting (`device_change_none`)", body = Problem)))]
pub async fn cancel_mine(
    State(app): State<AppState>,
    session: Session,
) -> Result<StatusCode, ApiError> {
    let now = app.now();
    let mailer = app.mailer().clone();
    let mail = app
        .db(move |store| {
            let tx = store.connection_mut().transaction()?;
            let none = || {
                ApiError::not_found(
                    "device_change_none",
                    "Tidak ada pindah perangkat yang sedang menunggu.",
                    "No device change is waiting.",
                )
            };
            let w = device_changes::waiting_for(&tx, &session.nik)?.ok_or_else(none)?;
            let mail = cancel(&tx, &mailer, &w.id, &w.nik, CancelledBy::OldDevice, now)?;
            tx.commit()?;
            Ok(mail)
        })
        .await?;
    if let Some(mail) = mail {
        app.mailer().deliver(mail).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The mailed link's token.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CancelToken {
    token: String,
}

/// A small bilingual page (Bahasa Indonesia first) with no script.
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{title}</title></head><body style=\"font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem\"><h1 style=\"font-size:1.3rem\">{title}</h1>{body}</body></html>"
    );
    let headers = [
        (
            axum::http::header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
        (axum::http::header::CACHE_CONTROL, "no-store"),
        (axum::http::header::REFERRER_POLICY, "no-referrer"),
    ];
    (status, headers, axum::response::Html(html)).into_response()
}

fn link_invalid() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Tautan tidak berlaku / Link not valid",
        "<p>Tautan pembatalan ini tidak berlaku lagi: pindah perangkat sudah selesai atau sudah dibatalkan, atau tautannya tidak lengkap.</p><p lang=\"en\">This cancel link no longer works: the device change has already completed or been cancelled, or the link is incomplete.</p>",
    )
}

async fn waiting_by_token(
    app: &AppState,
    token: &str,
) -> Result<Option<(String, String)>, ApiError> {
    let hash = token_hash(token);
    app.db(move |store| Ok(device_changes::by_cancel_token(store.connection(), &hash)?))
        .await
}

/// `GET /device-change/cancel?token=…`: the page with the one button that cancels (a GET never
/// cancels, so a mail scanner following the link changes nothing).
pub async fn cancel_page(State(app): State<AppState>, Query(q): Query<CancelToken>) -> Response {
    match waiting_by_token(&app, &q.token).await {
        Ok(Some(_)) => page(
            StatusCode::OK,
            "Batalkan pindah perangkat / Cancel the device change",
            &format!(
                "<p>Seseorang akan memindahkan KTP Digital Anda ke ponsel baru. Jika itu bukan Anda, batalkan di sini: KTP Digital tetap di ponsel lama.</p><p lang=\"en\">Someone is about to move your Digital KTP to a new phone. If that is not you, cancel it here: your Digital KTP stays on the old phone.</p><form method=\"post\" action=\"/device-change/cancel\"><input type=\"hidden\" name=\"token\" value=\"{}\"><button type=\"submit\" data-testid=\"cancel\" style=\"font:inherit;padding:.75rem 1.5rem\">Batalkan / Cancel</button></form>",
                escape(&q.token)
            ),
        ),
        Ok(None) => link_invalid(),
        Err(e) => e.into_response(),
    }
}

/// `POST /device-change/cancel` (form `token`): cancels the change of the mailed link for good.
pub async fn cancel_link(
    State(app): State<AppState>,
    form: Result<Form<CancelToken>, axum::extract::rejection::FormRejection>,
) -> Response {
    let token = form.map(|Form(f)| f.token).unwrap_or_default();
    let now = app.now();
    let mailer = app.mailer().clone();
    let hash = token_hash(&token);
    let done = app
        .db(move |store| {
            let tx = store.connection_mut().transaction()?;
            let Some((id, nik)) = device_changes::by_cancel_token(&tx, &hash)? else {
                return Ok(None);
            };
            let mail = cancel(&tx, &mailer, &id, &nik, CancelledBy::MailLink, now)?;
            tx.commit()?;
            Ok(Some(mail))
        })
        .await;
    match done {
        Ok(Some(mail)) => {
            if let Some(mail) = mail {
                app.mailer().deliver(mail).await;
            }
            page(
                StatusCode::OK,
                "Dibatalkan / Cancelled",
                "<p data-testid=\"cancelled\">Pindah perangkat dibatalkan. KTP Digital Anda tetap di ponsel lama; konfirmasi dikirim ke email Anda.</p><p lang=\"en\">The device change is cancelled. Your Digital KTP stays on the old phone; a confirmation was mailed to you.</p>",
            )
        }
        Ok(None) => link_invalid(),
        Err(e) => e.into_response(),
    }
}
