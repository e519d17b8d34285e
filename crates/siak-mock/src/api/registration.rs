//! Registration: NIK + email + phone + device key (+ liveness evidence, later) → the central
//! checks of SIAK Terpusat → a registration waiting for an operator to scan its QR.
//!
//! The central checks run at once, so a resident who cannot register learns why immediately
//! (422 with the rejection code); the attempt is still recorded for the office's statistics.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use ikd_core::credential::DevicePublicKey;
use ikd_core::protocol::{DeviceProof, ProofPurpose, RegistrationQr};
use ikd_core::registration::{RegistrationEvent, RegistrationState, RejectionReason};
use ikd_core::wire::LivenessPurpose;
use ikd_core::{Email, Localized, Nik, PhoneNumber, eligibility};
use rusqlite::{OptionalExtension, params};

use super::problem::{ApiError, Problem};
use super::state::{AppState, conflict};
use super::{JsonBody, log_activity, parse_device_key, ts};
use crate::{IdentityStatus, LifeStatus, ResidentRecord};

pub use ikd_core::wire::{RegisterRequest, RegistrationView};

/// The central SIAK checks on the population record, in the order that gives the most useful
/// answer (the same order `SampleReason` labels the synthetic residents): not found, deceased or
/// inactive, under 17 and unmarried (a KTP-el cannot be recorded before 17 anyway), KTP-el not
/// recorded, duplicate identity.
pub fn central_check(
    record: Option<&ResidentRecord>,
    nik: &Nik,
    today: chrono::NaiveDate,
) -> Result<(), RejectionReason> {
    let Some(record) = record else {
        return Err(RejectionReason::NikNotFound);
    };
    let r = &record.resident;
    if r.life_status != LifeStatus::Alive {
        return Err(RejectionReason::DeceasedOrInactive);
    }
    if !eligibility(nik, r.marital_status, today).is_eligible() {
        return Err(RejectionReason::Under17Unmarried);
    }
    if !r.ktp_el_recorded {
        return Err(RejectionReason::KtpElNotRecorded);
    }
    if r.identity != IdentityStatus::Single {
        return Err(RejectionReason::DuplicateIdentity);
    }
    Ok(())
}

fn rejection(reason: RejectionReason) -> ApiError {
    ApiError::localized(StatusCode::UNPROCESSABLE_ENTITY, &reason)
}

pub(crate) fn view(
    id: &str,
    state: RegistrationState,
    created_at: DateTime<Utc>,
) -> RegistrationView {
    let reason = match state {
        RegistrationState::Rejected(r) => Some(r),
        _ => None,
    };
    let qr = (state == RegistrationState::AwaitingOperatorScan)
        .then(|| registration_qr(id))
        .flatten();
    RegistrationView {
        registration_id: id.to_owned(),
        state: state.code().to_owned(),
        reason: reason.map(|r| r.code().to_owned()),
        reason_message_id: reason.map(|r| r.message(ikd_core::Lang::Id)),
        reason_message_en: reason.map(|r| r.message(ikd_core::Lang::En)),
        registration_qr: qr,
        created_at,
    }
}

fn registration_qr(id: &str) -> Option<String> {
    let mut bytes = [0u8; 16];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(id.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(
        RegistrationQr {
            registration_id: bytes,
        }
        .to_string(),
    )
}

/// Reads a stored state and reason back into the core's type.
pub(crate) fn stored_state(state: &str, reason: Option<&str>) -> RegistrationState {
    let reason = reason.and_then(|r| RejectionReason::ALL.into_iter().find(|x| x.code() == r));
    match (state, reason) {
        ("awaiting_operator_scan", _) => RegistrationState::AwaitingOperatorScan,
        ("approved", _) => RegistrationState::Approved,
        ("activated", _) => RegistrationState::Activated,
        ("rejected", Some(r)) => RegistrationState::Rejected(r),
        ("rejected", None) => RegistrationState::Rejected(RejectionReason::DataMismatch),
        _ => RegistrationState::Submitted,
    }
}

/// Registers a device for a NIK.
#[utoipa::path(post, path = "/v1/registrations", tag = "resident",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Registered; waiting for an operator", body = RegistrationView),
        (status = 400, description = "A field is not valid (NIK, email, phone, device key or proof)", body = Problem),
        (status = 409, description = "Active on another device, or a registration is pending", body = Problem),
        (status = 409, description = "The liveness challenge was already used, or its frames were sent before (`liveness_evidence_replayed`)", body = Problem),
        (status = 410, description = "The liveness challenge expired", body = Problem),
        (status = 422, description = "Rejected by the central checks (`code` is the reason), or the liveness evidence is missing or failed the re-check (`liveness_*`)", body = Problem),
    ))]
