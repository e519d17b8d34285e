//! Operators at Disdukcapil offices: log in, see the queue of registrations waiting for a scan,
//! and approve (after scanning the resident's registration QR) or reject with a reason. Approval
//! mails an activation code; rejection mails the reason. JSON endpoints here; the server-rendered
//! console in [`super::console`] calls the same functions.

use std::num::NonZeroU32;

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::link::Link;
use ikd_core::protocol::{ActivationCode, RegistrationQr};
use ikd_core::registration::{RegistrationEvent, RejectionReason};
use ikd_core::{Lang, Localized};
use ring::pbkdf2;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::emailed_code::code_hash;
use super::mail::Mail;
use super::problem::{ApiError, Problem};
use super::registration::{RegistrationView, stored_state, view};
use super::session::token_hash;
use super::state::AppState;
use super::{JsonBody, log_activity, ts};

/// Operator password hashing: PBKDF2-HMAC-SHA256.
const PASSWORD_ITERATIONS: u32 = 100_000;
/// Operator sessions last a working day.
const OPERATOR_SESSION: TimeDelta = TimeDelta::hours(8);
/// Activation codes expire after 24 hours.
pub const ACTIVATION_CODE_LIFETIME: TimeDelta = TimeDelta::hours(24);
/// Name of the console's session cookie.
pub const COOKIE: &str = "siak_operator";

/// The seeded operators: one per seed office and one national.
pub const OPERATORS: &[(&str, &str, &str)] = &[
    (
        "operator.probolinggo",
        "Operator Disdukcapil Kota Probolinggo",
        "Kota Probolinggo",
    ),
    (
        "operator.labura",
        "Operator Disdukcapil Kab. Labuhanbatu Utara",
        "Kabupaten Labuhanbatu Utara",
    ),
    (
        "operator.payakumbuh",
        "Operator Disdukcapil Kota Payakumbuh",
        "Kota Payakumbuh",
    ),
    (
        "operator.deliserdang",
        "Operator Disdukcapil Kab. Deli Serdang",
        "Kabupaten Deli Serdang",
    ),
    (
        "operator.denpasar",
        "Operator Disdukcapil Kota Denpasar",
        "Kota Denpasar",
    ),
    ("operator.pusat", "Operator Ditjen Dukcapil", "Nasional"),
];

fn iterations() -> NonZeroU32 {
    NonZeroU32::new(PASSWORD_ITERATIONS).unwrap_or(NonZeroU32::MIN)
}

fn salt_for(username: &str, pepper: &[u8]) -> Vec<u8> {
    ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, pepper),
        username.as_bytes(),
    )
    .as_ref()[..16]
        .to_vec()
}

/// Creates the seeded operator accounts that do not exist yet, all with `password`.
pub fn seed_operators(
    store: &mut crate::Store,
    password: &str,
    pepper: &[u8],
) -> rusqlite::Result<()> {
    let tx = store.connection_mut().transaction()?;
    for (username, name, office) in OPERATORS {
        let salt = salt_for(username, pepper);
        let mut hash = [0u8; 32];
        pbkdf2::derive(
            pbkdf2::PBKDF2_HMAC_SHA256,
            iterations(),
            &salt,
            password.as_bytes(),
            &mut hash,
        );
        tx.execute(
            "INSERT INTO operators (username, display_name, office, password_salt, password_hash)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (username) DO NOTHING",
            params![username, name, office, salt, hash.to_vec()],
        )?;
    }
    tx.commit()
}

/// Checks a password and opens an operator session; `None` when the credentials are wrong.
pub fn operator_login(
    conn: &rusqlite::Connection,
    username: &str,
    password: &str,
    token: [u8; 32],
    now: DateTime<Utc>,
) -> rusqlite::Result<Option<String>> {
    let row: Option<(Vec<u8>, Vec<u8>)> = conn
        .query_row(
            "SELECT password_salt, password_hash FROM operators WHERE username = ?1",
            params![username],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((salt, hash)) = row else {
        return Ok(None);
    };
    if pbkdf2::verify(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iterations(),
        &salt,
        password.as_bytes(),
        &hash,
    )
    .is_err()
    {
        return Ok(None);
    }
    let token = B64.encode(token);
    conn.execute(
        "INSERT INTO operator_sessions (token_hash, username, expires_at) VALUES (?1, ?2, ?3)",
        params![token_hash(&token), username, ts(now + OPERATOR_SESSION)],
    )?;
    Ok(Some(token))
}

/// A logged-in operator.
#[derive(Debug, Clone)]
pub struct Operator {
    /// User name.
    pub username: String,
}

fn bearer_or_cookie(parts: &Parts) -> Option<String> {
    let headers = &parts.headers;
    if let Some(t) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(t.trim().to_owned());
    }
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            c.trim()
                .strip_prefix(COOKIE)
                .and_then(|rest| rest.strip_prefix('='))
        })
        .map(str::to_owned)
}

