//! An operator's decision on a registration: approve after scanning the resident's registration
//! QR (a proof of the phone's presence, checked by [`super::presence`]), or reject with a reason. One function for the JSON endpoints ([`super::operator`]) and the
//! console ([`super::console`]): the transition is the core's, the registration, the activation
//! code, the activity entry and the mail are written in one transaction, and the mail is
//! delivered after it committed.

use axum::http::StatusCode;
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::link::Link;
use ikd_core::protocol::ActivationCode;
use ikd_core::registration::{RegistrationEvent, RegistrationState, RejectionReason};
use ikd_core::{Localized, RegistrationId};
use rusqlite::Connection;

use super::emailed_code::code_hash;
use super::operator::Operator;
use super::problem::ApiError;
use super::registration::{self, RegistrationView, view};
use super::state::AppState;
use crate::Store;
use crate::mail::{Mail, Notice};
use crate::store::activity::{self, ActivityKind, Detail};
use crate::store::audit::AuditAction;
use crate::store::codes;
use crate::store::registrations::{self, Registration};

/// Activation codes expire after 24 hours.
pub const ACTIVATION_CODE_LIFETIME: TimeDelta = TimeDelta::hours(24);

/// What an operator decided.
pub enum Decision {
    /// Approve after the scan.
    Approve {
        /// The scanned QR text.
        scanned_qr: String,
    },
    /// Reject.
    Reject {
        /// Why.
        reason: RejectionReason,
        /// Note.
        note: Option<String>,
    },
}

/// Applies `decision` of `operator` to registration `id` (any case), then delivers the mail.
pub async fn apply(
    app: &AppState,
    operator: &Operator,
    id: &str,
    decision: Decision,
) -> Result<RegistrationView, ApiError> {
    let code_bytes = app.random::<32>()?;
    let id: RegistrationId = id.parse().map_err(|_| registration::not_found())?;
    let (state, operator) = (app.clone(), operator.clone());
    let (view, mail) = app
        .db(move |store| decide(store, &state, id, &operator, decision, code_bytes))
        .await?;
    app.mailer().deliver(mail).await;
    Ok(view)
}

/// Applies a decision in one transaction (with its audit record) and returns the mail to
/// deliver. A registration outside the operator's region answers like one that does not exist.
pub fn decide(
    store: &mut Store,
    app: &AppState,
    id: RegistrationId,
    op: &Operator,
    decision: Decision,
    code_bytes: [u8; 32],
) -> Result<(RegistrationView, Mail), ApiError> {
    let now = app.now();
    let operator = op.username.as_str();
    if let Decision::Approve { scanned_qr } = &decision {
        // Outside the decision's transaction: a refused scan is counted, not rolled back. Out of
        // the operator's region it is not found, and nothing is counted.
        let conn = store.connection();
        let reg = registrations::get(conn, &id)?
            .filter(|reg| op.covers(&reg.nik, now.date_naive()))
            .ok_or_else(registration::not_found)?;
        super::presence::check_scan(conn, &reg, scanned_qr, now)?;
    }
    let tx = store.connection_mut().transaction()?;
    let reg = registrations::get(&tx, &id)?
        .filter(|reg| op.covers(&reg.nik, now.date_naive()))
        .ok_or_else(registration::not_found)?;
    let (event, note) = event_of(&decision)?;
    let next = reg
        .state
        .apply(event)
        .map_err(|e| ApiError::localized(StatusCode::CONFLICT, &e))?;
    registrations::decide(&tx, &id, next, note, operator, now)?;
    let action = match next {
        RegistrationState::Rejected(_) => AuditAction::Reject,
        _ => AuditAction::Approve,
    };
    op.audit(&tx, action, &id.to_string(), &reg.nik, now)?;
    let mail = match next {
        RegistrationState::Rejected(reason) => {
            let detail = Detail {
                verifier: Some(operator),
                detail: Some(reason.code()),
                ..Detail::default()
            };
            activity::log_with(
                &tx,
                &reg.nik,
                now,
                ActivityKind::RegistrationRejected,
                detail,
            )?;
            Mail::notice(&reg.email, &reg.nik, Notice::Rejected { reason, note })
        }
        _ => approve(&tx, app, &reg, operator, code_bytes, now)?,
    };
    app.mailer().record(&tx, &mail, now)?;
    tx.commit()?;
    Ok((view(id, next, reg.created_at), mail))
}

/// The event a decision means, and the note to keep, after checking the note (at most 500
/// characters); the scanned QR of an approval was checked before.
fn event_of(decision: &Decision) -> Result<(RegistrationEvent, Option<&str>), ApiError> {
    match decision {
        Decision::Approve { .. } => Ok((RegistrationEvent::OperatorApproved, None)),
        Decision::Reject { reason, note } => {
            if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "note_too_long",
                    "Catatan paling banyak 500 karakter.",
                    "The note can have at most 500 characters.",
                ));
            }
            Ok((
                RegistrationEvent::OperatorRejected(*reason),
                note.as_deref(),
            ))
        }
    }
}

/// Stores a fresh activation code for an approved registration, logs the approval and writes
/// the mail carrying the code.
fn approve(
    conn: &Connection,
    app: &AppState,
    reg: &Registration,
    operator: &str,
    code_bytes: [u8; 32],
    now: DateTime<Utc>,
) -> Result<Mail, ApiError> {
    let code = ActivationCode::from_random(&code_bytes)
        .ok_or_else(|| ApiError::internal(&"random bytes ran out"))?;
    let expires = now + ACTIVATION_CODE_LIFETIME;
    let (hash, key_version) = code_hash(app.secrets(), &code);
    codes::put_activation(conn, &reg.id.to_string(), &hash, key_version, expires)?;
    let detail = Detail {
        verifier: Some(operator),
        ..Detail::default()
    };
    activity::log_with(
        conn,
        &reg.nik,
        now,
        ActivityKind::RegistrationApproved,
        detail,
    )?;
    let link = Link::Activate {
        registration: reg.id.to_string(),
        code: code.clone(),
    };
    let links = app.app_links().mail_lines(&link);
    let notice = Notice::ActivationCode {
        code: &code,
        expires,
        links: &links,
    };
    Ok(Mail::notice(&reg.email, &reg.nik, notice))
}
