//! The operator's queue, a page at a time: registrations in one state (`waiting` by default),
//! of the operator's region only (an office its regency, `pusat` every regency or the one it
//! filters on), oldest first while they wait and newest first once decided. Pages continue with
//! a cursor `<created_at>,<id>`: `after=` for the waiting queue, `before=` for the others; the
//! JSON answer names the next page in a `Link: <…>; rel="next"` header, the console as a link.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use ikd_core::{ChallengeId, RegistrationId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::operator::Operator;
use super::problem::{ApiError, Problem};
use super::registration::{RegistrationView, view};
use super::state::AppState;
use crate::store::registrations::{self, QueueFilter, QueueRow};

/// Registrations per page unless `limit` says otherwise.
pub const DEFAULT_PAGE: u32 = 50;
/// The largest page.
pub const MAX_PAGE: u32 = 100;

/// A registration in the operator's queue, with the resident's register data to compare.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QueueItem {
    /// The registration.
    pub registration: RegistrationView,
    /// NIK.
    pub nik: String,
    /// Name in the register.
    pub name: String,
    /// Regency of the family card address.
    pub regency: String,
    /// Email given at registration.
    pub email: String,
    /// Phone given at registration.
    pub phone: String,
    /// The liveness check that came with it (every registration since liveness is required).
    pub liveness: Option<LivenessRecord>,
}

/// The liveness check of a registration, for the operator.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LivenessRecord {
    /// The challenge id; the frames are at `/operator/liveness/{challenge_id}/{index}`.
    pub challenge_id: ChallengeId,
    /// The movements asked, in order.
    pub actions: Vec<String>,
    /// `passed` (the server re-ran the analysis on the frames).
    pub result: String,
    /// From the first to the last frame, in milliseconds.
    pub duration_ms: u32,
    /// How many frames were kept.
    pub frames: u32,
}

/// The query of a queue page (JSON API and console alike).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `waiting` (default), `approved`, `activated` or `rejected`.
    pub state: Option<String>,
    /// Only this regency (`PPRR`); an office operator may name only its own.
    pub region: Option<String>,
    /// The waiting queue: continue after this `<created_at>,<id>` (oldest first).
    pub after: Option<String>,
    /// Decided states: continue before this `<created_at>,<id>` (newest first).
    pub before: Option<String>,
    /// Registrations per page, 1 to 100 (default 50).
    pub limit: Option<String>,
}

/// One page and the query of the next one.
#[derive(Debug, Clone)]
pub struct QueuePage {
    /// The registrations.
    pub items: Vec<QueueItem>,
    /// The query string of the next page, when there is one.
    pub next: Option<String>,
    /// The state listed (`waiting`, `approved`, …).
    pub state: String,
    /// The regency filtered on, when one was asked for.
    pub region: Option<String>,
}

fn invalid(code: &'static str, id: &str, en: &str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, id, en)
}

/// The stored state of a `state=` value.
fn stored_state(state: &str) -> Option<&'static str> {
    match state {
        "waiting" | "awaiting_operator_scan" => Some("awaiting_operator_scan"),
        "approved" => Some("approved"),
        "activated" => Some("activated"),
        "rejected" => Some("rejected"),
        _ => None,
    }
}

/// The page size a `limit=` asks for: `default` without one, `None` unless it is 1 to `max`.
pub fn page_limit(given: Option<&str>, default: u32, max: u32) -> Option<u32> {
    match given {
        None => Some(default),
        Some(l) => l.parse().ok().filter(|l| (1..=max).contains(l)),
    }
}

fn parse_cursor(text: &str) -> Option<(DateTime<Utc>, String)> {
    let (at, id) = text.split_once(',')?;
    let at = DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc);
    let id: RegistrationId = id.parse().ok()?;
    Some((at, id.to_string()))
}