pub async fn register(
    State(app): State<AppState>,
    JsonBody(req): JsonBody<RegisterRequest>,
) -> Result<(StatusCode, Json<RegistrationView>), ApiError> {
    let now = app.now();
    let nik = Nik::parse(&req.nik, now.date_naive()).map_err(|e| ApiError::bad_request(&e))?;
    let email = Email::parse(&req.email).map_err(|e| ApiError::bad_request(&e))?;
    let phone = PhoneNumber::parse(&req.phone).map_err(|e| ApiError::bad_request(&e))?;
    let device_key = parse_device_key(&req.device_public_key)?;
    let proof: DeviceProof = req
        .device_proof
        .parse()
        .map_err(|e| ApiError::bad_request(&e))?;
    let challenge = format!("{}\n{}", req.email, req.phone);
    proof
        .verify(
            &device_key,
            ProofPurpose::Register,
            nik.as_str(),
            challenge.as_bytes(),
        )
        .map_err(|e| ApiError::bad_request(&e))?;
    // A repeat of a request that already got through (the answer was lost on a weak network)
    // gets the same pending registration, without spending a new challenge.
    if let Some(challenge) = req
        .liveness
        .as_ref()
        .map(|l| l.challenge_id.to_ascii_lowercase())
    {
        let (n, k) = (nik.clone(), device_key);
        let repeat = app
            .db(move |store| {
                Ok(pending_for(store, &n, &k)?.filter(|_| {
                    store
                        .connection()
                        .query_row(
                            "SELECT 1 FROM registrations WHERE liveness = ?1 AND nik = ?2",
                            params![challenge, n.as_str()],
                            |_| Ok(()),
                        )
                        .is_ok()
                }))
            })
            .await?;
        if let Some(existing) = repeat {
            return Ok((StatusCode::OK, Json(existing)));
        }
    }
    let (evidence, verified) = super::liveness::check(
        &app,
        req.liveness,
        &nik,
        &device_key,
        LivenessPurpose::Register,
    )
    .await?;
    let liveness = evidence.challenge_id.to_ascii_lowercase();
    let id = hex(&app.random::<16>()?);
    app.db(move |store| {
        super::liveness::refuse_replay(store.connection(), &verified)?;
        let record = store.resident(nik.as_str())?;
        let checked = match central_check(record.as_ref(), &nik, now.date_naive()) {
            Ok(()) => family_and_device_checks(store, &nik, record.as_ref(), &phone, &device_key)?,
            Err(reason) => Err(reason),
        };
        let state = match checked {
            Ok(()) => RegistrationState::Submitted.apply(RegistrationEvent::CentralCheckPassed),
            Err(reason) => RegistrationState::Submitted.apply(RegistrationEvent::CentralCheckFailed(reason)),
        }
        .map_err(|e| ApiError::internal(&e))?;
        if let Some(existing) = pending_for(store, &nik, &device_key)? {
            return Ok((StatusCode::OK, Json(existing)));
        }
        if state == RegistrationState::AwaitingOperatorScan && has_pending(store, &nik)? {
            return Err(conflict(
                "registration_pending_other_device",
                "Sudah ada pendaftaran yang menunggu verifikasi dari perangkat lain. Tunggu keputusan petugas atau hubungi Disdukcapil.",
                "A registration from another device is already waiting for verification. Wait for the operator's decision or contact your Disdukcapil office.",
            ));
        }
        let (state_code, reason) = match state {
            RegistrationState::Rejected(r) => ("rejected", Some(r.code())),
            s => (s.code(), None),
        };
        let tx = store.connection_mut().transaction()?;
        tx.execute(
            "INSERT INTO registrations (id, nik, email, phone, device_key, liveness, state, reason, created_at, decided_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, CASE WHEN ?7 = 'rejected' THEN ?9 END)",
            params![id, nik.as_str(), email.as_str(), phone.e164(), device_key.to_base64url(), liveness, state_code, reason, ts(now)],
        )?;
        super::liveness::store_frames(&tx, &liveness, &verified)?;
        log_activity(&tx, nik.as_str(), now, if reason.is_some() { "registration_rejected" } else { "registered" }, None, None, reason)?;
        tx.commit()?;
        match state {
            RegistrationState::Rejected(reason) => Err(rejection(reason)),
            _ => Ok((StatusCode::CREATED, Json(view(&id, state, now)))),
        }
    })
    .await
}

