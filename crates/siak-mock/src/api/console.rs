//! The operator console: a small server-rendered page at `/operator` where a Disdukcapil operator
//! logs in, sees the queue of registrations waiting for a scan, scans or pastes the resident's
//! registration QR to approve, or rejects with a reason. Bahasa Indonesia by default, English with
//! `?lang=en`. It calls the same [`operator`] and [`decision`] functions as the JSON endpoints.
//!
//! It must never show a raw error (every failure is a localized banner), never echo a value
//! unescaped (everything goes through [`crate::text::escape`]), and never accept a POST without the session's
//! form token (CSRF: a `SameSite=Strict` cookie plus an HMAC of the session token). No external
//! scripts or styles: the camera scan uses the browser's `BarcodeDetector` when it has one.

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ikd_core::{Lang, Localized, RejectionReason};
use ring::hmac;
use serde::Deserialize;

use super::client::ClientAddr;
use super::decision::{self, Decision};
use super::operator::{self, Operator, session_cookie};
use super::operator_login::log_in;
use super::operator_queue::{self, QueueQuery};
use super::problem::ApiError;
use super::session::token_hash;
use super::state::AppState;
use crate::store::audit::AuditAction;
use crate::store::{liveness, operators};
use crate::text::pick as tr;

pub mod device_changes;
mod render;

use render::{Banner, keep, login_page};

/// Domain separation of the form token from the pepper's other uses.
const CSRF_LABEL: &[u8] = b"siak-mock operator console form token\n";

/// The console's language: `?lang=en` for English, Bahasa Indonesia otherwise.
fn lang_of(uri: &Uri) -> Lang {
    uri.query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")))
        .and_then(Lang::from_tag)
        .unwrap_or_default()
}

/// The console session token from the cookie (the console never uses bearer tokens).
fn session_token(app: &AppState, headers: &HeaderMap) -> Option<String> {
    operator::cookie_token(app, headers)
}

fn csrf_key(app: &AppState) -> hmac::Key {
    hmac::Key::new(
        hmac::HMAC_SHA256,
        &app.secrets().key(crate::secrets::Purpose::ConsoleForm),
    )
}

/// The form token of a session: HMAC-SHA256(pepper, label ‖ session token), base64url.
fn csrf_token(app: &AppState, session: &str) -> String {
    B64.encode(hmac::sign(
        &csrf_key(app),
        &[CSRF_LABEL, session.as_bytes()].concat(),
    ))
}

fn csrf_ok(app: &AppState, session: &str, given: &str) -> bool {
    B64.decode(given).is_ok_and(|tag| {
        hmac::verify(
            &csrf_key(app),
            &[CSRF_LABEL, session.as_bytes()].concat(),
            &tag,
        )
        .is_ok()
    })
}

/// Loads the queue page `query` asks for and renders the logged-in page.
async fn queue_page(
    app: &AppState,
    op: &Operator,
    session: &str,
    lang: Lang,
    status: StatusCode,
    banner: Option<Banner>,
    query: QueueQuery,
) -> Response {
    let (op, national) = (op.clone(), op.is_national());
    let today = app.now().date_naive();
    let loaded = app
        .db(move |store| {
            let conn = store.connection();
            let name = operators::display_name(conn, &op.username)?;
            let page = operator_queue::page(conn, &op, &query, today)?;
            Ok((page, name.unwrap_or(op.username)))
        })
        .await;
    render::queue_page(
        lang,
        status,
        &csrf_token(app, session),
        banner,
        national,
        loaded,
    )
}

/// A logged-in operator with a console session whose form token matched, or the page to show.
async fn guard(
    app: &AppState,
    headers: &HeaderMap,
    op: Result<Operator, ApiError>,
    csrf: &str,
    lang: Lang,
) -> Result<(Operator, String), Response> {
    let (Ok(op), Some(session)) = (op, session_token(app, headers)) else {
        let text = tr(
            lang,
            "Sesi Anda berakhir. Silakan masuk kembali.",
            "Your session has ended. Please log in again.",
        );
        return Err(login_page(
            lang,
            StatusCode::UNAUTHORIZED,
            Some(Banner {
                ok: false,
                text: text.into(),
            }),
        ));
    };
    if !csrf_ok(app, &session, csrf) {
        let banner = Banner::form_expired(lang);
        return Err(queue_page(
            app,
            &op,
            &session,
            lang,
            StatusCode::FORBIDDEN,
            Some(banner),
            QueueQuery::default(),
        )
        .await);
    }
    Ok((op, session))
}