fn operator_unauthorized() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "operator_session_invalid",
        "Silakan masuk sebagai petugas.",
        "Please log in as an operator.",
    )
}

impl FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_or_cookie(parts).ok_or_else(operator_unauthorized)?;
        let now = ts(app.now());
        app.db(move |store| {
            store
                .connection()
                .query_row(
                    "SELECT username FROM operator_sessions WHERE token_hash = ?1 AND expires_at > ?2",
                    params![token_hash(&token), now],
                    |r| Ok(Operator { username: r.get(0)? }),
                )
                .optional()?
                .ok_or_else(operator_unauthorized)
        })
        .await
    }
}

/// Operator login.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperatorLoginRequest {
    /// User name, e.g. `operator.probolinggo`.
    pub username: String,
    /// Password.
    pub password: String,
}

/// An operator session.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OperatorSession {
    /// Bearer token (the console keeps it in a cookie).
    pub token: String,
}

/// Logs an operator in.
#[utoipa::path(post, path = "/v1/operator/login", tag = "operator", request_body = OperatorLoginRequest,
    responses((status = 200, body = OperatorSession), (status = 401, description = "Wrong user name or password", body = Problem)))]
pub async fn login(
    State(app): State<AppState>,
    JsonBody(req): JsonBody<OperatorLoginRequest>,
) -> Result<Json<OperatorSession>, ApiError> {
    let now = app.now();
    let token = app.random::<32>()?;
    app.db(move |store| {
        operator_login(store.connection(), &req.username, &req.password, token, now)?
            .map(|token| Json(OperatorSession { token }))
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "operator_login_failed",
                    "Nama pengguna atau kata sandi salah.",
                    "Wrong user name or password.",
                )
            })
    })
    .await
}

/// A registration in the operator's queue, with the resident's register data to compare.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QueueItem {
    /// The registration.
    pub registration: RegistrationView,
    /// NIK.
    pub nik: String,
    /// Name in the register.
    pub name: String,
    /// Regency of the family card address.
    pub regency: String,
    /// Email given at registration.
    pub email: String,
    /// Phone given at registration.
    pub phone: String,
    /// The liveness check that came with it (every registration since liveness is required).
    pub liveness: Option<LivenessRecord>,
}

/// The liveness check of a registration, for the operator.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LivenessRecord {
    /// The challenge id; the frames are at `/operator/liveness/{challenge_id}/{index}`.
    pub challenge_id: String,
    /// The movements asked, in order.
    pub actions: Vec<String>,
    /// `passed` (the server re-ran the analysis on the frames).
    pub result: String,
    /// From the first to the last frame, in milliseconds.
    pub duration_ms: u32,
    /// How many frames were kept.
    pub frames: u32,
}

/// Reads the pending queue, oldest first.
pub fn queue(conn: &rusqlite::Connection, limit: u32) -> rusqlite::Result<Vec<QueueItem>> {
    let mut stmt = conn.prepare(
        "SELECT g.id, g.created_at, g.nik, COALESCE(r.full_name, ''), COALESCE(f.regency, ''), g.email, g.phone,
                c.id, c.actions, c.result, c.duration_ms, (SELECT count(*) FROM liveness_frames lf WHERE lf.challenge_id = c.id)
         FROM registrations g LEFT JOIN residents r ON r.nik = g.nik LEFT JOIN family_cards f ON f.kk = r.kk
         LEFT JOIN liveness_challenges c ON c.id = g.liveness
         WHERE g.state = 'awaiting_operator_scan' ORDER BY g.created_at, g.id LIMIT ?1",
    )?;
    let rows = stmt.query_map(params![limit], |r| {
        let id: String = r.get(0)?;
        let at: DateTime<Utc> = r.get(1)?;
        Ok(QueueItem {
            registration: view(&id, ikd_core::RegistrationState::AwaitingOperatorScan, at),
            nik: r.get(2)?,
            name: r.get(3)?,
            regency: r.get(4)?,
            email: r.get(5)?,
            phone: r.get(6)?,
            liveness: match r.get::<_, Option<String>>(7)? {
                Some(challenge_id) => Some(LivenessRecord {
                    challenge_id,
                    actions: r
                        .get::<_, String>(8)?
                        .split(',')
                        .map(str::to_owned)
                        .collect(),
                    result: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
                    duration_ms: r.get::<_, Option<u32>>(10)?.unwrap_or_default(),
                    frames: r.get(11)?,
                }),
                None => None,
            },
        })
    })?;
    rows.collect()
}

