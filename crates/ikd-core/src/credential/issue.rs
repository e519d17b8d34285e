//! Issuing the Digital KTP credential (issuer side) and reading it back (holder side).
//!
//! A credential is a COSE_Sign1 signed by the issuer over a CBOR map: version, profile, id,
//! validity, the device public key it is bound to, and the disclosed claims. Reading one back with
//! [`Credential::from_bytes`] checks its structure but **not** its signature: only the holder's own
//! app may rely on that, a verifier must use [`verify_presentation`](super::verify_presentation).

use chrono::{DateTime, Utc};
use ciborium::Value;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::cbor::{self, EncodeError, Fields, as_bytes, as_int, as_text};
use super::claims::{Disclosed, decode_claims, encode_claims, is_nik_text};
use super::error::{FormatError, MalformedLayer};
use super::ids::{CredentialId, DevicePublicKey, KeyId, encode_b64url};
use super::keys::IssuerSigningKey;
use super::profile::Profile;
use crate::i18n::{Lang, Localized, pick};

/// Integer keys of the credential payload map.
mod key {
    pub const VERSION: i64 = 1;
    pub const PROFILE: i64 = 2;
    pub const ID: i64 = 3;
    pub const ISSUED_AT: i64 = 4;
    pub const VALID_FROM: i64 = 5;
    pub const VALID_UNTIL: i64 = 6;
    pub const DEVICE_KEY: i64 = 7;
    pub const CLAIMS: i64 = 8;
}

/// What the issuer needs to sign one credential. The caller (the SIAK server) chooses the id and
/// the times; this crate has no clock and no randomness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRequest {
    /// Fresh random id for this credential.
    pub credential_id: CredentialId,
    /// When it is signed.
    pub issued_at: DateTime<Utc>,
    /// Start of validity.
    pub valid_from: DateTime<Utc>,
    /// End of validity (must be after `valid_from`).
    pub valid_until: DateTime<Utc>,
    /// The holder's device key the credential is bound to.
    pub device_key: DevicePublicKey,
    /// The claims; their variant is the credential's profile.
    pub claims: Disclosed,
}

/// Everything a credential says, decoded. Times are whole seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialContents {
    /// The issuer key id from the protected header.
    pub kid: KeyId,
    /// The disclosure profile.
    pub profile: Profile,
    /// The credential id.
    pub credential_id: CredentialId,
    /// When it was signed.
    pub issued_at: DateTime<Utc>,
    /// Start of validity.
    pub valid_from: DateTime<Utc>,
    /// End of validity.
    pub valid_until: DateTime<Utc>,
    /// The device key it is bound to.
    pub device_key: DevicePublicKey,
    /// The disclosed claims.
    pub claims: Disclosed,
}

impl CredentialContents {
    /// Whether `now` is inside `[valid_from, valid_until]`.
    pub fn is_valid_at(&self, now: DateTime<Utc>) -> bool {
        self.valid_from <= now && now <= self.valid_until
    }
}

/// An issued credential: the issuer's COSE_Sign1 bytes and what they say. Serialised (for the
/// holder's secret store) as unpadded base64url of the COSE bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    bytes: Vec<u8>,
    contents: CredentialContents,
}

/// A credential could not be issued or read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CredentialError {
    /// `valid_until` is not after `valid_from`.
    #[error("validity period ends before it starts")]
    InvalidValidity,
    /// The claims carry a NIK that is not 16 digits.
    #[error("NIK is not 16 digits")]
    InvalidNik,
    /// The stored text is not base64url.
    #[error("stored credential is not base64url")]
    NotBase64url,
    /// The bytes are not a credential of this format.
    #[error(transparent)]
    Format(#[from] FormatError),
    /// Encoding failed (an internal error; should not happen).
    #[error("credential could not be encoded")]
    Encoding,
}

impl From<EncodeError> for CredentialError {
    fn from(_: EncodeError) -> Self {
        CredentialError::Encoding
    }
}

