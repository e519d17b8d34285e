//! Registration: NIK + email + phone + device key (+ liveness evidence, later) → the central
//! checks of SIAK Terpusat → a registration waiting for an operator to scan its QR.
//!
//! The cheap checks run first, before the selfie is analysed: the central checks (a resident who
//! cannot register learns why at once, 422 with the rejection code), a registration already
//! waiting, then the liveness challenge and a replay of frames. A request any of them refuses
//! costs no analysis and stores nothing (its challenge, if it got that far, is spent). The route
//! is rate limited per client address (`api::limits`), so the reasons cannot be harvested in bulk.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use ikd_core::credential::DevicePublicKey;
use ikd_core::protocol::{DeviceProof, ProofPurpose};
use ikd_core::registration::{RegistrationEvent, RegistrationState, RejectionReason};
use ikd_core::wire::LivenessPurpose;
use ikd_core::{ChallengeId, Email, Localized, Nik, PhoneNumber, RegistrationId, eligibility};

use super::liveness::Passed;
use super::problem::{ApiError, Problem};
use super::request::{JsonBody, parse_device_key};
use super::state::{AppState, conflict};
use crate::store::accounts;
use crate::store::activity::{self, ActivityKind};
use crate::store::registrations::{self, NewRegistration, Pending};
use crate::{IdentityStatus, LifeStatus, ResidentRecord, Store};

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
    id: RegistrationId,
    state: RegistrationState,
    created_at: DateTime<Utc>,
) -> RegistrationView {
    let reason = match state {
        RegistrationState::Rejected(r) => Some(r),
        _ => None,
    };
    RegistrationView {
        registration_id: id,
        state,
        reason_message_id: reason.map(|r| r.message(ikd_core::Lang::Id)),
        reason_message_en: reason.map(|r| r.message(ikd_core::Lang::En)),
        created_at,
    }
}

/// The view of a registration waiting for its operator.
pub(crate) fn pending_view(p: Pending) -> RegistrationView {
    view(p.id, RegistrationState::AwaitingOperatorScan, p.created_at)
}

/// 404 for a registration id that does not exist.
pub(crate) fn not_found() -> ApiError {
    ApiError::not_found(
        "registration_not_found",
        "Pendaftaran tidak ditemukan.",
        "No such registration.",
    )
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
        (status = 429, description = "Too many registrations from this client address (`too_many_requests`, Retry-After)", body = Problem),
    ))]
pub async fn register(
    State(app): State<AppState>,
    JsonBody(req): JsonBody<RegisterRequest>,
) -> Result<(StatusCode, Json<RegistrationView>), ApiError> {
    let now = app.now();
    let applicant = Applicant::parse(&req, now)?;
    // A repeat of a request that already got through (the answer was lost on a weak network)
    // gets the same pending registration, without spending a new challenge.
    let challenge = req
        .liveness
        .as_ref()
        .and_then(|l| super::liveness::challenge_id(l).ok());
    if let Some(existing) = repeat_of(&app, challenge, &applicant).await? {
        return Ok((StatusCode::OK, Json(existing)));
    }
    let checked = applicant.clone();
    if let Some(existing) = app
        .db(move |store| admissible(store, &checked, now))
        .await?
    {
        return Ok((StatusCode::OK, Json(existing)));
    }
    let (evidence, verified) = super::liveness::check(
        &app,
        req.liveness,
        &applicant.nik,
        &applicant.device_key,
        LivenessPurpose::Register,
    )
    .await?;
    let liveness = super::liveness::challenge_id(&evidence)?;
    let id = RegistrationId::from_bytes(app.random::<16>()?);
    app.db(move |store| record(store, &applicant, id, liveness, &verified, now))
        .await
}

/// The checked fields of a registration request.
#[derive(Clone)]
struct Applicant {
    nik: Nik,
    email: Email,
    phone: PhoneNumber,
    device_key: DevicePublicKey,
}

impl Applicant {
    /// Parses the fields and verifies the device proof over the email and the phone.
    fn parse(req: &RegisterRequest, now: DateTime<Utc>) -> Result<Applicant, ApiError> {
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
        Ok(Applicant {
            nik,
            email,
            phone,
            device_key,
        })
    }
}

/// The pending registration a repeated request (same NIK, device and liveness challenge) already
/// made, if any.
async fn repeat_of(
    app: &AppState,
    challenge: Option<ChallengeId>,
    a: &Applicant,
) -> Result<Option<RegistrationView>, ApiError> {
    let Some(challenge) = challenge else {
        return Ok(None);
    };
    let (nik, key) = (a.nik.as_str().to_owned(), a.device_key.to_base64url());
    app.db(move |store| {
        let conn = store.connection();
        Ok(registrations::pending_for(conn, &nik, &key)?
            .filter(|_| registrations::came_with_liveness(conn, &challenge.to_string(), &nik))
            .map(pending_view))
    })
    .await
}

