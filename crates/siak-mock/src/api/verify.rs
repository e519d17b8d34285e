//! Online verification for verifiers with a network: the same offline checks as any verifier
//! (`ikd_core::credential::verify_presentation` against the published keys), plus what only the
//! issuer knows — whether the credential was revoked, the account released, or the device
//! replaced since issuance — and an entry in the resident's activity history.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::TimeDelta;
use ikd_core::credential::{VerifyOptions, verify_presentation};

use super::me::record_verification;
use super::problem::{ApiError, Problem};
use super::request::JsonBody;
use super::state::AppState;
use crate::store::credentials;

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
        let conn = store.connection();
        let row = credentials::status(conn, &credential_id)?;
        let status = match &row {
            None => VerificationStatus::Unknown,
            Some(c) if c.is_active() => VerificationStatus::Active,
            Some(_) => VerificationStatus::Revoked,
        };
        if let Some(c) = &row {
            record_verification(conn, &c.nik, verified.profile, &verifier, now)?;
        }
        Ok(Json(VerifyResponse {
            valid: status == VerificationStatus::Active,
            status,
            presentation: verified,
        }))
    })
    .await
}
