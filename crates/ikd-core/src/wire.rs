//! The JSON messages between the app and the SIAK server, shared by both sides so they can
//! never drift apart. Plain data: no I/O, no validation beyond what serde does (the server parses
//! every field with this crate's newtypes before trusting it). With the `openapi` feature the
//! types also describe themselves for the server's OpenAPI document.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::credential::{Profile, Verified};
use crate::liveness::{Action, LivenessEvidence};
use crate::protocol::PinProof;

// Errors.

/// RFC 9457 problem details: the body of every error response of the SIAK server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// `urn:ikd:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short English summary of the problem type.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// Stable machine-readable code (snake_case).
    pub code: String,
    /// The message in Bahasa Indonesia.
    pub message_id: String,
    /// The message in English.
    pub message_en: String,
    /// The message in the language the request asked for (`Accept-Language`), Indonesian by default.
    pub detail: String,
    /// Seconds to wait before trying again (PIN lockout, rate limits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

// Registration.

/// A registration request from the app.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// NIK, 16 digits (spaces, dots and dashes allowed).
    pub nik: String,
    /// Where the activation code will be sent.
    pub email: String,
    /// Indonesian mobile number.
    pub phone: String,
    /// The device's Ed25519 public key, base64url (32 bytes).
    pub device_public_key: String,
    /// Device proof (purpose `register`, challenge = `email` + "\n" + `phone` as sent).
    pub device_proof: String,
    /// Liveness evidence (the moving-face selfie) for a challenge issued to this NIK and device
    /// key with purpose `register`. Required: the server re-runs the analysis on the frames.
    #[serde(default)]
    pub liveness: Option<LivenessEvidence>,
}

// Liveness.

/// What a liveness challenge is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LivenessPurpose {
    /// A new registration.
    Register,
    /// A device change or PIN reset.
    Recover,
}

impl LivenessPurpose {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            LivenessPurpose::Register => "register",
            LivenessPurpose::Recover => "recover",
        }
    }
}

/// Asks for a liveness challenge.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LivenessChallengeRequest {
    /// The NIK.
    pub nik: String,
    /// The device's Ed25519 public key, base64url; the evidence must be signed by it.
    pub device_public_key: String,
    /// What the challenge is for.
    pub purpose: LivenessPurpose,
}

/// A single-use liveness challenge.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LivenessChallengeView {
    /// Challenge id (32 hex digits), to put in the evidence.
    pub challenge_id: String,
    /// The movements to make, in order (2–4).
    pub actions: Vec<Action>,
    /// The evidence must arrive before this instant.
    pub expires_at: DateTime<Utc>,
    /// Time for the movements themselves, in seconds.
    pub limit_secs: u32,
}

// Device change and PIN reset.

/// Starts a device change or PIN reset: a fresh liveness check on the new device, the NIK and
/// the account's email.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecoveryRequest {
    /// The NIK.
    pub nik: String,
    /// The email the account was activated with.
    pub email: String,
    /// The new device's Ed25519 public key, base64url.
    pub device_public_key: String,
    /// Liveness evidence for a challenge with purpose `recover`.
    pub liveness: LivenessEvidence,
}

/// A device change waiting for the emailed code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryView {
    /// Recovery id (32 hex digits).
    pub recovery_id: String,
    /// Where the code went, partly hidden.
    pub email_hint: String,
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
}

/// Finishes a device change with the emailed code and a new PIN.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecoveryConfirmRequest {
    /// The NIK.
    pub nik: String,
    /// The emailed code (`ABCD-EFGH`).
    pub code: String,
    /// Device proof, purpose `activate`, challenge = the recovery id (ASCII hex).
    pub device_proof: String,
    /// PIN proof of the new PIN (base64url, 32 bytes).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub pin_proof: PinProof,
}

