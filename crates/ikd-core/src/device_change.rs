//! A device change that waits: the JSON messages and the exact bytes the new device signs.
//!
//! After the emailed code is confirmed (`POST /v1/recovery/{id}/confirm`) the change does not bind
//! the account at once: it **waits** until `completes_at` (72 hours by default), while the old
//! phone keeps working and can cancel it, as can the mailed cancel link and the resident's
//! Disdukcapil office; an office may also approve it early. The new phone polls
//! `GET /v1/recovery/{id}` with the [`STATUS_PROOF_HEADER`] (a device proof of the new key over
//! [`status_challenge`], fresh within [`STATUS_PROOF_SKEW_SECS`]), and once the state is
//! [`DeviceChangeState::Ready`] completes with `POST /v1/recovery/{id}/complete` (a device proof
//! over [`complete_challenge`] and the new PIN's proof). No I/O here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::RecoveryId;
use crate::protocol::PinProof;

/// The header of a status poll: `<unix seconds>.<device proof>`, the proof (purpose `activate`,
/// the account's NIK) made by the new device's key over [`status_challenge`] of those seconds.
pub const STATUS_PROOF_HEADER: &str = "ikd-recovery-proof";

/// How far a status poll's time may be from the server's clock, either way.
pub const STATUS_PROOF_SKEW_SECS: i64 = 300;

/// The bytes a status poll's device proof signs: `<id>/status/<unix seconds>`.
pub fn status_challenge(id: &RecoveryId, unix_secs: i64) -> Vec<u8> {
    format!("{id}/status/{unix_secs}").into_bytes()
}

/// The bytes the completing request's device proof signs: `<id>/complete` (so the confirm
/// request's proof, over the bare id, cannot be replayed to complete).
pub fn complete_challenge(id: &RecoveryId) -> Vec<u8> {
    format!("{id}/complete").into_bytes()
}

/// Where a confirmed device change stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceChangeState {
    /// Waiting until `completes_at`; the old phone, the mailed link or an office may cancel it.
    Waiting,
    /// The wait is over (or an office approved it): the new phone may complete it.
    Ready,
    /// Completed: the account is on the new phone.
    Completed,
    /// Cancelled for good (by the old phone, the mailed link or an office).
    Cancelled,
}

/// A confirmed device change as the new phone sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceChangeView {
    /// Recovery id.
    pub recovery_id: RecoveryId,
    /// Where it stands.
    pub state: DeviceChangeState,
    /// When it may complete (earlier when an office approved it).
    pub completes_at: DateTime<Utc>,
}

/// Completes a device change whose wait is over: the new device's proof and the new PIN.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecoveryCompleteRequest {
    /// The NIK.
    pub nik: String,
    /// Device proof of the key the change was started with: purpose `activate`, challenge =
    /// [`complete_challenge`].
    pub device_proof: String,
    /// PIN proof of the new PIN (base64url, 32 bytes).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub pin_proof: PinProof,
}

/// A device change waiting on the account, as the old phone is told (`GET /v1/me/device-change`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingDeviceChange {
    /// When the emailed code was confirmed on the new phone.
    pub started_at: DateTime<Utc>,
    /// When the new phone may take the account over, unless cancelled.
    pub completes_at: DateTime<Utc>,
    /// Where it comes from: always `new_phone` (a phone with a new device key).
    pub from: String,
}

/// The old phone's view of device changes on its account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyDeviceChange {
    /// The waiting change, if any.
    pub pending: Option<PendingDeviceChange>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_challenges_differ_from_the_bare_id_and_from_each_other() {
        let id = RecoveryId::from_bytes([7; 16]);
        let status = status_challenge(&id, 1_700_000_000);
        let complete = complete_challenge(&id);
        assert_ne!(status, id.to_string().into_bytes());
        assert_ne!(complete, id.to_string().into_bytes());
        assert_ne!(status, complete);
        assert_ne!(status, status_challenge(&id, 1_700_000_001));
        assert!(
            String::from_utf8(complete)
                .expect("text")
                .ends_with("/complete")
        );
    }

    #[test]
    fn states_are_snake_case() {
        let json = serde_json::to_string(&DeviceChangeState::Ready).expect("json");
        assert_eq!(json, "\"ready\"");
    }
}
