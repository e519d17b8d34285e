//! Why a presentation (or a stored credential) was refused: one variant per reason, each with a
//! stable code and a message in Bahasa Indonesia and English.
//!
//! Messages must never echo attacker-controlled bytes or internal library errors to the person
//! reading them; the `reason` strings are fixed, for logs and third-party implementers.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::Profile;
use crate::i18n::{Lang, Localized, pick};

/// The encoding layer at which a presentation stopped making sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MalformedLayer {
    /// The text does not start with `IKD1:`.
    Prefix,
    /// The text after the prefix is not valid Base45 (RFC 9285, upper case only).
    Base45,
    /// The Base45 bytes are not one complete zlib stream.
    Zlib,
    /// Not well-formed CBOR, or a payload map with wrong keys or types.
    Cbor,
    /// Not a COSE_Sign1 as this format requires (structure, algorithm, key id, COSE_Key).
    Cose,
    /// The disclosed claims do not fit their profile (missing field, bad NIK, bad date).
    Claims,
}

impl MalformedLayer {
    /// Lower-case name used in logs and in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            MalformedLayer::Prefix => "prefix",
            MalformedLayer::Base45 => "base45",
            MalformedLayer::Zlib => "zlib",
            MalformedLayer::Cbor => "cbor",
            MalformedLayer::Cose => "cose",
            MalformedLayer::Claims => "claims",
        }
    }
}

impl fmt::Display for MalformedLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The bytes do not follow the documented format (see `docs/qr-format.md`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormatError {
    /// Broken at the given layer.
    #[error("malformed at the {layer} layer: {reason}")]
    Malformed {
        /// Where decoding stopped.
        layer: MalformedLayer,
        /// A fixed, short explanation.
        reason: &'static str,
    },
    /// A format version this code does not know.
    #[error("unsupported format version {found}")]
    UnsupportedVersion {
        /// The version found.
        found: u64,
    },
}

impl FormatError {
    pub(crate) fn at(layer: MalformedLayer, reason: &'static str) -> FormatError {
        FormatError::Malformed { layer, reason }
    }
}

/// Why [`verify_presentation`](super::verify_presentation) refused a presentation.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    /// Not the documented format.
    #[error("malformed presentation ({layer} layer): {reason}")]
    Malformed {
        /// Where decoding stopped.
        layer: MalformedLayer,
        /// A fixed, short explanation.
        reason: &'static str,
    },
    /// Larger than a presentation can be (text or inflated payload over the limit).
    #[error("presentation too large")]
    TooLarge,
    /// A version this verifier does not know (prefix or payload).
    #[error("unsupported version {found}")]
    UnsupportedVersion {
        /// The version found.
        found: u64,
    },
    /// The issuer key id is not in the verifier's key set.
    #[error("issuer key not in the key set")]
    UnknownKey,
    /// The issuer's signature over the credential does not verify.
    #[error("bad issuer signature")]
    BadIssuerSignature,
    /// The device signature does not verify with the key bound in the credential.
    #[error("bad device signature")]
    BadDeviceSignature,
    /// The device key bound in the credential is small-order or non-canonically encoded, so no
    /// signature made "with" it proves anything (`docs/qr-format.md` §6, step 12).
    #[error("weak device key")]
    WeakDeviceKey,
    /// The credential's validity period has ended.
    #[error("credential expired")]
    CredentialExpired,
    /// The credential's validity period has not started.
    #[error("credential not yet valid")]
    CredentialNotYetValid,
    /// The presentation is older than 90 s (plus clock skew).
    #[error("presentation expired")]
    Expired,
    /// The presentation claims to be created in the future (beyond clock skew).
    #[error("presentation not yet valid")]
    NotYetValid,
    /// A different profile than the verifier asked for.
    #[error("expected profile {expected}, found {found}")]
    WrongProfile {
        /// What the verifier asked for.
        expected: Profile,
        /// What the presentation discloses.
        found: Profile,
    },
    /// The verifier's nonce is missing or different.
    #[error("nonce mismatch")]
    NonceMismatch,
}

impl From<FormatError> for VerifyError {
    fn from(err: FormatError) -> Self {
        match err {
            FormatError::Malformed { layer, reason } => VerifyError::Malformed { layer, reason },
            FormatError::UnsupportedVersion { found } => VerifyError::UnsupportedVersion { found },
        }
    }
}

impl Localized for FormatError {
    fn code(&self) -> &'static str {
        VerifyError::from(self.clone()).code()
    }

    fn message(&self, lang: Lang) -> String {
        VerifyError::from(self.clone()).message(lang)
    }
}

