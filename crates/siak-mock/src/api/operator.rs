//! Operators at Disdukcapil offices: log in, see the queue of registrations waiting for a scan,
//! and approve (after scanning the resident's registration QR) or reject with a reason. Approval
//! mails an activation code; rejection mails the reason. JSON endpoints here; the server-rendered
//! console in [`super::console`] calls the same functions, and both decide through
//! [`super::decision`].

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::ChallengeId;
use ikd_core::registration::RejectionReason;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::decision;
use super::problem::{ApiError, Problem};
use super::registration::{RegistrationView, pending_view};
use super::request::JsonBody;
use super::session::token_hash;
use super::state::AppState;
use crate::operator_accounts::{DEV_PASSWORD, verify_password};
use crate::store::operators;
use crate::store::registrations::{self, QueueRow};

use super::decision::Decision;

/// Operator sessions last a working day.
const OPERATOR_SESSION: TimeDelta = TimeDelta::hours(8);
/// Name of the console's session cookie.
pub const COOKIE: &str = "siak_operator";

/// Checks a password and opens an operator session; `None` when the credentials are wrong, or
/// when the password is the development one (or predates the password rules) and `dev` (the
/// server's development mode) is off.
pub fn operator_login(
    conn: &rusqlite::Connection,
    username: &str,
    password: &str,
    dev: bool,
    token: [u8; 32],
    now: DateTime<Utc>,
) -> rusqlite::Result<Option<String>> {
    let Some(stored) = operators::password(conn, username)? else {
        return Ok(None);
    };
    let allowed = dev || (stored.set_by_administrator && password != DEV_PASSWORD);
    if !allowed || !verify_password(&stored, password) {
        return Ok(None);
    }
    let token = B64.encode(token);
    operators::open_session(conn, &token_hash(&token), username, now + OPERATOR_SESSION)?;
    Ok(Some(token))
}

/// A logged-in operator.
#[derive(Debug, Clone)]
pub struct Operator {
    /// User name.
    pub username: String,
    /// SHA-256 of the session token the request came with (what logout ends).
    pub token_hash: Vec<u8>,
}

/// The console's session token from the [`COOKIE`] cookie (an empty value is none).
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The bearer token, else the console's cookie.
fn bearer_or_cookie(parts: &Parts) -> Option<String> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match bearer {
        Some(t) => Some(t.trim().to_owned()),
        None => cookie_token(&parts.headers),
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

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_or_cookie(parts).ok_or_else(operator_unauthorized)?;
        let now = app.now();
        let hash = token_hash(&token);
        app.db(move |store| {
            let username = operators::session_user(store.connection(), &hash, now)?;
            let username = username.ok_or_else(operator_unauthorized)?;
            Ok(Operator {
                username,
                token_hash: hash,
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

/// Logs an operator in.
#[utoipa::path(post, path = "/v1/operator/login", tag = "operator", request_body = OperatorLoginRequest,
    responses((status = 200, body = OperatorSession), (status = 401, description = "Wrong user name or password", body = Problem)))]
pub async fn login(
    State(app): State<AppState>,
    JsonBody(req): JsonBody<OperatorLoginRequest>,
) -> Result<Json<OperatorSession>, ApiError> {
    let now = app.now();
    let token = app.random::<32>()?;
    let dev = app.dev_mode();
    app.db(move |store| {
        operator_login(
            store.connection(),
            &req.username,
            &req.password,
            dev,
            token,
            now,
        )?
        .map(|token| Json(OperatorSession { token }))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "operator_login_failed",
                "Nama pengguna atau kata sandi salah.",
                "Wrong user name or password.",
            )
        })
    })
    .await
}

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
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
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

/// Reads the pending queue, oldest first.
pub fn queue(conn: &rusqlite::Connection, limit: u32) -> rusqlite::Result<Vec<QueueItem>> {
    Ok(registrations::queue(conn, limit)?
        .into_iter()
        .map(queue_item)
        .collect())
}

fn queue_item(row: QueueRow) -> QueueItem {
    QueueItem {
        registration: pending_view(row.pending),
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

/// The registrations waiting for a scan.
#[utoipa::path(get, path = "/v1/operator/registrations", tag = "operator", security(("operator" = [])),
    responses((status = 200, body = [QueueItem]), (status = 401, body = Problem)))]
pub async fn list(
    State(app): State<AppState>,
    _op: Operator,
) -> Result<Json<Vec<QueueItem>>, ApiError> {
    app.db(|store| Ok(Json(queue(store.connection(), 200)?)))
        .await
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
    Ok(Json(
        decision::apply(&app, &op.username, &id, decision).await?,
    ))
}

/// Approves a registration whose QR the operator scanned; mails the activation code.
#[utoipa::path(post, path = "/v1/operator/registrations/{id}/approve", tag = "operator", request_body = ApproveRequest, security(("operator" = [])),
    params(("id" = String, Path, description = "Registration id")),
    responses((status = 200, body = RegistrationView), (status = 400, description = "The QR is not this registration's phone's QR of now: `registration_qr_malformed`, `_outdated`, `_mismatch`, `_expired`, `_clock_ahead`, `_invalid`", body = Problem), (status = 404, body = Problem), (status = 409, description = "Not waiting for an operator", body = Problem), (status = 429, description = "`registration_qr_locked`: 5 wrong scans in a row lock this registration's approval for 15 minutes", body = Problem)))]
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
    responses((status = 200, body = RegistrationView), (status = 404, body = Problem), (status = 409, description = "Not waiting for an operator", body = Problem)))]
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
