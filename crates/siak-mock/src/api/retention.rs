//! How long the pictures of a liveness check are kept, and how long a registration may wait for
//! its operator.
//!
//! The frames of a selfie are biometric data: they are kept for the operator while the case is
//! open, and for [`DEFAULT_FRAME_RETENTION`] (configurable) after it ended, then their pictures
//! are deleted. A case ends when a registration is decided (approved or rejected, by the central
//! checks or an operator, or expired) or a device change is used, burnt or expired.
//!
//! A registration waits for its operator at most the pending expiry (`--pending-expiry-days`,
//! [`super::limits::DEFAULT_PENDING_EXPIRY`]); then [`expire_pending`] marks it `expired` and mails
//! the resident, who may register again. So a NIK cannot be held by a registration nobody
//! presents at the office, and a flood of registrations does not stay in the queue.
//!
//! Only the picture goes: the frame's SHA-256, time and face box stay, so a replay of deleted
//! frames is still refused (`liveness_evidence_replayed`), and the console answers
//! `liveness_frame_deleted` for a deleted picture instead of "no such frame".

use std::time::Duration;

use chrono::TimeDelta;

use super::problem::ApiError;
use super::state::AppState;
use crate::mail::{Mail, Notice};
use crate::store::liveness::purge_frames;
use crate::store::registrations;

/// Kept this long after the case ended, unless configured otherwise.
pub const DEFAULT_FRAME_RETENTION: TimeDelta = TimeDelta::days(30);

/// How often the running server looks for frames to delete and registrations to expire.
pub const PURGE_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// Runs [`purge_frames`] and [`expire_pending`] on the server's database now and every
/// [`PURGE_INTERVAL`]; a failure is logged and tried again at the next round.
pub async fn run(app: AppState, retention: TimeDelta) {
    let mut every = tokio::time::interval(PURGE_INTERVAL);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let now = app.now();
        match app
            .db(move |store| Ok(purge_frames(store.connection(), now, retention)?))
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(frames = n, "deleted liveness pictures past their retention"),
            Err(e) => tracing::warn!(error = ?e, "deleting liveness pictures failed"),
        }
        match expire_pending(&app).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                registrations = n,
                "expired registrations no operator scanned in time"
            ),
            Err(e) => tracing::warn!(error = ?e, "expiring pending registrations failed"),
        }
    }
}

/// Expires every registration that has waited for its operator longer than the pending expiry,
/// mailing each resident (recorded in the same transaction, delivered after); answers how many.
/// Idempotent. The running server calls it from [`run`]; tests call it with the manual clock.
pub async fn expire_pending(app: &AppState) -> Result<usize, ApiError> {
    let now = app.now();
    let expiry = app.limits().pending_expiry;
    let mailer = app.mailer().clone();
    let mails = app
        .db(move |store| {
            let tx = store.connection_mut().transaction()?;
            let expired = registrations::expire_pending(&tx, now - expiry, now)?;
            let mut mails = Vec::with_capacity(expired.len());
            for e in expired {
                let notice = Notice::RegistrationExpired {
                    days: expiry.num_days(),
                };
                let mail = Mail::notice(&e.email, &e.nik, notice);
                mailer.record(&tx, &mail, now)?;
                mails.push(mail);
            }
            tx.commit()?;
            Ok(mails)
        })
        .await?;
    let expired = mails.len();
    for mail in mails {
        app.mailer().deliver(mail).await;
    }
    Ok(expired)
}