impl Localized for CredentialError {
    fn code(&self) -> &'static str {
        match self {
            CredentialError::InvalidValidity => "credential_invalid_validity",
            CredentialError::InvalidNik => "credential_invalid_nik",
            CredentialError::NotBase64url => "credential_not_base64url",
            CredentialError::Format(err) => err.code(),
            CredentialError::Encoding => "credential_encoding_failed",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (id, en) = match self {
            CredentialError::InvalidValidity => (
                "Masa berlaku KTP Digital berakhir sebelum dimulai.",
                "The Digital KTP validity period ends before it starts.",
            ),
            CredentialError::InvalidNik => (
                "NIK pada data KTP harus 16 angka.",
                "The NIK in the KTP data must be 16 digits.",
            ),
            CredentialError::NotBase64url | CredentialError::Format(_) => (
                "KTP Digital yang tersimpan rusak. Unduh ulang dari aplikasi.",
                "The stored Digital KTP is damaged. Download it again in the app.",
            ),
            CredentialError::Encoding => (
                "Terjadi kesalahan internal saat membuat KTP Digital.",
                "An internal error occurred while creating the Digital KTP.",
            ),
        };
        pick(lang, id.to_owned(), en.to_owned())
    }
}

fn epoch(t: DateTime<Utc>) -> Value {
    Value::Integer(t.timestamp().into())
}

/// The device key as a COSE_Key: `{1: 1 (OKP), 3: -8 (EdDSA), -1: 6 (Ed25519), -2: x}`.
pub(crate) fn encode_device_key(key: &DevicePublicKey) -> Value {
    let int = |i: i64| Value::Integer(i.into());
    Value::Map(vec![
        (int(1), int(1)),
        (int(3), int(-8)),
        (int(-1), int(6)),
        (int(-2), Value::Bytes(key.as_bytes().to_vec())),
    ])
}

fn decode_device_key(value: Value) -> Result<DevicePublicKey, FormatError> {
    let cose = MalformedLayer::Cose;
    let mut f = Fields::int_keys(value, cose)?;
    let kty = as_int(
        f.require(&1, "COSE_Key without kty")?,
        cose,
        "kty is not OKP (1)",
    )?;
    if kty != 1 {
        return Err(FormatError::at(cose, "kty is not OKP (1)"));
    }
    if let Some(alg) = f.take(&3)
        && as_int(alg, cose, "COSE_Key alg is not EdDSA (-8)")? != -8
    {
        return Err(FormatError::at(cose, "COSE_Key alg is not EdDSA (-8)"));
    }
    if as_int(
        f.require(&-1, "COSE_Key without crv")?,
        cose,
        "crv is not Ed25519 (6)",
    )? != 6
    {
        return Err(FormatError::at(cose, "crv is not Ed25519 (6)"));
    }
    let x = as_bytes(
        f.require(&-2, "COSE_Key without x")?,
        cose,
        "x is not bytes",
    )?;
    f.finish()?;
    DevicePublicKey::from_slice(&x).ok_or(FormatError::at(cose, "x is not 32 bytes"))
}

/// Signs a credential. Fails only on a request that could never verify (inverted validity,
/// a NIK that is not 16 digits).
pub fn issue_credential(
    key: &IssuerSigningKey,
    request: &CredentialRequest,
) -> Result<Credential, CredentialError> {
    if request.valid_until <= request.valid_from {
        return Err(CredentialError::InvalidValidity);
    }
    if request.claims.nik().is_some_and(|nik| !is_nik_text(nik)) {
        return Err(CredentialError::InvalidNik);
    }
    let int = |i: i64| Value::Integer(i.into());
    let payload = Value::Map(vec![
        (int(key::VERSION), int(1)),
        (
            int(key::PROFILE),
            Value::Text(request.claims.profile().as_str().to_owned()),
        ),
        (
            int(key::ID),
            Value::Bytes(request.credential_id.as_bytes().to_vec()),
        ),
        (int(key::ISSUED_AT), epoch(request.issued_at)),
        (int(key::VALID_FROM), epoch(request.valid_from)),
        (int(key::VALID_UNTIL), epoch(request.valid_until)),
        (int(key::DEVICE_KEY), encode_device_key(&request.device_key)),
        (int(key::CLAIMS), encode_claims(&request.claims)),
    ]);
    let payload = cbor::encode(&payload)?;
    let kid = key.kid();
    let bytes = cbor::sign1(Some(kid.as_bytes()), payload, |tbs| key.sign(tbs))?;
    Ok(Credential::from_bytes(&bytes)?)
}