impl Localized for VerifyError {
    fn code(&self) -> &'static str {
        match self {
            VerifyError::Malformed { .. } => "malformed",
            VerifyError::TooLarge => "too_large",
            VerifyError::UnsupportedVersion { .. } => "unsupported_version",
            VerifyError::UnknownKey => "unknown_key",
            VerifyError::BadIssuerSignature => "bad_issuer_signature",
            VerifyError::BadDeviceSignature => "bad_device_signature",
            VerifyError::WeakDeviceKey => "weak_device_key",
            VerifyError::CredentialExpired => "credential_expired",
            VerifyError::CredentialNotYetValid => "credential_not_yet_valid",
            VerifyError::Expired => "expired",
            VerifyError::NotYetValid => "not_yet_valid",
            VerifyError::WrongProfile { .. } => "wrong_profile",
            VerifyError::NonceMismatch => "nonce_mismatch",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (id, en) = match self {
            VerifyError::Malformed { layer, .. } => (
                format!("Kode QR ini bukan KTP Digital yang sah (rusak pada lapisan {layer})."),
                format!("This QR code is not a valid Digital KTP (broken at the {layer} layer)."),
            ),
            VerifyError::TooLarge => (
                "Kode QR ini terlalu besar untuk KTP Digital.".to_owned(),
                "This QR code is too large to be a Digital KTP.".to_owned(),
            ),
            VerifyError::UnsupportedVersion { found } => (
                format!("Versi format {found} belum didukung. Perbarui aplikasi pemeriksa."),
                format!("Format version {found} is not supported. Update the verifier app."),
            ),
            VerifyError::UnknownKey => (
                "Penerbit KTP Digital ini tidak dikenal. Perbarui daftar kunci penerbit."
                    .to_owned(),
                "The issuer of this Digital KTP is unknown. Update the issuer key list.".to_owned(),
            ),
            VerifyError::BadIssuerSignature => (
                "Tanda tangan penerbit tidak sah: data KTP Digital telah diubah.".to_owned(),
                "The issuer signature is invalid: the Digital KTP data was altered.".to_owned(),
            ),
            VerifyError::BadDeviceSignature => (
                "KTP Digital ini tidak ditampilkan dari perangkat pemiliknya.".to_owned(),
                "This Digital KTP is not being shown from its holder's device.".to_owned(),
            ),
            VerifyError::WeakDeviceKey => (
                "KTP Digital ini terikat pada kunci perangkat yang tidak aman dan ditolak."
                    .to_owned(),
                "This Digital KTP is bound to an unsafe device key and is refused.".to_owned(),
            ),
            VerifyError::CredentialExpired => (
                "KTP Digital ini sudah kedaluwarsa. Pemilik perlu memperbaruinya di aplikasi."
                    .to_owned(),
                "This Digital KTP has expired. The holder needs to renew it in the app.".to_owned(),
            ),
            VerifyError::CredentialNotYetValid => (
                "KTP Digital ini belum berlaku. Periksa jam perangkat Anda.".to_owned(),
                "This Digital KTP is not valid yet. Check your device clock.".to_owned(),
            ),
            VerifyError::Expired => (
                "Kode QR sudah kedaluwarsa (berlaku 90 detik). Minta pemilik menampilkan ulang."
                    .to_owned(),
                "The QR code has expired (valid for 90 seconds). Ask the holder to show it again."
                    .to_owned(),
            ),
            VerifyError::NotYetValid => (
                "Waktu pembuatan kode QR ada di masa depan. Periksa jam kedua perangkat."
                    .to_owned(),
                "The QR code was created in the future. Check the clocks of both devices."
                    .to_owned(),
            ),
            VerifyError::WrongProfile { expected, found } => (
                format!(
                    "Profil yang ditampilkan \"{}\", yang diminta \"{}\".",
                    found.label(Lang::Id),
                    expected.label(Lang::Id)
                ),
                format!(
                    "The profile shown is \"{}\"; \"{}\" was requested.",
                    found.label(Lang::En),
                    expected.label(Lang::En)
                ),
            ),
            VerifyError::NonceMismatch => (
                "Kode QR ini tidak dibuat untuk permintaan ini. Minta pemilik memindai ulang."
                    .to_owned(),
                "This QR code was not made for this request. Ask the holder to scan again."
                    .to_owned(),
            ),
        };
        pick(lang, id, en)
    }
}