/// `GET /operator`: the queue (filtered and paged by the query, as the JSON list), or the login
/// form when there is no session.
pub async fn home(
    State(app): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    op: Result<Operator, ApiError>,
    query: Result<Query<QueueQuery>, QueryRejection>,
) -> Response {
    let lang = lang_of(&uri);
    let query = query.map(|Query(q)| q).unwrap_or_default();
    match (op, session_token(&app, &headers)) {
        (Ok(op), Some(session)) => {
            queue_page(&app, &op, &session, lang, StatusCode::OK, None, query).await
        }
        _ => login_page(lang, StatusCode::OK, None),
    }
}

/// The login form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    username: String,
    password: String,
}

/// `POST /operator/login`: sets the session cookie and goes back to the queue. Throttled like
/// the JSON login (429 with `Retry-After`).
pub async fn login(
    State(app): State<AppState>,
    uri: Uri,
    from: ClientAddr,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let lang = lang_of(&uri);
    let Form(form) = form.unwrap_or_default();
    match log_in(&app, &form.username, &form.password, from).await {
        Ok(token) => (
            [(header::SET_COOKIE, session_cookie(&app, &token))],
            Redirect::to(&format!("/operator{}", keep(lang))),
        )
            .into_response(),
        Err(e) => {
            let retry_after = e.retry_after;
            let mut page = login_page(lang, e.status, Some(Banner::error(&e, lang)));
            if let Some(secs) = retry_after {
                page.headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
            }
            page
        }
    }
}

/// A form that only carries the form token.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LogoutForm {
    csrf: String,
}

/// `POST /operator/logout`: ends the session and clears the cookie.
pub async fn logout(
    State(app): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    op: Result<Operator, ApiError>,
    form: Result<Form<LogoutForm>, FormRejection>,
) -> Response {
    let lang = lang_of(&uri);
    let Form(form) = form.unwrap_or_default();
    let (_, session) = match guard(&app, &headers, op, &form.csrf, lang).await {
        Ok(ok) => ok,
        Err(page) => return page,
    };
    let ended = app
        .db(move |store| {
            Ok(operators::end_session(
                store.connection(),
                &token_hash(&session),
            )?)
        })
        .await;
    if let Err(e) = ended {
        return login_page(lang, e.status, Some(Banner::error(&e, lang)));
    }
    (
        [(header::SET_COOKIE, session_cookie(&app, ""))],
        Redirect::to(&format!("/operator{}", keep(lang))),
    )
        .into_response()
}

/// The approve form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ApproveForm {
    csrf: String,
    registration_qr: String,
}

/// The reject form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RejectForm {
    csrf: String,
    reason: String,
    note: String,
}

/// Runs `decision` for a guarded POST and shows the queue with the outcome.
async fn decide_and_show(
    app: &AppState,
    headers: &HeaderMap,
    op: Result<Operator, ApiError>,
    csrf: &str,
    lang: Lang,
    id: &str,
    decision: Result<Decision, ApiError>,
) -> Response {
    let (op, session) = match guard(app, headers, op, csrf, lang).await {
        Ok(ok) => ok,
        Err(page) => return page,
    };
    let note = match &decision {
        Ok(Decision::Reject {
            note: Some(note), ..
        }) => format!(" {} {note}", tr(lang, "Catatan:", "Note:")),
        _ => String::new(),
    };
    let outcome = match decision {
        Ok(decision) => decision::apply(app, &op, id, decision).await,
        Err(e) => Err(e),
    };
    let (status, banner) = match outcome {
        Ok(view) => {
            let id = view.registration_id;
            let text = match (view.reason_message_id, view.reason_message_en) {
                (Some(id_reason), Some(en_reason)) => tr(
                    lang,
                    format!(
                        "Pendaftaran {id} ditolak: {id_reason} Alasan dikirim ke email penduduk."
                    ),
                    format!(
                        "Registration {id} rejected: {en_reason} The reason was mailed to the resident."
                    ),
                ),
                _ => tr(
                    lang,
                    format!("Pendaftaran {id} disetujui. Kode aktivasi dikirim ke email penduduk."),
                    format!(
                        "Registration {id} approved. The activation code was mailed to the resident."
                    ),
                ),
            };
            let text = text + &note;
            (StatusCode::OK, Banner { ok: true, text })
        }
        Err(e) => (e.status, Banner::error(&e, lang)),
    };
    let query = QueueQuery::default();
    queue_page(app, &op, &session, lang, status, Some(banner), query).await
}

