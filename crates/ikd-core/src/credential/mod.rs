//! The Digital KTP credential, its device-bound QR presentation, and offline verification.
//!
//! Modelled on the EU Digital COVID Certificate (COSE_Sign1 + zlib + Base45 behind a prefix) and
//! on ISO 18013-5 mDL device binding:
//!
//! 1. The issuer (the SIAK server, Sistem Informasi Administrasi Kependudukan, run by the
//!    Disdukcapil population offices) signs a [`Credential`] per [`Profile`]: a COSE_Sign1 over
//!    the disclosed claims, validity and the holder's [`DevicePublicKey`] ([`issue_credential`]).
//! 2. The holder's device wraps it in a [`Presentation`] signed with its [`DeviceSigningKey`],
//!    valid for 90 s ([`make_presentation`]), shown as a QR code (see [`crate::qr`]).
//! 3. Anyone with the published [`IssuerKeySet`] checks it offline ([`verify_presentation`]).
//!
//! The byte format is specified in `docs/qr-format.md`. This module must never do I/O: no clock
//! (callers pass `now`), no randomness source (callers pass a `SecureRandom` and fresh ids), no
//! key storage; and it must never disclose more claims than the chosen profile lists.

mod cbor;
mod claims;
mod error;
mod ids;
mod issue;
mod jwks;
mod keys;
mod present;
mod profile;
mod verify;

pub use claims::{Disclosed, KTP_AGE, KtpRecord};
pub use error::{FormatError, MalformedLayer, VerifyError};
pub use ids::{CredentialId, DevicePublicKey, HolderId, IdParseError, KeyId};
pub use issue::{
    Credential, CredentialContents, CredentialError, CredentialRequest, issue_credential,
};
pub use jwks::{IssuerKeySet, IssuerPublicKey, KeySetError};
pub use keys::{
    DeviceSigningKey, IssuerSigningKey, KeyError, WeakKeyError, check_public_key, key_id_of,
};
pub use present::{
    MAX_NONCE_BYTES, MAX_PAYLOAD_BYTES, MAX_TEXT_BYTES, PREFIX, PRESENTATION_LIFETIME_SECS,
    Presentation, PresentationError, make_presentation,
};
pub use profile::{Profile, ProfileParseError};
pub use verify::{Verified, VerifyOptions, verify_presentation};

/// Path, on the SIAK server, of the published [`IssuerKeySet`] (a JWKS).
pub const ISSUER_KEYS_PATH: &str = "/.well-known/ikd-issuer-keys";
