//! The OpenAPI 3.1 description of the mock SIAK's JSON API, built by `utoipa` from the
//! `#[utoipa::path]` annotations on the handlers and served at `GET /openapi.json`.
//!
//! A copy is kept in `docs/openapi.json`; the integration test `api::openapi` fails when the two
//! differ and rewrites the copy when run with `IKD_REGENERATE_OPENAPI=1`. This module only
//! describes: it must never change what a handler accepts or answers.

use std::sync::OnceLock;

use axum::Json;
use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    account, audit, device_change, device_change_office, issuer, liveness, lockout, me, operator,
    operator_queue, outbox, problem, recovery, registration, verify,
};

const DESCRIPTION: &str = "\
The mock **SIAK Terpusat** (Sistem Informasi Administrasi Kependudukan, the central population \
register run by Ditjen Dukcapil) that the IKD (Identitas Kependudukan Digital, \"KTP Digital\") \
resident app registers against.

* A resident registers a phone with their **NIK** (Nomor Induk Kependudukan, the 16-digit \
population number), an email and a phone number; the server checks the population record at once.
* An operator of the local **Disdukcapil** office (Dinas Kependudukan dan Pencatatan Sipil) scans \
the registration QR on the resident's phone and approves or rejects.
* On approval an activation code is mailed; the resident activates with it, sets a PIN and logs in \
with a device-signed challenge plus a PIN proof (the PIN never travels in clear).
* The logged-in resident fetches issuer-signed credentials bound to the device, the members of \
their **KK** (Kartu Keluarga, family card) and their **Histori Aktivitas** (activity history).
* Verifiers check a presented **KTP** (Kartu Tanda Penduduk, identity card) QR offline with the \
keys at `/.well-known/ikd-issuer-keys`, or online at `/v1/verify`.

Every error is RFC 9457 `application/problem+json` with a stable `code` and the message in Bahasa \
Indonesia (`message_id`) and English (`message_en`); `detail` follows `Accept-Language`. \
See docs/api.md for the flows, the proof formats and every error code.";

/// The document: every JSON endpoint, its schemas and its security.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "SIAK mock (IKD / KTP Digital)",
        description = DESCRIPTION,
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    paths(
        liveness::challenge,
        registration::register,
        registration::status,
        account::activate,
        recovery::start,
        recovery::confirm,
        device_change::status,
        device_change::complete,
        device_change::mine,
        device_change::cancel_mine,
        account::challenge,
        account::login,
        account::change_pin,
        account::release_device,
        me::biodata,
        me::credentials,
        me::family,
        me::activity,
        verify::verify,
        operator::login,
        operator::logout,
        operator_queue::list,
        operator::approve,
        operator::reject,
        lockout::unlock,
        audit::list,
        device_change_office::list,
        device_change_office::approve,
        device_change_office::reject,
        issuer::issuer_keys,
        outbox::dev_outbox,
    ),
    components(schemas(
        problem::Problem,
        ikd_core::device_change::DeviceChangeView,
        ikd_core::device_change::DeviceChangeState,
        ikd_core::device_change::RecoveryCompleteRequest,
        ikd_core::device_change::MyDeviceChange,
        ikd_core::device_change::PendingDeviceChange,
        device_change_office::OfficeDeviceChange,
        registration::RegisterRequest,
        registration::RegistrationView,
        ikd_core::wire::LivenessChallengeRequest,
        ikd_core::wire::LivenessChallengeView,
        ikd_core::wire::LivenessPurpose,
        ikd_core::wire::VerificationStatus,
        ikd_core::RegistrationState,
        ikd_core::RejectionReason,
        ikd_core::activity::ActivityKind,
        ikd_core::credential::Profile,
        ikd_core::RegistrationId,
        ikd_core::ChallengeId,
        ikd_core::RecoveryId,
        ikd_core::liveness::Action,
        ikd_core::liveness::LivenessEvidence,
        ikd_core::liveness::EvidenceFrame,
        ikd_core::liveness::Face,
        ikd_core::wire::RecoveryRequest,
        ikd_core::wire::RecoveryView,
        ikd_core::wire::RecoveryConfirmRequest,
        account::ActivateRequest,
        account::SessionView,
        account::ChallengeRequest,
        account::ChallengeView,
        account::LoginRequest,
        account::ChangePinRequest,
        account::ReleaseRequest,
        me::IssuedCredential,
        me::FamilyView,
        me::FamilyMember,
        me::ActivityEntry,
        verify::VerifyRequest,
        verify::VerifyResponse,
        operator::OperatorLoginRequest,
        operator::OperatorSession,
        operator::ApproveRequest,
        operator::RejectRequest,
        operator::QueueItem,
        crate::store::audit::AuditEntry,
        crate::store::audit::AuditAction,
        crate::store::outbox::OutboxEntry,
    )),
    modifiers(&SecuritySchemes),
    tags(
        (name = "resident", description = "The resident's app: registration (pendaftaran), activation, login, PIN (Ubah PIN), device release (Lepas Perangkat), credentials, family card (Data Keluarga), activity history (Histori Aktivitas)."),
        (name = "operator", description = "Disdukcapil operators: the queue of registrations of their region, approve after scanning the resident's QR, reject with a reason; the audit trail for the national office."),
        (name = "verifier", description = "Verifiers (bank teller, clinic, police): the published issuer keys for offline checks and online verification."),
        (name = "development", description = "Development aids of the mock only; a real SIAK has none of these."),
    ),
)]
pub struct ApiDoc;

/// Adds the schemes the handlers name in `security(...)`: the two bearer tokens and the
/// request proof that goes with a resident session.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A resident session token from `POST /v1/activation` or `POST /v1/login` (15 minutes).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "request_proof",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "IKD-Proof",
                "With every session request: `t=<unix seconds>, sig=<base64url>`, the device key's Ed25519 signature over method, path and query, time, body and session token (docs/api.md, Proofs).",
            ))),
        );
        components.add_security_scheme(
            "operator",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An operator token from `POST /v1/operator/login` (ends after 15 minutes without a request, 12 hours after login at the latest); the console sends it as the `__Host-ikd_operator` cookie instead (`ikd_operator` on a plain-http development server).",
                    ))
                    .build(),
            ),
        );
    }
}

/// The document as served (built once).
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}

/// `GET /openapi.json`.
pub async fn serve() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "public, max-age=300")],
        Json(document()),
    )
}
