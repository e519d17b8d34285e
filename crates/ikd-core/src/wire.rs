//! The JSON messages between the app and the SIAK server, shared by both sides so they can
//! never drift apart. No I/O. With the `openapi` feature the types also describe themselves for
//! the server's OpenAPI document.
//!
//! **Responses are typed.** What the server answers carries the core's own types: ids
//! ([`RegistrationId`], [`ChallengeId`], [`RecoveryId`]), the registration's
//! [`RegistrationState`] with its [`RejectionReason`](crate::RejectionReason), the
//! [`ActivityKind`] and [`Profile`] of a history entry, a family member's [`Nik`] and [`Sex`], the
//! [`VerificationStatus`]. A value the app does not know (a new state, a new activity kind, a
//! malformed id) fails deserialization, and the app reports that answer as a server error instead
//! of guessing — never a silent default.
//!
//! **Requests keep what a person typed as text.** The NIK, email, phone and emailed code of a
//! request, and the ids a request names (`registration_id` of an activation, `challenge_id` of a
//! login), stay `String`: the server parses each with the core's newtype and answers a bad one
//! with that field's own problem code (`nik_wrong_length`, `email_invalid`, `phone_invalid`,
//! `activation_code_malformed`; `registration_not_found` and `login_challenge_invalid` for an id,
//! exactly as for an unknown one). Typing them here would turn each of those answers into one
//! generic `json_invalid_fields`. Fields that never come from a person (the liveness purpose, the
//! expected profile, the PIN proof) are typed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::activity::ActivityKind;
use crate::credential::{Profile, Verified};
use crate::ids::{ChallengeId, RecoveryId, RegistrationId};
use crate::liveness::{Action, LivenessEvidence};
use crate::nik::{Nik, Sex};
use crate::protocol::PinProof;
use crate::registration::RegistrationState;

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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    /// Challenge id, to put in the evidence.
    pub challenge_id: ChallengeId,
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
    /// Recovery id.
    pub recovery_id: RecoveryId,
    /// Where the code went, partly hidden.
    pub email_hint: String,
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
}

/// Confirms a device change with the emailed code: the change then waits (see
/// [`crate::device_change`]); the new PIN is given when it completes.
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
}

pub use crate::device_change::{
    DeviceChangeState, DeviceChangeView, MyDeviceChange, PendingDeviceChange,
    RecoveryCompleteRequest,
};

/// A registration as the app and the operator see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationView {
    /// Registration id.
    pub registration_id: RegistrationId,
    /// Where it stands: the keys `state` (`submitted`, `awaiting_operator_scan`, `approved`,
    /// `activated` or `rejected`) and, when rejected, `reason` (the rejection code).
    #[serde(flatten)]
    pub state: RegistrationState,
    /// Rejection message in Bahasa Indonesia.
    pub reason_message_id: Option<String>,
    /// Rejection message in English.
    pub reason_message_en: Option<String>,
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
    /// The registration id (32 hex digits; text, see the module doc).
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
    pub challenge_id: ChallengeId,
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
    /// From step 1 (text, see the module doc).
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
    pub profile: Profile,
    /// The credential (COSE_Sign1, base64url), see docs/qr-format.md.
    pub credential: String,
    /// End of its validity.
    pub valid_until: DateTime<Utc>,
}

/// A member of the resident's family card (KK).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "family::RawMember")]
pub struct FamilyMember {
    /// NIK. Its two-digit birth year is read in the century of `birth_date`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9]{16}$"))]
    pub nik: Nik,
    /// Name.
    pub name: String,
    /// Relationship in the family (KEPALA KELUARGA, ISTRI, ANAK, …).
    pub relationship: String,
    /// Sex, as printed on the KTP-el (`LAKI-LAKI`, `PEREMPUAN`).
    #[serde(serialize_with = "family::sex_as_printed")]
    #[cfg_attr(feature = "openapi", schema(schema_with = family::sex_schema))]
    pub sex: Sex,
    /// Date of birth.
    pub birth_date: chrono::NaiveDate,
}

/// How a [`FamilyMember`] reads and writes its NIK and sex.
mod family {
    use serde::{Deserialize, Serializer};

    use super::FamilyMember;
    use crate::nik::{Nik, Sex};

    /// A family member as it comes, before its NIK and sex are parsed.
    #[derive(Deserialize)]
    pub(super) struct RawMember {
        nik: String,
        name: String,
        relationship: String,
        sex: String,
        birth_date: chrono::NaiveDate,
    }

    impl TryFrom<RawMember> for FamilyMember {
        type Error = String;

        /// The NIK is parsed as of the member's own birth date (the core has no clock; the
        /// register's birth date settles the century), the sex with [`Sex::from_record`].
        fn try_from(raw: RawMember) -> Result<FamilyMember, String> {
            Ok(FamilyMember {
                nik: Nik::parse(&raw.nik, raw.birth_date).map_err(|e| e.to_string())?,
                sex: Sex::from_record(&raw.sex).map_err(|e| e.to_string())?,
                name: raw.name,
                relationship: raw.relationship,
                birth_date: raw.birth_date,
            })
        }
    }

    /// Writes the KTP-el's word for the sex.
    pub(super) fn sex_as_printed<S: Serializer>(sex: &Sex, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(sex.label_id())
    }

    /// The OpenAPI schema of the sex: the KTP-el's two words.
    #[cfg(feature = "openapi")]
    pub(super) fn sex_schema() -> utoipa::openapi::schema::Object {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some([Sex::Male, Sex::Female].map(Sex::label_id)))
            .build()
    }
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
    /// What happened.
    pub kind: ActivityKind,
    /// Profile shown, for verifications.
    pub profile: Option<Profile>,
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
    pub expected_profile: Option<Profile>,
}

/// Whether a verified credential still stands on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    /// Issued by this server and still active.
    Active,
    /// Revoked: the credential itself, or the account was released or moved to another device.
    Revoked,
    /// This server has no record of the credential.
    Unknown,
}

/// The answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifyResponse {
    /// Passed the offline checks and is not revoked.
    pub valid: bool,
    /// Whether the credential still stands.
    pub status: VerificationStatus,
    /// The verified presentation.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub presentation: Verified,
}
