//! Offline verification of a presentation, by anyone holding the issuer key set.
//!
//! The checks run in the documented order (`docs/qr-format.md` §6) so every refusal has one
//! stable reason. This code runs on text from a camera: it must never panic, never trust a field
//! before the signature covering it is checked (except to find the key), and never read a clock.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::cbor::{self, Fields, as_bytes, as_int};
use super::claims::Disclosed;
use super::error::{FormatError, MalformedLayer, VerifyError};
use super::ids::{CredentialId, KeyId};
use super::issue::{credential_kid, decode_payload};
use super::jwks::IssuerKeySet;
use super::present::{MAX_NONCE_BYTES, PRESENTATION_LIFETIME_SECS, key, unwrap};
use super::profile::Profile;

/// What the verifier expects; `VerifyOptions::default()` accepts any profile and no nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Tolerated difference between the holder's and the verifier's clocks (default 30 s;
    /// negative values count as zero).
    pub clock_skew: TimeDelta,
    /// Refuse other profiles ([`VerifyError::WrongProfile`]).
    pub expected_profile: Option<Profile>,
    /// Require this nonce ([`VerifyError::NonceMismatch`]). When `None`, a nonce in the
    /// presentation is ignored.
    pub expected_nonce: Option<Vec<u8>>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            clock_skew: TimeDelta::seconds(30),
            expected_profile: None,
            expected_nonce: None,
        }
    }
}

/// A presentation that passed every check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verified {
    /// The disclosure profile.
    pub profile: Profile,
    /// The disclosed claims (nothing more than the profile lists).
    pub claims: Disclosed,
    /// The credential id.
    pub credential_id: CredentialId,
    /// The issuer key that signed the credential.
    pub kid: KeyId,
    /// When the holder's device made the presentation (whole seconds).
    pub created_at: DateTime<Utc>,
    /// `created_at` + 90 s.
    pub expires_at: DateTime<Utc>,
    /// End of the credential's own validity.
    pub credential_valid_until: DateTime<Utc>,
}

/// The device-signed presentation payload.
struct PresentationPayload {
    credential: Vec<u8>,
    created_at: DateTime<Utc>,
    nonce: Option<Vec<u8>>,
}

fn decode_presentation_payload(bytes: &[u8]) -> Result<PresentationPayload, FormatError> {
    let layer = MalformedLayer::Cbor;
    let mut f = Fields::int_keys(cbor::decode(bytes, layer)?, layer)?;
    cbor::check_version(&mut f)?;
    let credential = as_bytes(
        f.require(&key::CREDENTIAL, "missing credential")?,
        layer,
        "credential is not bytes",
    )?;
    let created_at = as_int(
        f.require(&key::CREATED_AT, "missing created_at")?,
        layer,
        "created_at is not epoch seconds",
    )?;
    let created_at = DateTime::from_timestamp(created_at, 0)
        .ok_or(FormatError::at(layer, "created_at is not epoch seconds"))?;
    let nonce = match f.take(&key::NONCE) {
        None => None,
        Some(v) => {
            let nonce = as_bytes(v, layer, "nonce is not bytes")?;
            if nonce.len() > MAX_NONCE_BYTES {
                return Err(FormatError::at(layer, "nonce longer than 64 bytes"));
            }
            Some(nonce)
        }
    };
    f.finish()?;
    Ok(PresentationPayload {
        credential,
        created_at,
        nonce,
    })
}

fn plus(t: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
    t.checked_add_signed(d).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

fn minus(t: DateTime<Utc>, d: TimeDelta) -> DateTime<Utc> {
    t.checked_sub_signed(d).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Verifies a scanned presentation text at time `now` against the trusted issuer keys.
pub fn verify_presentation(
    text: &str,
    keys: &IssuerKeySet,
    now: DateTime<Utc>,
    options: &VerifyOptions,
) -> Result<Verified, VerifyError> {
    let skew = options.clock_skew.max(TimeDelta::zero());

    // Transport layers, then the two COSE_Sign1 structures.
    let outer_bytes = unwrap(text)?;
    let outer = cbor::parse_sign1(&outer_bytes)?;
    let payload = decode_presentation_payload(outer.payload.as_deref().unwrap_or_default())?;
    let inner = cbor::parse_sign1(&payload.credential)?;

    // Issuer.
    let kid = credential_kid(&inner)?;
    let issuer = keys.find(kid).ok_or(VerifyError::UnknownKey)?;
    if !cbor::verify_sign1(&inner, issuer.public_key()) {
        return Err(VerifyError::BadIssuerSignature);
    }
    let credential = decode_payload(kid, inner.payload.as_deref().unwrap_or_default())?;

    // Device binding: a small-order key would verify a trivial signature for any message.
    if credential.device_key.check().is_err() {
        return Err(VerifyError::WeakDeviceKey);
    }
    if !cbor::verify_sign1(&outer, credential.device_key.as_bytes()) {
        return Err(VerifyError::BadDeviceSignature);
    }

    // Time.
    if now > plus(credential.valid_until, skew) {
        return Err(VerifyError::CredentialExpired);
    }
    if now < minus(credential.valid_from, skew) {
        return Err(VerifyError::CredentialNotYetValid);
    }
    let lifetime = TimeDelta::seconds(PRESENTATION_LIFETIME_SECS);
    if payload.created_at > plus(now, skew) {
        return Err(VerifyError::NotYetValid);
    }
    let expires_at = plus(payload.created_at, lifetime);
    if now > plus(expires_at, skew) {
        return Err(VerifyError::Expired);
    }

    // What the verifier asked for.
    if let Some(expected) = options.expected_profile
        && expected != credential.profile
    {
        return Err(VerifyError::WrongProfile {
            expected,
            found: credential.profile,
        });
    }
    if let Some(expected) = &options.expected_nonce
        && payload.nonce.as_ref() != Some(expected)
    {
        return Err(VerifyError::NonceMismatch);
    }

    Ok(Verified {
        profile: credential.profile,
        claims: credential.claims,
        credential_id: credential.credential_id,
        kid,
        created_at: payload.created_at,
        expires_at,
        credential_valid_until: credential.valid_until,
    })
}