/// The phone-per-family-card rule and the one-device rule.
fn family_and_device_checks(
    store: &crate::Store,
    nik: &Nik,
    record: Option<&ResidentRecord>,
    phone: &PhoneNumber,
    device_key: &DevicePublicKey,
) -> Result<Result<(), RejectionReason>, ApiError> {
    let conn = store.connection();
    let kk = record.map(|r| r.resident.kk.as_str()).unwrap_or_default();
    let other_family: Option<String> = conn
        .query_row(
            "SELECT r.nik FROM registrations r JOIN residents p ON p.nik = r.nik
             WHERE r.phone = ?1 AND r.state IN ('awaiting_operator_scan', 'approved', 'activated')
               AND p.kk <> ?2 LIMIT 1",
            params![phone.e164(), kk],
            |row| row.get(0),
        )
        .optional()?;
    if other_family.is_some() {
        return Ok(Err(RejectionReason::PhoneUsedByOtherFamily));
    }
    let active_device: Option<Option<String>> = conn
        .query_row(
            "SELECT device_key FROM accounts WHERE nik = ?1 AND state = 'active'",
            params![nik.as_str()],
            |row| row.get(0),
        )
        .optional()?;
    Ok(match active_device {
        Some(Some(key)) if key != device_key.to_base64url() => {
            Err(RejectionReason::ActiveOnOtherDevice)
        }
        _ => Ok(()),
    })
}

/// A registration of this NIK from this device still waiting: registering again returns it.
fn pending_for(
    store: &crate::Store,
    nik: &Nik,
    device_key: &DevicePublicKey,
) -> Result<Option<RegistrationView>, ApiError> {
    Ok(store
        .connection()
        .query_row(
            "SELECT id, created_at FROM registrations
             WHERE nik = ?1 AND device_key = ?2 AND state = 'awaiting_operator_scan'",
            params![nik.as_str(), device_key.to_base64url()],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, DateTime<Utc>>(1)?)),
        )
        .optional()?
        .map(|(id, at)| view(&id, RegistrationState::AwaitingOperatorScan, at)))
}

fn has_pending(store: &crate::Store, nik: &Nik) -> Result<bool, ApiError> {
    Ok(store.connection().query_row(
        "SELECT EXISTS (SELECT 1 FROM registrations WHERE nik = ?1 AND state = 'awaiting_operator_scan')",
        params![nik.as_str()],
        |row| row.get(0),
    )?)
}

/// Where a registration stands (the app polls this).
#[utoipa::path(get, path = "/v1/registrations/{id}", tag = "resident",
    params(("id" = String, Path, description = "Registration id (32 hex digits)")),
    responses(
        (status = 200, description = "The registration", body = RegistrationView),
        (status = 404, description = "No such registration", body = Problem),
    ))]
pub async fn status(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<RegistrationView>, ApiError> {
    let id = id.to_ascii_lowercase();
    app.db(move |store| {
        let row: Option<(String, Option<String>, DateTime<Utc>)> = store
            .connection()
            .query_row(
                "SELECT state, reason, created_at FROM registrations WHERE id = ?1",
                params![id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()?;
        let (state, reason, at) = row.ok_or_else(|| {
            ApiError::not_found(
                "registration_not_found",
                "Pendaftaran tidak ditemukan.",
                "No such registration.",
            )
        })?;
        Ok(Json(view(&id, stored_state(&state, reason.as_deref()), at)))
    })
    .await
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