/// The registrations waiting for a scan.
#[utoipa::path(get, path = "/v1/operator/registrations", tag = "operator", security(("operator" = [])),
    responses((status = 200, body = [QueueItem]), (status = 401, body = Problem)))]
pub async fn list(
    State(app): State<AppState>,
    _op: Operator,
) -> Result<Json<Vec<QueueItem>>, ApiError> {
    app.db(|store| Ok(Json(queue(store.connection(), 200)?)))
        .await
}

/// Approval after scanning the resident's registration QR.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveRequest {
    /// The text of the scanned (or pasted) registration QR: `IKDREG1:…`.
    pub registration_qr: String,
}

/// Rejection with a reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// A rejection code, e.g. `data_mismatch` or `liveness_failed`.
    #[schema(value_type = String)]
    pub reason: RejectionReason,
    /// Free-text note for the resident (optional, at most 500 characters).
    #[serde(default)]
    pub note: Option<String>,
}

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

/// A registration row as the decision needs it.
struct DecisionRow {
    nik: String,
    email: String,
    state: String,
    reason: Option<String>,
    created_at: DateTime<Utc>,
}

/// Applies a decision in one transaction and returns the mail to deliver.
pub fn decide(
    store: &mut crate::Store,
    app: &AppState,
    id: &str,
    operator: &str,
    decision: Decision,
    code_bytes: [u8; 32],
) -> Result<(RegistrationView, Mail), ApiError> {
    let now = app.now();
    let pepper = app.secrets().pepper();
    let mailer = app.mailer();
    let tx = store.connection_mut().transaction()?;
    let row: Option<DecisionRow> = tx
        .query_row(
            "SELECT nik, email, state, reason, created_at FROM registrations WHERE id = ?1",
            params![id],
            |r| {
                Ok(DecisionRow {
                    nik: r.get(0)?,
                    email: r.get(1)?,
                    state: r.get(2)?,
                    reason: r.get(3)?,
                    created_at: r.get(4)?,
                })
            },
        )
        .optional()?;
    let DecisionRow {
        nik,
        email,
        state,
        reason,
        created_at,
    } = row.ok_or_else(|| {
        ApiError::not_found(
            "registration_not_found",
            "Pendaftaran tidak ditemukan.",
            "No such registration.",
        )
    })?;
    let current = stored_state(&state, reason.as_deref());
    let (event, note) = match &decision {
        Decision::Approve { scanned_qr } => {
            let qr = RegistrationQr::parse(scanned_qr).map_err(|e| ApiError::bad_request(&e))?;
            if qr.id_hex() != id {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "registration_qr_mismatch",
                    "Kode QR yang dipindai milik pendaftaran lain. Pindai QR di layar HP penduduk ini.",
                    "The scanned QR belongs to another registration. Scan the QR on this resident's phone.",
                ));
            }
            (RegistrationEvent::OperatorApproved, None)
        }
        Decision::Reject { reason, note } => {
            if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "note_too_long",
                    "Catatan paling banyak 500 karakter.",
                    "The note can have at most 500 characters.",
                ));
            }
            (RegistrationEvent::OperatorRejected(*reason), note.clone())
        }
    };
    let next = current
        .apply(event)
        .map_err(|e| ApiError::localized(StatusCode::CONFLICT, &e))?;
    let reason_code = match next {
        ikd_core::RegistrationState::Rejected(r) => Some(r.code()),
        _ => None,
    };
    tx.execute(
        "UPDATE registrations SET state = ?2, reason = ?3, note = ?4, decided_by = ?5, decided_at = ?6 WHERE id = ?1",
        params![id, if reason_code.is_some() { "rejected" } else { next.code() }, reason_code, note, operator, ts(now)],
    )?;
    let mail = match next {
        ikd_core::RegistrationState::Rejected(reason) => {
            log_activity(
                &tx,
                &nik,
                now,
                "registration_rejected",
                None,
                Some(operator),
                Some(reason.code()),
            )?;
            rejection_mail(&email, &nik, reason, note.as_deref())
        }
        _ => {
            let code = ActivationCode::from_random(&code_bytes)
                .ok_or_else(|| ApiError::internal(&"random bytes ran out"))?;
            tx.execute(
                "INSERT INTO activation_codes (registration_id, code_hash, expires_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (registration_id) DO UPDATE SET code_hash = ?2, expires_at = ?3, wrong_tries = 0, used_at = NULL, burnt_at = NULL",
                params![id, code_hash(pepper, &code), ts(now + ACTIVATION_CODE_LIFETIME)],
            )?;
            log_activity(
                &tx,
                &nik,
                now,
                "registration_approved",
                None,
                Some(operator),
                None,
            )?;
            let link = Link::Activate {
                registration: id.to_owned(),
                code: code.clone(),
            };
            activation_mail(
                &email,
                &nik,
                &app.app_links().mail_lines(&link),
                &code,
                now + ACTIVATION_CODE_LIFETIME,
            )
        }
    };
    mailer.record(&tx, &mail, now)?;
    tx.commit()?;
    Ok((view(id, next, created_at), mail))
}

