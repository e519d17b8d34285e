//! Fixed-size byte identifiers of the credential format, each with a base64url text form.
//!
//! These are opaque values: code here must never give them meaning beyond equality (a
//! [`HolderId`] in particular must never be derived from the NIK or anything else that identifies
//! the resident).

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::i18n::{Lang, Localized, pick};

/// A base64url text that is not the expected identifier.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("not a base64url {what} of {expected} bytes")]
pub struct IdParseError {
    /// Which identifier was being read.
    pub what: &'static str,
    /// The number of bytes it must decode to.
    pub expected: usize,
}

impl Localized for IdParseError {
    fn code(&self) -> &'static str {
        "invalid_identifier"
    }

    fn message(&self, lang: Lang) -> String {
        pick(
            lang,
            format!(
                "Teks {} tidak valid: harus base64url sepanjang {} byte.",
                self.what, self.expected
            ),
            format!(
                "Invalid {} text: it must be base64url of {} bytes.",
                self.what, self.expected
            ),
        )
    }
}

/// Decodes unpadded base64url (`A-Z a-z 0-9 - _`) into exactly `N` bytes.
pub(crate) fn decode_b64url<const N: usize>(text: &str) -> Option<[u8; N]> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    bytes.try_into().ok()
}

/// Encodes bytes as unpadded base64url.
pub(crate) fn encode_b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

macro_rules! byte_id {
    ($(#[$meta:meta])* $name:ident, $len:expr, $what:expr) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; $len]);

        impl $name {
            /// Length in bytes.
            pub const LEN: usize = $len;

            /// Wraps raw bytes.
            pub const fn from_bytes(bytes: [u8; $len]) -> Self {
                $name(bytes)
            }

            /// Reads exactly [`Self::LEN`] bytes; `None` for any other length.
            pub fn from_slice(bytes: &[u8]) -> Option<Self> {
                bytes.try_into().ok().map($name)
            }

            /// The raw bytes.
            pub const fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }

            /// Unpadded base64url text form.
            pub fn to_base64url(&self) -> String {
                encode_b64url(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_base64url())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.to_base64url())
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                decode_b64url::<$len>(text).map($name).ok_or(IdParseError {
                    what: $what,
                    expected: $len,
                })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_base64url())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

byte_id!(
    /// Issuer key id (`kid`): the first 8 bytes of SHA-256 over the raw 32-byte Ed25519 public key.
    KeyId,
    8,
    "key id"
);

byte_id!(
    /// Identifier of one issued credential, 16 bytes chosen by the issuer (random, never reused).
    CredentialId,
    16,
    "credential id"
);

byte_id!(
    /// Opaque holder identifier disclosed by the `age17` profile: 16 random bytes chosen by the
    /// issuer for that credential, so a verifier can tell two presentations of the same credential
    /// apart from two people without learning who the holder is. Never derived from the NIK.
    HolderId,
    16,
    "holder id"
);

byte_id!(
    /// A device's raw 32-byte Ed25519 public key, the key the credential is bound to.
    DevicePublicKey,
    32,
    "device public key"
);

impl DevicePublicKey {
    /// Refuses a small-order or non-canonical key ([`check_public_key`](super::check_public_key)):
    /// a server must call this before it registers or binds a device key.
    pub fn check(&self) -> Result<(), super::WeakKeyError> {
        super::keys::check_public_key(&self.0)
    }

    /// Whether `signature` is this key's Ed25519 signature of `message` (never for a weak key).
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        super::keys::verify_signature(&self.0, message, signature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_round_trips_and_rejects_wrong_lengths() {
        let id = KeyId::from_bytes([0xfb, 1, 2, 3, 4, 5, 6, 0xff]);
        let text = id.to_string();
        assert_eq!(text, "-wECAwQFBv8");
        assert_eq!(text.parse::<KeyId>(), Ok(id));
        assert!("-wECAwQFBg".parse::<KeyId>().is_err());
        assert!(
            "+wECAwQFBv8".parse::<KeyId>().is_err(),
            "standard base64 is refused"
        );
        assert_eq!(
            serde_json::to_string(&id).ok(),
            Some("\"-wECAwQFBv8\"".to_owned())
        );
    }
}