/// A registration as the app and the operator see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationView {
    /// Registration id (32 hex digits).
    pub registration_id: String,
    /// `submitted`, `awaiting_operator_scan`, `approved`, `activated` or `rejected`.
    pub state: String,
    /// Rejection code, when rejected.
    pub reason: Option<String>,
    /// Rejection message in Bahasa Indonesia.
    pub reason_message_id: Option<String>,
    /// Rejection message in English.
    pub reason_message_en: Option<String>,
    /// Text of the QR the operator scans (while awaiting the operator).
    pub registration_qr: Option<String>,
    /// When it was submitted.
    pub created_at: DateTime<Utc>,
}

// Activation, login, PIN and device.

/// Activation: the approved registration's device proves itself, the code is checked, the
/// account becomes active on that device with the PIN the resident chose.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ActivateRequest {
    /// The registration id.
    pub registration_id: String,
    /// The NIK registered.
    pub nik: String,
    /// The emailed code (`ABCD-EFGH`).
    pub code: String,
    /// Device proof, purpose `activate`, challenge = the registration id (ASCII hex).
    pub device_proof: String,
    /// PIN proof of the new PIN (base64url, 32 bytes).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub pin_proof: PinProof,
}

/// A new session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    /// Bearer token.
    pub session_token: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// Step 1 of login.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChallengeRequest {
    /// The NIK.
    pub nik: String,
}

/// A login challenge to sign with the device key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChallengeView {
    /// Challenge id.
    pub challenge_id: String,
    /// Bytes to sign (base64url), purpose `login`.
    pub nonce: String,
    /// Answer before this.
    pub expires_at: DateTime<Utc>,
}

/// Step 2 of login.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// From step 1.
    pub challenge_id: String,
    /// Device proof, purpose `login`, challenge = the nonce bytes.
    pub device_proof: String,
    /// PIN proof (base64url, 32 bytes).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub pin_proof: PinProof,
}

/// PIN change.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePinRequest {
    /// Proof of the current PIN.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub old_pin_proof: PinProof,
    /// Proof of the new PIN (the app checked the PIN rules).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub new_pin_proof: PinProof,
}

/// Device release.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReleaseRequest {
    /// Proof of the current PIN.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub pin_proof: PinProof,
}

// The resident's own data.

/// One issued credential.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedCredential {
    /// Disclosure profile.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub profile: Profile,
    /// The credential (COSE_Sign1, base64url), see docs/qr-format.md.
    pub credential: String,
    /// End of its validity.
    pub valid_until: DateTime<Utc>,
}

/// A member of the resident's family card (KK).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FamilyMember {
    /// NIK.
    pub nik: String,
    /// Name.
    pub name: String,
    /// Relationship in the family (KEPALA KELUARGA, ISTRI, ANAK, …).
    pub relationship: String,
    /// Sex.
    pub sex: String,
    /// Date of birth.
    pub birth_date: chrono::NaiveDate,
}

/// The family card.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FamilyView {
    /// KK number.
    pub kk: String,
    /// Members in card order.
    pub members: Vec<FamilyMember>,
}

/// One entry of Histori Aktivitas.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// What: `registered`, `registration_approved`, `activated`, `login`, `pin_wrong`, `pin_changed`,
    /// `verified`, `device_released`, …
    pub kind: String,
    /// Profile shown, for verifications.
    pub profile: Option<String>,
    /// Who verified or decided.
    pub verifier: Option<String>,
    /// Extra detail (a reason code).
    pub detail: Option<String>,
}

// Verification.

/// A verifier's request.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The QR text (`IKD1:…`).
    pub presentation: String,
    /// Who verifies (shown in the resident's history), e.g. "Bank Jatim Cabang Probolinggo".
    pub verifier: String,
    /// Refuse other profiles.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub expected_profile: Option<Profile>,
}

/// The answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyResponse {
    /// Passed the offline checks and is not revoked.
    pub valid: bool,
    /// `active`, `revoked` (credential revoked, account released or device replaced) or `unknown`.
    pub status: String,
    /// The verified presentation.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub presentation: Verified,
}
