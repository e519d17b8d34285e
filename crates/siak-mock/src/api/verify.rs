//! Online verification for verifiers with a network: the same offline checks as any verifier
//! (`ikd_core::credential::verify_presentation` against the published keys), plus what only the
//! issuer knows — whether the credential was revoked, the account released, or the device
//! replaced since issuance — and an entry in the resident's activity history.
//!
//! The history is the resident's, and whoever holds a QR for its 90 s could otherwise write any
//! verifier name into it, again and again. So a presentation (its credential and the second it
//! was made: only the device can make another) is written once, by its first verification; a
//! repeat is answered the same way and writes nothing. And an account gets at most
//! [`RECORDED_PER_HOUR`] verification entries in an hour: further ones are answered, not listed,
//! and counted in one `verifications_not_recorded` entry of that hour, which the resident sees.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::credential::{Verified, VerifyOptions, verify_presentation};

use super::me::record_verification;
use super::problem::{ApiError, Problem};
use super::request::JsonBody;
use super::state::AppState;
use crate::store::activity::ActivityKind;
use crate::store::{credentials, verifications};

/// Verifications of one account written into its history per [`RECORDING_WINDOW`], at most.
pub const RECORDED_PER_HOUR: u32 = 20;

/// The window of [`RECORDED_PER_HOUR`].
pub const RECORDING_WINDOW: TimeDelta = TimeDelta::hours(1);

pub use ikd_core::wire::{VerificationStatus, VerifyRequest, VerifyResponse};

/// Verifies a presentation online.
#[utoipa::path(post, path = "/v1/verify", tag = "verifier", request_body = VerifyRequest,
    responses(
        (status = 200, description = "Verified; `status` says whether it is still active", body = VerifyResponse),
        (status = 400, description = "Verifier name missing or too long", body = Problem),
        (status = 422, description = "Not valid; `code` is the reason (expired, bad_issuer_signature, …)", body = Problem),
    ))]
pub async fn verify(
    State(app): State<AppState>,
    JsonBody(req): JsonBody<VerifyRequest>,
) -> Result<Json<VerifyResponse>, ApiError> {
    let verifier = req.verifier.trim().to_owned();
    if verifier.is_empty()
        || verifier.chars().count() > 120
        || verifier.chars().any(char::is_control)
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "verifier_name_invalid",
            "Isi nama pemeriksa (1–120 karakter, tanpa karakter kontrol); nama ini tampil di histori penduduk.",
            "Give the verifier's name (1–120 characters, no control characters); the resident sees it in their history.",
        ));
    }
    let now = app.now();
    let options = VerifyOptions {
        clock_skew: TimeDelta::seconds(30),
        expected_profile: req.expected_profile,
        expected_nonce: None,
    };
    let verified = verify_presentation(&req.presentation, &app.secrets().key_set(), now, &options)
        .map_err(|e| ApiError::localized(StatusCode::UNPROCESSABLE_ENTITY, &e))?;
    let credential_id = verified.credential_id.to_base64url();
    app.db(move |store| {
        let tx = store.connection_mut().transaction()?;
        let row = credentials::status(&tx, &credential_id)?;
        let status = match &row {
            None => VerificationStatus::Unknown,
            Some(c) if c.is_active() => VerificationStatus::Active,
            Some(_) => VerificationStatus::Revoked,
        };
        if let Some(c) = &row {
            record(&tx, &c.nik, &verified, &verifier, now)?;
        }
        tx.commit()?;
        Ok(Json(VerifyResponse {
            valid: status == VerificationStatus::Active,
            status,
            presentation: verified,
        }))
    })
    .await
}

/// Writes the verification of `presented` into the history of `nik`: once per presentation, and
/// at most [`RECORDED_PER_HOUR`] an hour (beyond that, counted).
fn record(
    conn: &rusqlite::Connection,
    nik: &str,
    presented: &Verified,
    verifier: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    let id = presented.credential_id.to_base64url();
    // A presentation is refused 90 s + skew after it was made; a day covers any clock.
    let forget = now - TimeDelta::days(1);
    if !verifications::first_time(conn, &id, presented.created_at, now, forget)? {
        return Ok(());
    }
    let since = now - RECORDING_WINDOW;
    if verifications::recorded_since(conn, nik, ActivityKind::Verified, since)? < RECORDED_PER_HOUR
    {
        record_verification(conn, nik, presented.profile, verifier, now)
    } else {
        let kind = ActivityKind::VerificationsNotRecorded;
        verifications::count_unrecorded(conn, nik, kind, since, now)
    }
}
