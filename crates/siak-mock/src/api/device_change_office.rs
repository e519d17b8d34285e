//! The office's side of a waiting device change: an operator whose office covers the resident's
//! NIK ([`Office::covers`]) lists the waiting changes with the new selfie's frames, and approves
//! one early (it may complete at once) or rejects it (cancelled for good, the resident is mailed).
//! A change outside the operator's office answers exactly as an unknown one. The console's page
//! (`console::device_changes`) calls the same [`waiting_in_scope`] and [`decide`].

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;

use super::device_change::{self, CancelledBy};
use super::operator::Operator;
use super::problem::{ApiError, Problem};
use super::state::AppState;
use crate::mail::{Mail, Mailer};
use crate::store::device_changes::{self, Waiting};

/// A waiting device change as an office sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfficeDeviceChange {
    /// Recovery id.
    pub recovery_id: String,
    /// The resident's NIK.
    pub nik: String,
    /// The resident's name in the register.
    pub name: Option<String>,
    /// When the code was confirmed on the new phone.
    pub started_at: DateTime<Utc>,
    /// When it completes unless cancelled.
    pub completes_at: DateTime<Utc>,
    /// The new phone's liveness challenge: its frames are at
    /// `/operator/liveness/{challenge_id}/{0..frames}`.
    pub challenge_id: String,
    /// Frames kept.
    pub frames: i64,
}

impl From<Waiting> for OfficeDeviceChange {
    fn from(w: Waiting) -> Self {
        OfficeDeviceChange {
            recovery_id: w.id,
            nik: w.nik,
            name: w.name,
            started_at: w.confirmed_at,
            completes_at: w.completes_at,
            challenge_id: w.challenge_id,
            frames: w.frames,
        }
    }
}

/// The waiting changes operator `op` may see ([`Operator::covers`]), soonest first.
pub fn waiting_in_scope(
    conn: &Connection,
    op: &Operator,
    now: DateTime<Utc>,
) -> rusqlite::Result<Vec<OfficeDeviceChange>> {
    Ok(device_changes::all_waiting(conn, 500)?
        .into_iter()
        .filter(|w| op.covers(&w.nik, now.date_naive()))
        .map(OfficeDeviceChange::from)
        .collect())
}

fn not_found() -> ApiError {
    ApiError::not_found(
        "device_change_not_found",
        "Tidak ada pindah perangkat yang menunggu dengan id ini di wilayah kantor Anda.",
        "No waiting device change with this id in your office's region.",
    )
}

/// What an office decides about a waiting change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeDecision {
    /// It may complete now.
    Approve,
    /// Cancelled for good; the resident is mailed.
    Reject,
}

/// Applies `decision` by operator `op` to waiting change `id` in `conn` (the caller commits,
/// then delivers the mail if any). A change outside the office's region is not found.
pub fn decide(
    conn: &Connection,
    mailer: &Mailer,
    op: &Operator,
    id: &str,
    decision: OfficeDecision,
    now: DateTime<Utc>,
) -> Result<Option<Mail>, ApiError> {
    let w = device_changes::waiting(conn, id)?
        .filter(|w| op.covers(&w.nik, now.date_naive()))
        .ok_or_else(not_found)?;
    let username = op.username.as_str();
    match decision {
        OfficeDecision::Approve => {
            device_changes::approve(conn, id, now, username)?;
            Ok(None)
        }
        OfficeDecision::Reject => device_change::cancel(
            conn,
            mailer,
            id,
            &w.nik,
            CancelledBy::Operator(username),
            now,
        ),
    }
}

/// Runs [`decide`] in one transaction and delivers the mail.
pub async fn decide_now(
    app: &AppState,
    op: Operator,
    id: String,
    decision: OfficeDecision,
) -> Result<(), ApiError> {
    let now = app.now();
    let mailer = app.mailer().clone();
    let mail = app
        .db(move |store| {
            let tx = store.connection_mut().transaction()?;
            let mail = decide(&tx, &mailer, &op, &id, decision, now)?;
            tx.commit()?;
            Ok(mail)
        })
        .await?;
    if let Some(mail) = mail {
        app.mailer().deliver(mail).await;
    }
    Ok(())
}

/// The waiting device changes in the operator's region.
#[utoipa::path(get, path = "/v1/operator/device-changes", tag = "operator", security(("operator" = [])),
    responses((status = 200, description = "Waiting changes, soonest completion first", body = [OfficeDeviceChange]),
        (status = 401, description = "No operator session", body = Problem)))]
pub async fn list(
    State(app): State<AppState>,
    op: Operator,
) -> Result<Json<Vec<OfficeDeviceChange>>, ApiError> {
    let now = app.now();
    app.db(move |store| Ok(Json(waiting_in_scope(store.connection(), &op, now)?)))
        .await
}

/// Approves a waiting device change early: the new phone may complete it now.
#[utoipa::path(post, path = "/v1/operator/device-changes/{id}/approve", tag = "operator", security(("operator" = [])),
    params(("id" = String, Path, description = "Recovery id")),
    responses((status = 204, description = "Approved"),
        (status = 401, description = "No operator session", body = Problem),
        (status = 404, description = "No waiting change with this id in the operator's region (`device_change_not_found`)", body = Problem)))]
pub async fn approve(
    State(app): State<AppState>,
    op: Operator,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    decide_now(&app, op, id, OfficeDecision::Approve).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Rejects a waiting device change: cancelled for good, the resident is mailed.
#[utoipa::path(post, path = "/v1/operator/device-changes/{id}/reject", tag = "operator", security(("operator" = [])),
    params(("id" = String, Path, description = "Recovery id")),
    responses((status = 204, description = "Rejected"),
        (status = 401, description = "No operator session", body = Problem),
        (status = 404, description = "No waiting change with this id in the operator's region (`device_change_not_found`)", body = Problem)))]
pub async fn reject(
    State(app): State<AppState>,
    op: Operator,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    decide_now(&app, op, id, OfficeDecision::Reject).await?;
    Ok(StatusCode::NO_CONTENT)
}
