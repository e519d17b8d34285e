//! How long the pictures of a liveness check are kept.
//!
//! The frames of a selfie are biometric data: they are kept for the operator while the case is
//! open, and for [`DEFAULT_FRAME_RETENTION`] (configurable) after it ended, then their pictures
//! are deleted. A case ends when a registration is decided (approved or rejected, by the central
//! checks or an operator) or a device change is used, burnt or expired. A registration still
//! waiting for its operator keeps its frames however old it is.
//!
//! Only the picture goes: the frame's SHA-256, time and face box stay, so a replay of deleted
//! frames is still refused (`liveness_evidence_replayed`), and the console answers
//! `liveness_frame_deleted` for a deleted picture instead of "no such frame".

use std::time::Duration;

use chrono::TimeDelta;

use super::state::AppState;

/// Deletes the pictures of the frames whose case ended more than `retention` before `now`;
/// answers how many pictures were deleted. Idempotent.
use crate::store::liveness::purge_frames;

/// Kept this long after the case ended, unless configured otherwise.
pub const DEFAULT_FRAME_RETENTION: TimeDelta = TimeDelta::days(30);

/// How often the running server looks for frames to delete.
pub const PURGE_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// Runs [`purge_frames`] on the server's database now and every [`PURGE_INTERVAL`]; a failure is
/// logged and tried again at the next round.
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
    }
}