/// Checks a query against what `op` may see and turns it into the store's filter.
fn filter(op: &Operator, q: &QueueQuery) -> Result<(QueueFilter, String), ApiError> {
    let state_name = q.state.clone().unwrap_or_else(|| "waiting".into());
    let state = stored_state(&state_name).ok_or_else(|| {
        invalid(
            "queue_state_invalid",
            "Status harus waiting, approved, activated atau rejected.",
            "The state must be waiting, approved, activated or rejected.",
        )
    })?;
    let region = q.region.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if let Some(r) = region
        && !(r.len() == 4 && r.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(invalid(
            "queue_region_invalid",
            "Wilayah ditulis sebagai kode kabupaten/kota 4 angka (PPRR).",
            "A region is a 4-digit regency code (PPRR).",
        ));
    }
    let region = match (op.is_national(), region) {
        (true, region) => region.map(str::to_owned),
        (false, None) => Some(op.office.code.clone()),
        (false, Some(r)) if r == op.office.code => Some(r.to_owned()),
        (false, Some(_)) => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "operator_region_out_of_scope",
                "Wilayah ini di luar wilayah kantor Anda.",
                "This region is outside your office's region.",
            ));
        }
    };
    let oldest_first = state == "awaiting_operator_scan";
    let (cursor, wrong) = if oldest_first {
        (&q.after, &q.before)
    } else {
        (&q.before, &q.after)
    };
    let cursor_error = || {
        invalid(
            "queue_cursor_invalid",
            "Penanda halaman tidak sah. Mulai lagi dari halaman pertama.",
            "The page cursor is not valid. Start again from the first page.",
        )
    };
    if wrong.is_some() {
        return Err(cursor_error());
    }
    let cursor = cursor
        .as_deref()
        .map(|c| parse_cursor(c).ok_or_else(cursor_error))
        .transpose()?;
    let limit = page_limit(q.limit.as_deref(), DEFAULT_PAGE, MAX_PAGE).ok_or_else(|| {
        invalid(
            "queue_limit_invalid",
            "Jumlah per halaman 1 sampai 100.",
            "A page holds 1 to 100 registrations.",
        )
    })?;
    let filter = QueueFilter {
        state: state.into(),
        region,
        oldest_first,
        cursor,
        limit,
    };
    Ok((filter, state_name))
}

/// Reads one page of the queue `op` asked for with `q`.
pub fn page(
    conn: &rusqlite::Connection,
    op: &Operator,
    q: &QueueQuery,
    today: chrono::NaiveDate,
) -> Result<QueuePage, ApiError> {
    let (mut filter, state) = filter(op, q)?;
    let limit = filter.limit;
    filter.limit = limit + 1;
    let mut rows = registrations::queue(conn, &filter)?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = rows.last().filter(|_| more).map(|last| {
        let cursor = format!(
            "{},{}",
            crate::store::ts(last.pending.created_at),
            last.pending.id
        );
        let key = if filter.oldest_first {
            "after"
        } else {
            "before"
        };
        let region = q
            .region
            .as_deref()
            .map(|r| format!("&region={}", r.trim()))
            .unwrap_or_default();
        format!("state={state}{region}&{key}={cursor}&limit={limit}")
    });
    let items = rows
        .into_iter()
        .filter(|row| op.covers(&row.nik, today))
        .map(queue_item)
        .collect();
    Ok(QueuePage {
        items,
        next,
        state,
        region: q.region.clone(),
    })
}

fn queue_item(row: QueueRow) -> QueueItem {
    QueueItem {
        registration: view(row.pending.id, row.state, row.pending.created_at),
        nik: row.nik,
        name: row.name,
        regency: row.regency,
        email: row.email,
        phone: row.phone,
        liveness: row.liveness.map(|l| LivenessRecord {
            challenge_id: l.challenge_id,
            actions: l.actions,
            result: l.result,
            duration_ms: l.duration_ms,
            frames: l.frames,
        }),
    }
}

/// 400 for a query string that does not parse.
pub fn query_invalid(_: QueryRejection) -> ApiError {
    invalid(
        "query_invalid",
        "Parameter alamat tidak sah.",
        "The query parameters are not valid.",
    )
}

/// The registrations of the operator's region in one state, a page at a time.
#[utoipa::path(get, path = "/v1/operator/registrations", tag = "operator", security(("operator" = [])),
    params(QueueQuery),
    responses(
        (status = 200, body = [QueueItem], description = "One page; a `Link: <…>; rel=\"next\"` header names the next page when there is one",
            headers(("Link" = String, description = "The next page (`rel=\"next\"`)"))),
        (status = 400, description = "A state, region, cursor or limit that is not valid (`queue_state_invalid`, `queue_region_invalid`, `queue_cursor_invalid`, `queue_limit_invalid`)", body = Problem),
        (status = 401, body = Problem),
        (status = 403, description = "A region outside the office's (`operator_region_out_of_scope`)", body = Problem),
    ))]
pub async fn list(
    State(app): State<AppState>,
    op: Operator,
    query: Result<Query<QueueQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(query_invalid)?;
    let today = app.now().date_naive();
    let page = app
        .db(move |store| page(store.connection(), &op, &q, today))
        .await?;
    let mut response = Json(page.items).into_response();
    if let Some(next) = page.next
        && let Ok(link) = format!("</v1/operator/registrations?{next}>; rel=\"next\"").parse()
    {
        response.headers_mut().insert(header::LINK, link);
    }
    Ok(response)
}