/// Reads the `kid` of a parsed credential COSE_Sign1 (exactly 8 bytes, protected header).
pub(crate) fn credential_kid(sign1: &coset::CoseSign1) -> Result<KeyId, FormatError> {
    KeyId::from_slice(&sign1.protected.header.key_id).ok_or(FormatError::at(
        MalformedLayer::Cose,
        "protected kid is not 8 bytes",
    ))
}

fn time(v: Value, reason: &'static str) -> Result<DateTime<Utc>, FormatError> {
    let secs = as_int(v, MalformedLayer::Cbor, reason)?;
    DateTime::from_timestamp(secs, 0).ok_or(FormatError::at(MalformedLayer::Cbor, reason))
}

/// Decodes a credential payload (the COSE_Sign1 payload bytes).
pub(crate) fn decode_payload(
    kid: KeyId,
    payload: &[u8],
) -> Result<CredentialContents, FormatError> {
    let cbor = MalformedLayer::Cbor;
    let mut f = Fields::int_keys(cbor::decode(payload, cbor)?, cbor)?;
    cbor::check_version(&mut f)?;
    let profile = as_text(
        f.require(&key::PROFILE, "missing profile")?,
        cbor,
        "profile is not text",
    )?;
    let profile: Profile = profile
        .parse()
        .map_err(|_| FormatError::at(cbor, "unknown profile"))?;
    let id = as_bytes(
        f.require(&key::ID, "missing credential id")?,
        cbor,
        "credential id is not bytes",
    )?;
    let credential_id = CredentialId::from_slice(&id)
        .ok_or(FormatError::at(cbor, "credential id is not 16 bytes"))?;
    let issued_at = time(
        f.require(&key::ISSUED_AT, "missing issued_at")?,
        "issued_at is not epoch seconds",
    )?;
    let valid_from = time(
        f.require(&key::VALID_FROM, "missing valid_from")?,
        "valid_from is not epoch seconds",
    )?;
    let valid_until = time(
        f.require(&key::VALID_UNTIL, "missing valid_until")?,
        "valid_until is not epoch seconds",
    )?;
    let device_key = decode_device_key(f.require(&key::DEVICE_KEY, "missing device key")?)?;
    let claims = decode_claims(profile, f.require(&key::CLAIMS, "missing claims")?)?;
    f.finish()?;
    Ok(CredentialContents {
        kid,
        profile,
        credential_id,
        issued_at,
        valid_from,
        valid_until,
        device_key,
        claims,
    })
}

impl Credential {
    /// Reads a credential's COSE_Sign1 bytes **without verifying the issuer signature** (for the
    /// holder's own app, which received it from the issuer over TLS).
    pub fn from_bytes(bytes: &[u8]) -> Result<Credential, FormatError> {
        let sign1 = cbor::parse_sign1(bytes)?;
        let kid = credential_kid(&sign1)?;
        let contents = decode_payload(kid, sign1.payload.as_deref().unwrap_or_default())?;
        Ok(Credential {
            bytes: bytes.to_vec(),
            contents,
        })
    }

    /// Reads the base64url text form (see [`Credential::to_base64url`]).
    pub fn from_base64url(text: &str) -> Result<Credential, CredentialError> {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| CredentialError::NotBase64url)?;
        Ok(Credential::from_bytes(&bytes)?)
    }

    /// The COSE_Sign1 bytes (CBOR tag 18).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Unpadded base64url of the COSE bytes.
    pub fn to_base64url(&self) -> String {
        encode_b64url(&self.bytes)
    }

    /// What the credential says.
    pub fn contents(&self) -> &CredentialContents {
        &self.contents
    }

    /// The disclosure profile.
    pub fn profile(&self) -> Profile {
        self.contents.profile
    }

    /// The disclosed claims.
    pub fn claims(&self) -> &Disclosed {
        &self.contents.claims
    }
}

impl Serialize for Credential {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_base64url())
    }
}

impl<'de> Deserialize<'de> for Credential {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Credential::from_base64url(&text).map_err(serde::de::Error::custom)
    }
}
