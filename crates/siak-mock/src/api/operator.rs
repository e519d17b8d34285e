//! Operators at Disdukcapil offices: log in ([`super::operator_login`]), see the queue of their
//! region ([`super::operator_queue`]), and approve (after scanning the resident's registration QR)
//! or reject with a reason. Approval mails an activation code; rejection mails the reason. JSON
//! endpoints here, with the [`Operator`] extractor (a live session, its office and the client's
//! address) and the console's cookie; the server-rendered console in [`super::console`] calls the
//! same functions, and both decide through [`super::decision`].
//!
//! Sessions idle out after 15 minutes without a request and end 12 hours after login whatever
//! happens. An office operator sees and acts on the residents of its regency only
//! ([`Office::covers`]); anything else answers exactly like a registration that does not exist.

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use ikd_core::Nik;
use ikd_core::registration::RejectionReason;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::client::ClientAddr;
use super::decision;
use super::operator_login::{IDLE_TIMEOUT, SESSION_CAP, log_in};
use super::problem::{ApiError, Problem};
use super::registration::RegistrationView;
use super::request::JsonBody;
use super::session::token_hash;
use super::state::AppState;
use crate::operator_accounts::Office;
use crate::store::audit::{self, AuditAction, NewAudit};
use crate::store::operators;

use super::decision::Decision;

pub use super::operator_queue::{LivenessRecord, QueueItem};

/// Name of the console's session cookie when the server's public URL is https
/// (`--app-link-host`): the `__Host-` prefix makes the browser refuse it without `Secure`, from
/// another host, or with a `Domain`.
pub const COOKIE_HTTPS: &str = "__Host-ikd_operator";
/// Name of the console's session cookie on a plain-http (development) server, without `Secure`.
pub const COOKIE_HTTP: &str = "ikd_operator";

/// Whether the server is reached over https: it publishes an https domain for its links.
fn https(app: &AppState) -> bool {
    app.app_links().host.is_some()
}

/// The name of the console's session cookie on this server ([`COOKIE_HTTPS`] or [`COOKIE_HTTP`]).
pub fn cookie_name(app: &AppState) -> &'static str {
    if https(app) {
        COOKIE_HTTPS
    } else {
        COOKIE_HTTP
    }
}

/// The `Set-Cookie` value carrying console session `token` (an empty token clears it):
/// `HttpOnly`, `SameSite=Strict`, `Path=/`, `Secure` on https, kept at most the session's cap.
pub fn session_cookie(app: &AppState, token: &str) -> String {
    let max_age = if token.is_empty() {
        0
    } else {
        SESSION_CAP.num_seconds()
    };
    let secure = if https(app) { "; Secure" } else { "" };
    format!(
        "{}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}",
        cookie_name(app)
    )
}

/// A logged-in operator.
#[derive(Debug, Clone)]
pub struct Operator {
    /// User name.
    pub username: String,
    /// Their office: what they may see and decide ([`Office::covers`]).
    pub office: Office,
    /// SHA-256 of the session token the request came with (what logout ends).
    pub token_hash: Vec<u8>,
    /// Where the request came from (for the audit trail).
    pub from: ClientAddr,
}

impl Operator {
    /// Whether this operator's office covers the resident with NIK `nik` (a stored NIK that does
    /// not parse is covered by nobody).
    pub fn covers(&self, nik: &str, today: chrono::NaiveDate) -> bool {
        Nik::parse(nik, today).is_ok_and(|nik| self.office.covers(&nik))
    }

    /// Whether this operator works at the national office (sees everything, reads the audit).
    pub fn is_national(&self) -> bool {
        self.office.code == crate::operator_accounts::NATIONAL
    }

    /// Writes an audit record of `action` by this operator on `subject` (a registration id or a
    /// NIK) concerning resident `nik`, in the caller's transaction.
    pub fn audit(
        &self,
        conn: &rusqlite::Connection,
        action: AuditAction,
        subject: &str,
        nik: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> rusqlite::Result<()> {
        audit::record(
            conn,
            NewAudit {
                username: &self.username,
                office_code: Some(&self.office.code),
                action,
                subject: Some(subject),
                nik: Some(nik),
                client_addr: &self.from.to_string(),
                at,
            },
        )
    }
}

/// The console's session token from this server's session cookie (an empty value is none).
pub fn cookie_token(app: &AppState, headers: &HeaderMap) -> Option<String> {
    let name = cookie_name(app);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(name)?.strip_prefix('='))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The bearer token, else the console's cookie.
fn bearer_or_cookie(parts: &Parts, app: &AppState) -> Option<String> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match bearer {
        Some(t) => Some(t.trim().to_owned()),
        None => cookie_token(app, &parts.headers),
    }
}

fn operator_unauthorized() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "operator_session_invalid",
        "Silakan masuk sebagai petugas.",
        "Please log in as an operator.",
    )
}

