//! The logged-in resident's own data: credentials for each disclosure profile (bound to the
//! device), Biodata, Data Keluarga (family card members) and Histori Aktivitas.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::credential::{
    CredentialId, CredentialRequest, Disclosed, HolderId, KtpRecord, Profile, issue_credential,
};

use super::problem::{ApiError, Problem};
use super::request::parse_device_key;
use super::session::Session;
use super::state::AppState;
use crate::store::activity::{self, ActivityKind, Detail};
use crate::store::credentials::{self, NewCredential};
use crate::{ResidentRecord, Store};

pub use ikd_core::wire::{ActivityEntry, FamilyMember, FamilyView, IssuedCredential};

/// How long an issued credential stays valid offline.
pub const CREDENTIAL_LIFETIME: TimeDelta = TimeDelta::days(7);

/// The KTP-el record of a resident, as a credential carries it.
pub fn ktp_record(record: &ResidentRecord) -> KtpRecord {
    let r = &record.resident;
    let a = &record.address;
    KtpRecord {
        nik: r.nik.clone(),
        name: r.full_name.clone(),
        place_of_birth: r.place_of_birth.clone(),
        birth_date: r.birth_date,
        sex: r.sex,
        blood_type: match r.blood_type.as_str() {
            "-" => None,
            other => Some(other.to_owned()),
        },
        address: a.street.clone(),
        rt: a.rt.clone(),
        rw: a.rw.clone(),
        village: a.village.clone(),
        district: a.district.clone(),
        regency: a.regency.clone(),
        province: a.province.clone(),
        religion: r.religion.as_str().to_owned(),
        marital_status: r.marital_status,
        occupation: r.occupation.clone(),
        citizenship: r.citizenship.as_str().to_owned(),
        valid_until: None,
    }
}

/// Issues a fresh credential for every profile, bound to the session's device.
#[utoipa::path(post, path = "/v1/me/credentials", tag = "resident", security(("session" = [], "request_proof" = [])),
    responses((status = 200, body = [IssuedCredential]), (status = 401, description = "No session, or no valid request proof (`request_proof_*`)", body = Problem)))]
pub async fn credentials(
    State(app): State<AppState>,
    session: Session,
) -> Result<Json<Vec<IssuedCredential>>, ApiError> {
    let now = app.now();
    let ids: Vec<([u8; 16], [u8; 16])> = Profile::ALL
        .iter()
        .map(|_| Ok((app.random::<16>()?, app.random::<16>()?)))
        .collect::<Result<_, ApiError>>()?;
    let state = app.clone();
    app.db(move |store| Ok(Json(issue_all(store, &state, &session, ids, now)?)))
        .await
}

/// Issues and records one credential per profile (with the given credential and holder ids), in
/// one transaction.
fn issue_all(
    store: &mut Store,
    app: &AppState,
    session: &Session,
    ids: Vec<([u8; 16], [u8; 16])>,
    now: DateTime<Utc>,
) -> Result<Vec<IssuedCredential>, ApiError> {
    let record = store
        .resident(&session.nik)?
        .ok_or_else(|| ApiError::internal(&"account without a population record"))?;
    let ktp = ktp_record(&record);
    let device_key = parse_device_key(&session.device_key)?;
    let issuer = app.secrets().current();
    let tx = store.connection_mut().transaction()?;
    let mut issued = Vec::new();
    for (profile, (cid, hid)) in Profile::ALL.into_iter().zip(ids) {
        let holder = HolderId::from_bytes(hid);
        let request = CredentialRequest {
            credential_id: CredentialId::from_bytes(cid),
            issued_at: now,
            valid_from: now,
            valid_until: now + CREDENTIAL_LIFETIME,
            device_key,
            claims: Disclosed::from_record(profile, &ktp, holder, now.date_naive()),
        };
        let credential = issue_credential(issuer, &request).map_err(|e| ApiError::internal(&e))?;
        let (id, kid) = (
            request.credential_id.to_base64url(),
            issuer.kid().to_base64url(),
        );
        let row = NewCredential {
            id: &id,
            nik: &session.nik,
            profile,
            kid: &kid,
            device_key: &session.device_key,
            issued_at: now,
            valid_until: request.valid_until,
        };
        credentials::insert(&tx, row)?;
        issued.push(IssuedCredential {
            profile,
            credential: credential.to_base64url(),
            valid_until: request.valid_until,
        });
    }
    tx.commit()?;
    Ok(issued)
}

/// Biodata: the resident's KTP-el record.
#[utoipa::path(get, path = "/v1/me", tag = "resident", security(("session" = [], "request_proof" = [])),
    responses((status = 200, body = Object), (status = 401, description = "No session, or no valid request proof (`request_proof_*`)", body = Problem)))]
pub async fn biodata(
    State(app): State<AppState>,
    session: Session,
) -> Result<Json<KtpRecord>, ApiError> {
    app.db(move |store| {
        let record = store
            .resident(&session.nik)?
            .ok_or_else(|| ApiError::internal(&"account without a population record"))?;
        Ok(Json(ktp_record(&record)))
    })
    .await
}

/// Data Keluarga: the members of the resident's family card.
#[utoipa::path(get, path = "/v1/me/family", tag = "resident", security(("session" = [], "request_proof" = [])),
    responses((status = 200, body = FamilyView), (status = 401, description = "No session, or no valid request proof (`request_proof_*`)", body = Problem)))]
pub async fn family(
    State(app): State<AppState>,
    session: Session,
) -> Result<Json<FamilyView>, ApiError> {
    app.db(move |store| {
        let record = store
            .resident(&session.nik)?
            .ok_or_else(|| ApiError::internal(&"account without a population record"))?;
        let card = store
            .family(&record.resident.kk)?
            .ok_or_else(|| ApiError::internal(&"resident without a family card"))?;
        Ok(Json(FamilyView {
            kk: card.kk.clone(),
            members: card
                .members
                .iter()
                .map(|m| {
                    Ok(FamilyMember {
                        nik: ikd_core::Nik::parse(&m.nik, m.birth_date)
                            .map_err(|e| ApiError::internal(&e))?,
                        name: m.full_name.clone(),
                        relationship: m.relationship.as_str().to_owned(),
                        sex: m.sex,
                        birth_date: m.birth_date,
                    })
                })
                .collect::<Result<_, ApiError>>()?,
        }))
    })
    .await
}

/// Histori Aktivitas, newest first (at most 200).
#[utoipa::path(get, path = "/v1/me/activity", tag = "resident", security(("session" = [], "request_proof" = [])),
    responses((status = 200, body = [ActivityEntry]), (status = 401, description = "No session, or no valid request proof (`request_proof_*`)", body = Problem)))]
pub async fn activity(
    State(app): State<AppState>,
    session: Session,
) -> Result<Json<Vec<ActivityEntry>>, ApiError> {
    app.db(move |store| {
        Ok(Json(activity::history(
            store.connection(),
            &session.nik,
            200,
        )?))
    })
    .await
}

/// Records a verification in the resident's history (used by the online verify endpoint).
pub fn record_verification(
    conn: &rusqlite::Connection,
    nik: &str,
    profile: Profile,
    verifier: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    let detail = Detail {
        profile: Some(profile.as_str()),
        verifier: Some(verifier),
        detail: None,
    };
    activity::log_with(conn, nik, now, ActivityKind::Verified, detail)
}
