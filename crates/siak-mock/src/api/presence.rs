//! The proof of presence behind an approval: the registration QR the operator scanned must be
//! made by the registered phone for this registration in the current or the previous 30-second
//! window ([`ikd_core::protocol::RegistrationQr`]). Every well-formed QR that does not prove this
//! (another registration's, too old, made for a later time, or not signed by the registered key)
//! is a wrong scan of the waiting registration; [`WRONG_SCANS_BEFORE_LOCK`] in a row lock its
//! approval for [`SCAN_LOCK`], so an operator cannot try QRs until one passes.

use axum::http::StatusCode;
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::credential::DevicePublicKey;
use ikd_core::protocol::{RegistrationQr, RegistrationQrError};
use ikd_core::registration::RegistrationState;
use rusqlite::Connection;

use super::problem::ApiError;
use crate::store::registrations::Registration;
use crate::store::scans;

/// Wrong scans in a row that lock a registration's approval.
pub const WRONG_SCANS_BEFORE_LOCK: u32 = 5;
/// How long approval stays locked after them.
pub const SCAN_LOCK: TimeDelta = TimeDelta::minutes(15);

/// Checks `scanned` for `reg` at `now`. A registration not waiting for its operator is left to
/// the caller's state transition (nothing to scan for). A refusal is counted on `conn` before it
/// is returned: run this outside the transaction that would roll back with the refusal.
pub fn check_scan(
    conn: &Connection,
    reg: &Registration,
    scanned: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if reg.state != RegistrationState::AwaitingOperatorScan {
        return Ok(());
    }
    let id = reg.id.to_string();
    if let Some(until) = scans::locked_until(conn, &id)?.filter(|until| *until > now) {
        return Err(locked(until, now));
    }
    let key: DevicePublicKey = reg
        .device_key
        .parse()
        .map_err(|_| ApiError::internal(&"stored device key does not parse"))?;
    // Text that is no version-2 QR at all (a typo, an old app) could never pass: refused without
    // counting. A well-formed QR that does not prove presence is a wrong scan.
    let qr = RegistrationQr::parse(scanned).map_err(refused)?;
    match qr.verify(&key, &reg.nik, reg.id, now) {
        Ok(()) => Ok(scans::clear(conn, &id)?),
        Err(refusal) => {
            let lock_until = now + SCAN_LOCK;
            if scans::count_wrong(conn, &id, WRONG_SCANS_BEFORE_LOCK, lock_until)? {
                tracing::warn!(registration = %id, "approval locked after {WRONG_SCANS_BEFORE_LOCK} wrong registration QR scans");
            }
            Err(refused(refusal))
        }
    }
}

/// The answer to a refused scan: 400 with the QR's own code.
fn refused(refusal: RegistrationQrError) -> ApiError {
    ApiError::bad_request(&refusal)
}

/// 429 `registration_qr_locked` until `until`.
fn locked(until: DateTime<Utc>, now: DateTime<Utc>) -> ApiError {
    let secs = u64::try_from((until - now).num_seconds().max(1)).unwrap_or(1);
    let minutes = secs.div_ceil(60);
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "registration_qr_locked",
        format!(
            "Terlalu banyak pindaian QR yang salah untuk pendaftaran ini. Persetujuan dikunci {minutes} menit; pindai QR langsung dari HP penduduk setelahnya."
        ),
        format!(
            "Too many wrong QR scans for this registration. Approval is locked for {minutes} minutes; then scan the QR directly from the resident's phone."
        ),
    )
    .retry_after(secs)
}