impl FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    /// The session must not have idled out ([`IDLE_TIMEOUT`]) nor reached its cap
    /// ([`SESSION_CAP`]); using it moves its idle end.
    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let from = ClientAddr::from_request_parts(parts, app).await?;
        let token = bearer_or_cookie(parts, app).ok_or_else(operator_unauthorized)?;
        let now = app.now();
        let hash = token_hash(&token);
        app.db(move |store| {
            let found = operators::use_session(store.connection(), &hash, now, now + IDLE_TIMEOUT)?;
            let found = found.ok_or_else(operator_unauthorized)?;
            Ok(Operator {
                username: found.username,
                office: Office {
                    code: found.office_code.unwrap_or_default(),
                    name: found.office,
                },
                token_hash: hash,
                from,
            })
        })
        .await
    }
}

/// Ends the operator's session (the bearer token, else the console's cookie): the token stops
/// working at once.
#[utoipa::path(post, path = "/v1/operator/logout", tag = "operator",
    responses(
        (status = 204, description = "The session ended"),
        (status = 401, description = "No valid operator session", body = Problem),
    ))]
pub async fn logout(
    State(app): State<AppState>,
    operator: Operator,
) -> Result<StatusCode, ApiError> {
    app.db(move |store| {
        Ok(operators::end_session(
            store.connection(),
            &operator.token_hash,
        )?)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Operator login.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperatorLoginRequest {
    /// User name, e.g. `operator.probolinggo`.
    pub username: String,
    /// Password.
    pub password: String,
}

/// An operator session.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OperatorSession {
    /// Bearer token (the console keeps it in a cookie).
    pub token: String,
}

/// Logs an operator in. After 10 wrong passwords within 15 minutes for one user name, or from
/// one client address, logins are refused with 429 until the window ends (the right password
/// too).
#[utoipa::path(post, path = "/v1/operator/login", tag = "operator", request_body = OperatorLoginRequest,
    responses(
        (status = 200, body = OperatorSession),
        (status = 401, description = "Wrong user name or password (`operator_login_failed`)", body = Problem),
        (status = 429, description = "Too many wrong passwords for this user name or from this address (`operator_login_throttled`, `Retry-After`)", body = Problem),
    ))]
pub async fn login(
    State(app): State<AppState>,
    from: ClientAddr,
    JsonBody(req): JsonBody<OperatorLoginRequest>,
) -> Result<Json<OperatorSession>, ApiError> {
    let token = log_in(&app, &req.username, &req.password, from).await?;
    Ok(Json(OperatorSession { token }))
}

/// Approval after scanning the resident's registration QR.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveRequest {
    /// The text of the scanned (or pasted) registration QR on the resident's phone: `IKDREG2:…`
    /// (made by the phone's device key for the current 30-second window).
    pub registration_qr: String,
}

/// Rejection with a reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// A rejection code, e.g. `data_mismatch` or `liveness_failed`.
    #[schema(value_type = String)]
    pub reason: RejectionReason,
    /// Free-text note for the resident (optional, at most 500 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// Applies a decision of `op` and answers the registration as it now stands.
async fn apply(
    app: AppState,
    op: Operator,
    id: String,
    decision: Decision,
) -> Result<Json<RegistrationView>, ApiError> {
    Ok(Json(decision::apply(&app, &op, &id, decision).await?))
}

/// Approves a registration whose QR the operator scanned; mails the activation code.
#[utoipa::path(post, path = "/v1/operator/registrations/{id}/approve", tag = "operator", request_body = ApproveRequest, security(("operator" = [])),
    params(("id" = String, Path, description = "Registration id")),
    responses((status = 200, body = RegistrationView), (status = 400, description = "The QR is not this registration's phone's QR of now: `registration_qr_malformed`, `_outdated`, `_mismatch`, `_expired`, `_clock_ahead`, `_invalid`", body = Problem), (status = 404, description = "No such registration, or one outside the operator's region (`registration_not_found`)", body = Problem), (status = 409, description = "Not waiting for an operator", body = Problem), (status = 429, description = "`registration_qr_locked`: 5 wrong scans in a row lock this registration's approval for 15 minutes", body = Problem)))]
pub async fn approve(
    State(app): State<AppState>,
    op: Operator,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<ApproveRequest>,
) -> Result<Json<RegistrationView>, ApiError> {
    apply(
        app,
        op,
        id,
        Decision::Approve {
            scanned_qr: req.registration_qr,
        },
    )
    .await
}

/// Rejects a registration with a reason; mails the reason.
#[utoipa::path(post, path = "/v1/operator/registrations/{id}/reject", tag = "operator", request_body = RejectRequest, security(("operator" = [])),
    params(("id" = String, Path, description = "Registration id")),
    responses((status = 200, body = RegistrationView), (status = 404, description = "No such registration, or one outside the operator's region (`registration_not_found`)", body = Problem), (status = 409, description = "Not waiting for an operator", body = Problem)))]
pub async fn reject(
    State(app): State<AppState>,
    op: Operator,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<RejectRequest>,
) -> Result<Json<RegistrationView>, ApiError> {
    apply(
        app,
        op,
        id,
        Decision::Reject {
            reason: req.reason,
            note: req.note,
        },
    )
    .await
}