/// Whether `a` may register now: refuses a NIK the central checks reject and a NIK with a
/// registration from another device waiting; answers the registration this device already has
/// waiting, if any.
fn admissible(
    store: &Store,
    a: &Applicant,
    now: DateTime<Utc>,
) -> Result<Option<RegistrationView>, ApiError> {
    if let RegistrationState::Rejected(reason) = central_state(store, a, now)? {
        return Err(rejection(reason));
    }
    let (conn, nik) = (store.connection(), a.nik.as_str());
    if let Some(existing) = registrations::pending_for(conn, nik, &a.device_key.to_base64url())? {
        return Ok(Some(pending_view(existing)));
    }
    if registrations::has_pending(conn, nik)? {
        return Err(conflict(
            "registration_pending_other_device",
            "Sudah ada pendaftaran yang menunggu verifikasi dari perangkat lain. Tunggu keputusan petugas atau hubungi Disdukcapil.",
            "A registration from another device is already waiting for verification. Wait for the operator's decision or contact your Disdukcapil office.",
        ));
    }
    Ok(None)
}

/// Checks again (the state may have changed during the analysis) and records the registration
/// with its liveness frames.
fn record(
    store: &mut Store,
    a: &Applicant,
    id: RegistrationId,
    liveness: ChallengeId,
    verified: &Passed,
    now: DateTime<Utc>,
) -> Result<(StatusCode, Json<RegistrationView>), ApiError> {
    super::liveness::refuse_stored_replay(store.connection(), verified, a.nik.as_str())?;
    if let Some(existing) = admissible(store, a, now)? {
        return Ok((StatusCode::OK, Json(existing)));
    }
    let state = RegistrationState::AwaitingOperatorScan;
    let (nik, key) = (a.nik.as_str(), a.device_key.to_base64url());
    let tx = store.connection_mut().transaction()?;
    let liveness = liveness.to_string();
    let new = NewRegistration {
        id: &id.to_string(),
        nik,
        email: a.email.as_str(),
        phone: a.phone.e164(),
        device_key: &key,
        liveness: &liveness,
        state,
        created_at: now,
    };
    registrations::insert(&tx, new)?;
    super::liveness::store_frames(&tx, &liveness, verified)?;
    activity::log(&tx, nik, now, ActivityKind::Registered)?;
    tx.commit()?;
    Ok((StatusCode::CREATED, Json(view(id, state, now))))
}

/// The state after the central checks: the population record, then the family and device rules.
fn central_state(
    store: &Store,
    a: &Applicant,
    now: DateTime<Utc>,
) -> Result<RegistrationState, ApiError> {
    let record = store.resident(a.nik.as_str())?;
    let checked = match central_check(record.as_ref(), &a.nik, now.date_naive()) {
        Ok(()) => family_and_device_checks(store, a, record.as_ref())?,
        Err(reason) => Err(reason),
    };
    let event = match checked {
        Ok(()) => RegistrationEvent::CentralCheckPassed,
        Err(reason) => RegistrationEvent::CentralCheckFailed(reason),
    };
    RegistrationState::Submitted
        .apply(event)
        .map_err(|e| ApiError::internal(&e))
}

/// The phone-per-family-card rule and the one-device rule.
fn family_and_device_checks(
    store: &Store,
    a: &Applicant,
    record: Option<&ResidentRecord>,
) -> Result<Result<(), RejectionReason>, ApiError> {
    let conn = store.connection();
    let kk = record.map(|r| r.resident.kk.as_str()).unwrap_or_default();
    if registrations::phone_used_outside_family(conn, a.phone.e164(), kk)? {
        return Ok(Err(RejectionReason::PhoneUsedByOtherFamily));
    }
    Ok(match accounts::active_device(conn, a.nik.as_str())? {
        Some(key) if key != a.device_key.to_base64url() => {
            Err(RejectionReason::ActiveOnOtherDevice)
        }
        _ => Ok(()),
    })
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
    let id: RegistrationId = id.parse().map_err(|_| not_found())?;
    app.db(move |store| {
        let reg = registrations::get(store.connection(), &id)?.ok_or_else(not_found)?;
        Ok(Json(view(id, reg.state, reg.created_at)))
    })
    .await
}
