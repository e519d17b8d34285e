//! The console's page of waiting device changes (`/operator/device-changes`): those in the
//! operator's region, with the new phone's selfie frames, an approve-early button and a reject
//! button (each a POST with the session's form token). The rules are
//! [`crate::api::device_change_office`]'s; this file only renders and routes.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use ikd_core::Lang;
use serde::Deserialize;

use super::render::{Banner, hidden_csrf, keep, login_page, page};
use super::{csrf_ok, csrf_token, lang_of, session_token};
use crate::api::device_change_office::{
    OfficeDecision, OfficeDeviceChange, decide_now, waiting_in_scope,
};
use crate::api::operator::Operator;
use crate::api::problem::ApiError;
use crate::api::state::AppState;
use crate::text::{escape, pick as tr};

/// The approve/reject form: only the form token.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecideForm {
    csrf: String,
}

fn row(c: &OfficeDeviceChange, lang: Lang, csrf: &str) -> String {
    let id = escape(&c.recovery_id);
    let frames: String = (0..c.frames)
        .map(|i| {
            format!(
                "<img src=\"/operator/liveness/{}/{i}\" width=\"80\" height=\"60\" alt=\"{} {}\">",
                escape(&c.challenge_id),
                tr(lang, "Bingkai", "Frame"),
                i + 1
            )
        })
        .collect();
    let form = |action: &str, label: &str, class: &str| {
        format!(
            "<form method=\"post\" action=\"/operator/device-changes/{id}/{action}{}\">{}<button type=\"submit\" class=\"{class}\">{label}</button></form>",
            keep(lang),
            hidden_csrf(csrf)
        )
    };
    format!(
        "<tr data-testid=\"device-change-{id}\"><td>{}<br>{}</td><td>{} UTC</td><td>{} UTC</td><td>{frames}</td><td>{}{}</td></tr>",
        escape(&c.nik),
        escape(c.name.as_deref().unwrap_or("")),
        c.started_at.format("%Y-%m-%d %H:%M"),
        c.completes_at.format("%Y-%m-%d %H:%M"),
        form("approve", tr(lang, "Setujui sekarang", "Approve now"), ""),
        form(
            "reject",
            tr(lang, "Tolak (batalkan)", "Reject (cancel)"),
            "danger"
        ),
    )
}

async fn render(
    app: &AppState,
    op: &Operator,
    session: &str,
    lang: Lang,
    status: StatusCode,
    banner: Option<Banner>,
) -> Response {
    let now = app.now();
    let scope = op.clone();
    let loaded = app
        .db(move |store| Ok(waiting_in_scope(store.connection(), &scope, now)?))
        .await;
    let csrf = csrf_token(app, session);
    let banner = banner.map(|b| b.html()).unwrap_or_default();
    let (status, content) = match loaded {
        Ok(list) if list.is_empty() => (
            status,
            format!(
                "<p data-testid=\"no-device-changes\">{}</p>",
                tr(
                    lang,
                    "Tidak ada pindah perangkat yang menunggu di wilayah Anda.",
                    "No device change is waiting in your region."
                )
            ),
        ),
        Ok(list) => {
            let rows: String = list.iter().map(|c| row(c, lang, &csrf)).collect();
            let head = tr(
                lang,
                "<th>NIK / Nama</th><th>Dikonfirmasi</th><th>Selesai pada</th><th>Swafoto ponsel baru</th><th>Keputusan</th>",
                "<th>NIK / Name</th><th>Confirmed</th><th>Completes at</th><th>New phone's selfie</th><th>Decision</th>",
            );
            (
                status,
                format!("<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"),
            )
        }
        Err(e) => (e.status, Banner::error(&e, lang).html()),
    };
    let body = format!(
        "<p><a href=\"/operator{}\">{}</a></p><h1>{}</h1><p>{}</p>{banner}{content}",
        keep(lang),
        tr(lang, "← Antrean pendaftaran", "← Registration queue"),
        tr(lang, "Pindah perangkat menunggu", "Waiting device changes"),
        tr(
            lang,
            "Setujui hanya jika penduduk datang sendiri dengan KTP-el dan wajahnya cocok dengan swafoto. Tolak jika penduduk tidak memintanya.",
            "Approve only when the resident came in person with their KTP-el and matches the selfie. Reject when the resident did not ask for it."
        ),
    );
    page(
        status,
        lang,
        tr(lang, "Pindah perangkat", "Device changes"),
        &body,
    )
}

/// `GET /operator/device-changes`: the waiting changes of the operator's region.
pub async fn list(
    State(app): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    op: Result<Operator, ApiError>,
) -> Response {
    let lang = lang_of(&uri);
    match (op, session_token(&app, &headers)) {
        (Ok(op), Some(session)) => render(&app, &op, &session, lang, StatusCode::OK, None).await,
        _ => login_page(lang, StatusCode::UNAUTHORIZED, None),
    }
}

async fn decide_and_show(
    app: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    op: Result<Operator, ApiError>,
    form: Result<Form<DecideForm>, FormRejection>,
    id: String,
    decision: OfficeDecision,
) -> Response {
    let lang = lang_of(uri);
    let Form(form) = form.unwrap_or_default();
    let (Ok(op), Some(session)) = (op, session_token(app, headers)) else {
        return login_page(lang, StatusCode::UNAUTHORIZED, None);
    };
    if !csrf_ok(app, &session, &form.csrf) {
        let banner = Banner::form_expired(lang);
        return render(
            app,
            &op,
            &session,
            lang,
            StatusCode::FORBIDDEN,
            Some(banner),
        )
        .await;
    }
    let (status, banner) = match decide_now(app, op.clone(), id, decision).await {
        Ok(()) => {
            let text = match decision {
                OfficeDecision::Approve => tr(
                    lang,
                    "Disetujui: ponsel baru dapat menyelesaikan pindah perangkat sekarang.",
                    "Approved: the new phone can complete the device change now.",
                ),
                OfficeDecision::Reject => tr(
                    lang,
                    "Ditolak: pindah perangkat dibatalkan dan penduduk diberi tahu lewat email.",
                    "Rejected: the device change is cancelled and the resident was mailed.",
                ),
            };
            (
                StatusCode::OK,
                Banner {
                    ok: true,
                    text: text.into(),
                },
            )
        }
        Err(e) => (e.status, Banner::error(&e, lang)),
    };
    render(app, &op, &session, lang, status, Some(banner)).await
}

/// `POST /operator/device-changes/{id}/approve`.
pub async fn approve(
    State(app): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    op: Result<Operator, ApiError>,
    form: Result<Form<DecideForm>, FormRejection>,
) -> Response {
    decide_and_show(&app, &uri, &headers, op, form, id, OfficeDecision::Approve).await
}

/// `POST /operator/device-changes/{id}/reject`.
pub async fn reject(
    State(app): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    op: Result<Operator, ApiError>,
    form: Result<Form<DecideForm>, FormRejection>,
) -> Response {
    decide_and_show(&app, &uri, &headers, op, form, id, OfficeDecision::Reject).await
}