fn activation_mail(
    to: &str,
    nik: &str,
    links: &str,
    code: &ActivationCode,
    expires: DateTime<Utc>,
) -> Mail {
    Mail {
        to: to.to_owned(),
        subject: "Kode Aktivasi KTP Digital / Digital KTP activation code".into(),
        body: format!(
            "Pendaftaran KTP Digital Anda disetujui.\n\nKode aktivasi: {code}\nBerlaku sampai: {} UTC\nMasukkan kode ini di aplikasi IKD. Jangan berikan kode ini kepada siapa pun, termasuk petugas.\n\n---\n\nYour Digital KTP registration was approved.\n\nActivation code: {code}\nValid until: {} UTC\nEnter this code in the IKD app. Never give it to anyone, including officials.\n\nBuka di aplikasi / Open in the app:\n{links}",
            expires.format("%Y-%m-%d %H:%M"),
            expires.format("%Y-%m-%d %H:%M"),
        ),
        kind: "activation_code".into(),
        nik: Some(nik.to_owned()),
    }
}

fn rejection_mail(to: &str, nik: &str, reason: RejectionReason, note: Option<&str>) -> Mail {
    let note = note
        .map(|n| format!("\nCatatan petugas / Operator's note: {n}\n"))
        .unwrap_or_default();
    Mail {
        to: to.to_owned(),
        subject: "Pendaftaran KTP Digital ditolak / Digital KTP registration rejected".into(),
        body: format!(
            "Pendaftaran KTP Digital Anda ditolak.\nAlasan: {}\n{note}\n---\n\nYour Digital KTP registration was rejected.\nReason: {}\n(code: {})\n",
            reason.message(Lang::Id),
            reason.message(Lang::En),
            reason.code()
        ),
        kind: "registration_rejected".into(),
        nik: Some(nik.to_owned()),
    }
}

async fn apply(
    app: AppState,
    op: Operator,
    id: String,
    decision: Decision,
) -> Result<Json<RegistrationView>, ApiError> {
    let code_bytes = app.random::<32>()?;
    let state = app.clone();
    let id = id.to_ascii_lowercase();
    let (view, mail) = app
        .db(move |store| decide(store, &state, &id, &op.username, decision, code_bytes))
        .await?;
    app.mailer().deliver(mail).await;
    Ok(Json(view))
}

/// Approves a registration whose QR the operator scanned; mails the activation code.
#[utoipa::path(post, path = "/v1/operator/registrations/{id}/approve", tag = "operator", request_body = ApproveRequest, security(("operator" = [])),
    params(("id" = String, Path, description = "Registration id")),
    responses((status = 200, body = RegistrationView), (status = 400, description = "QR missing or of another registration", body = Problem), (status = 404, body = Problem), (status = 409, description = "Not waiting for an operator", body = Problem)))]
pub async fn approve(
    State(app): State<AppState>,
    op: Operator,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<ApproveRequest>,
) -> Result<Json<RegistrationView>, ApiError> {
    apply(
        app,
        op,
        id,
        Decision::Approve {
            scanned_qr: req.registration_qr,
        },
    )
    .await
}

/// Rejects a registration with a reason; mails the reason.
#[utoipa::path(post, path = "/v1/operator/registrations/{id}/reject", tag = "operator", request_body = RejectRequest, security(("operator" = [])),
    params(("id" = String, Path, description = "Registration id")),
    responses((status = 200, body = RegistrationView), (status = 404, body = Problem), (status = 409, description = "Not waiting for an operator", body = Problem)))]
pub async fn reject(
    State(app): State<AppState>,
    op: Operator,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<RejectRequest>,
) -> Result<Json<RegistrationView>, ApiError> {
    apply(
        app,
        op,
        id,
        Decision::Reject {
            reason: req.reason,
            note: req.note,
        },
    )
    .await
}