/// `POST /operator/registrations/{id}/approve`: approve after the QR scan.
pub async fn approve(
    State(app): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    op: Result<Operator, ApiError>,
    form: Result<Form<ApproveForm>, FormRejection>,
) -> Response {
    let Form(form) = form.unwrap_or_default();
    let decision = Ok(Decision::Approve {
        scanned_qr: form.registration_qr.trim().to_owned(),
    });
    decide_and_show(&app, &headers, op, &form.csrf, lang_of(&uri), &id, decision).await
}

/// `POST /operator/registrations/{id}/reject`: reject with a reason and an optional note.
pub async fn reject(
    State(app): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    op: Result<Operator, ApiError>,
    form: Result<Form<RejectForm>, FormRejection>,
) -> Response {
    let Form(form) = form.unwrap_or_default();
    let note = Some(form.note.trim().to_owned()).filter(|n| !n.is_empty());
    let decision = RejectionReason::ALL
        .into_iter()
        .find(|r| r.code() == form.reason)
        .map(|reason| Decision::Reject { reason, note })
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "rejection_reason_required",
                "Pilih alasan penolakan dari daftar.",
                "Choose a reason for the rejection from the list.",
            )
        });
    decide_and_show(&app, &headers, op, &form.csrf, lang_of(&uri), &id, decision).await
}

/// `GET /operator/liveness/{challenge}/{index}`: one frame of a liveness check (JPEG), for a
/// signed-in operator whose region covers the resident (else: as a frame that does not exist).
/// Each frame served is audited.
pub async fn liveness_frame(
    State(app): State<AppState>,
    op: Operator,
    axum::extract::Path((challenge, index)): axum::extract::Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let now = app.now();
    let jpeg = app
        .db(move |store| {
            let tx = store.connection_mut().transaction()?;
            let Some(nik) = liveness::challenge_nik(&tx, &challenge)?
                .filter(|nik| op.covers(nik, now.date_naive()))
            else {
                return Ok(None);
            };
            let jpeg = liveness::frame(&tx, &challenge, index)?;
            if jpeg.as_ref().is_some_and(|j| !j.is_empty()) {
                let subject = format!("{challenge}/{index}");
                op.audit(&tx, AuditAction::FrameViewed, &subject, &nik, now)?;
                tx.commit()?;
            }
            Ok(jpeg)
        })
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                "liveness_frame_not_found",
                "Bingkai swafoto ini tidak ada.",
                "There is no such selfie frame.",
            )
        })?;
    if jpeg.is_empty() {
        return Err(ApiError::new(
            StatusCode::GONE,
            "liveness_frame_deleted",
            "Gambar bingkai swafoto ini sudah dihapus: gambar disimpan hanya selama masa retensi setelah pengajuan selesai.",
            "The picture of this selfie frame was deleted: pictures are kept only for the retention period after the case ended.",
        ));
    }
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "image/jpeg"),
            (axum::http::header::CACHE_CONTROL, "private, no-store"),
        ],
        jpeg,
    )
        .into_response())
}

/// `GET /operator/audit`: the audit trail, newest first, a page at a time (`?before=<id>`); the
/// national office only (others see a refusal banner, 403).
pub async fn audit_page(
    State(app): State<AppState>,
    uri: Uri,
    op: Result<Operator, ApiError>,
    query: Result<Query<super::audit::AuditQuery>, QueryRejection>,
) -> Response {
    let lang = lang_of(&uri);
    let Ok(op) = op else {
        return login_page(lang, StatusCode::UNAUTHORIZED, None);
    };
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let loaded = super::audit::page(&app, &op, query).await;
    render::audit_page(lang, loaded)
}
