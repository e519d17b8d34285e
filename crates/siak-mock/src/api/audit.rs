//! `GET /v1/operator/audit` (and the console's `/operator/audit`): the operators' audit trail,
//! newest first, a page at a time, for the national office (`pusat`) only. What is recorded, and
//! that it never holds a password or a token: [`crate::store::audit`].

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::operator::Operator;
use super::operator_queue::{page_limit, query_invalid};
use super::problem::{ApiError, Problem};
use super::state::AppState;
use crate::store::audit::{self, AuditEntry};

/// Records per page unless `limit` says otherwise.
pub const DEFAULT_PAGE: u32 = 50;
/// The largest page.
pub const MAX_PAGE: u32 = 100;

/// The query of an audit page.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Continue with the records older than this record id.
    pub before: Option<String>,
    /// Records per page, 1 to 100 (default 50).
    pub limit: Option<String>,
}

/// One page and the record id the next page continues before.
#[derive(Debug, Clone)]
pub struct AuditPage {
    /// The records, newest first.
    pub entries: Vec<AuditEntry>,
    /// `before=` of the next page, when there is one.
    pub next_before: Option<i64>,
}

fn forbidden() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "operator_audit_forbidden",
        "Jejak audit hanya untuk petugas Ditjen Dukcapil (pusat).",
        "The audit trail is for Ditjen Dukcapil (national) operators only.",
    )
}

fn invalid(what: &'static str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        what,
        "Parameter halaman jejak audit tidak sah (before: nomor catatan; limit: 1 sampai 100).",
        "The audit page parameters are not valid (before: a record number; limit: 1 to 100).",
    )
}

/// Reads the page `q` asks for, if `op` works at the national office.
pub async fn page(app: &AppState, op: &Operator, q: AuditQuery) -> Result<AuditPage, ApiError> {
    if !op.is_national() {
        return Err(forbidden());
    }
    let before = q
        .before
        .as_deref()
        .map(|b| {
            b.parse::<i64>()
                .map_err(|_| invalid("audit_cursor_invalid"))
        })
        .transpose()?;
    let limit = page_limit(q.limit.as_deref(), DEFAULT_PAGE, MAX_PAGE)
        .ok_or_else(|| invalid("audit_limit_invalid"))?;
    app.db(move |store| {
        let mut entries = audit::page(store.connection(), before, limit + 1)?;
        let more = entries.len() > limit as usize;
        entries.truncate(limit as usize);
        let next_before = entries.last().filter(|_| more).map(|e| e.id);
        Ok(AuditPage {
            entries,
            next_before,
        })
    })
    .await
}

/// The audit trail, newest first.
#[utoipa::path(get, path = "/v1/operator/audit", tag = "operator", security(("operator" = [])),
    params(AuditQuery),
    responses(
        (status = 200, body = [AuditEntry], description = "One page, newest first; a `Link: <…>; rel=\"next\"` header names the next page when there is one",
            headers(("Link" = String, description = "The next page (`rel=\"next\"`)"))),
        (status = 400, description = "`audit_cursor_invalid`, `audit_limit_invalid`", body = Problem),
        (status = 401, body = Problem),
        (status = 403, description = "Not a national (`pusat`) operator (`operator_audit_forbidden`)", body = Problem),
    ))]
pub async fn list(
    State(app): State<AppState>,
    op: Operator,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(query_invalid)?;
    let limit = q.limit.clone();
    let page = page(&app, &op, q).await?;
    let mut response = Json(page.entries).into_response();
    if let Some(before) = page.next_before {
        let limit = limit.map(|l| format!("&limit={l}")).unwrap_or_default();
        if let Ok(link) =
            format!("</v1/operator/audit?before={before}{limit}>; rel=\"next\"").parse()
        {
            response.headers_mut().insert(header::LINK, link);
        }
    }
    Ok(response)
}
