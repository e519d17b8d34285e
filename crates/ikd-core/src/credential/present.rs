//! Making the device-signed presentation shown as a QR code, and its text transport layers:
//! `IKD1:` + Base45(zlib(COSE_Sign1)).
//!
//! Unwrapping runs on untrusted text: it must never panic, never allocate more than the size
//! limits, and it stops a zlib bomb after [`MAX_PAYLOAD_BYTES`] of output.

use std::fmt;
use std::io::Write as _;

use chrono::{DateTime, Utc};
use ciborium::Value;
use flate2::{Compression, Decompress, FlushDecompress, Status, write::ZlibEncoder};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::cbor;
use super::error::{FormatError, MalformedLayer, VerifyError};
use super::issue::Credential;
use super::keys::DeviceSigningKey;
use crate::i18n::{Lang, Localized, pick};

/// Text prefix of a version-1 presentation. Every character is in the QR alphanumeric set.
pub const PREFIX: &str = "IKD1:";
/// Presentations expire this many seconds after `created_at`.
pub const PRESENTATION_LIFETIME_SECS: i64 = 90;
/// Largest accepted inflated payload (the COSE bytes), 16 KiB.
pub const MAX_PAYLOAD_BYTES: usize = 16 * 1024;
/// Largest accepted presentation text. A QR code holds at most 4,296 alphanumeric characters.
pub const MAX_TEXT_BYTES: usize = 8 * 1024;
/// Largest verifier nonce, in bytes.
pub const MAX_NONCE_BYTES: usize = 64;

/// Integer keys of the presentation payload map.
pub(crate) mod key {
    pub const VERSION: i64 = 1;
    pub const CREDENTIAL: i64 = 2;
    pub const CREATED_AT: i64 = 3;
    pub const NONCE: i64 = 4;
}

/// The text encoded in the QR code: `IKD1:` followed by upper-case Base45.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Presentation(String);

impl Presentation {
    /// The QR text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The QR text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Presentation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Presentation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Presentation({} chars)", self.0.len())
    }
}

/// A presentation could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PresentationError {
    /// The credential is bound to another device's key.
    #[error("credential is not bound to this device key")]
    NotBoundToDevice,
    /// The verifier's nonce is longer than [`MAX_NONCE_BYTES`].
    #[error("nonce longer than {MAX_NONCE_BYTES} bytes")]
    NonceTooLong,
    /// Encoding failed (an internal error; should not happen).
    #[error("presentation could not be encoded")]
    Encoding,
}

impl Localized for PresentationError {
    fn code(&self) -> &'static str {
        match self {
            PresentationError::NotBoundToDevice => "credential_not_bound_to_device",
            PresentationError::NonceTooLong => "nonce_too_long",
            PresentationError::Encoding => "presentation_encoding_failed",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (id, en) = match self {
            PresentationError::NotBoundToDevice => (
                "KTP Digital ini terikat pada perangkat lain. Aktifkan ulang di perangkat ini.",
                "This Digital KTP is bound to another device. Activate it again on this device.",
            ),
            PresentationError::NonceTooLong => (
                "Kode permintaan dari pemeriksa terlalu panjang.",
                "The verifier's request code is too long.",
            ),
            PresentationError::Encoding => (
                "Terjadi kesalahan internal saat membuat kode QR.",
                "An internal error occurred while creating the QR code.",
            ),
        };
        pick(lang, id.to_owned(), en.to_owned())
    }
}

/// Signs a presentation of `credential` with the device key it is bound to. `created_at` is the
/// device's current time; `nonce` is the verifier's challenge, when it gave one.
pub fn make_presentation(
    credential: &Credential,
    device_key: &DeviceSigningKey,
    created_at: DateTime<Utc>,
    nonce: Option<&[u8]>,
) -> Result<Presentation, PresentationError> {
    if credential.contents().device_key != device_key.public_key() {
        return Err(PresentationError::NotBoundToDevice);
    }
    if nonce.is_some_and(|n| n.len() > MAX_NONCE_BYTES) {
        return Err(PresentationError::NonceTooLong);
    }
    let int = |i: i64| Value::Integer(i.into());
    let mut payload = vec![
        (int(key::VERSION), int(1)),
        (
            int(key::CREDENTIAL),
            Value::Bytes(credential.as_bytes().to_vec()),
        ),
        (int(key::CREATED_AT), int(created_at.timestamp())),
    ];
    if let Some(nonce) = nonce {
        payload.push((int(key::NONCE), Value::Bytes(nonce.to_vec())));
    }
    let payload = cbor::encode(&Value::Map(payload)).map_err(|_| PresentationError::Encoding)?;
    let cose = cbor::sign1(None, payload, |tbs| device_key.sign(tbs))
        .map_err(|_| PresentationError::Encoding)?;
    wrap(&cose)
        .map(Presentation)
        .ok_or(PresentationError::Encoding)
}

/// `IKD1:` + Base45(zlib(bytes)), zlib at the best compression level.
pub(crate) fn wrap(bytes: &[u8]) -> Option<String> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).ok()?;
    let compressed = encoder.finish().ok()?;
    Some(format!("{PREFIX}{}", base45::encode(compressed)))
}

/// Undoes [`wrap`]: prefix, Base45, bounded inflate. Returns the COSE bytes.
pub(crate) fn unwrap(text: &str) -> Result<Vec<u8>, VerifyError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(VerifyError::TooLarge);
    }
    let body = strip_prefix(text)?;
    let compressed = decode_base45(body)?;
    inflate_bounded(&compressed)
}

fn strip_prefix(text: &str) -> Result<&str, VerifyError> {
    if let Some(body) = text.strip_prefix(PREFIX) {
        return Ok(body);
    }
    // `IKD<n>:` with another version number is a newer format, not garbage.
    let version = text
        .strip_prefix("IKD")
        .and_then(|rest| rest.split_once(':'))
        .map(|(digits, _)| digits)
        .filter(|d| !d.is_empty() && d.len() <= 9 && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse::<u64>().ok());
    match version {
        Some(found) => Err(VerifyError::UnsupportedVersion { found }),
        None => {
            Err(FormatError::at(MalformedLayer::Prefix, "text does not start with IKD1:").into())
        }
    }
}

/// Strict RFC 9285 Base45: upper-case alphabet only, no 1-character tail, every group in range.
fn decode_base45(body: &str) -> Result<Vec<u8>, VerifyError> {
    let bad = |reason| VerifyError::from(FormatError::at(MalformedLayer::Base45, reason));
    if body.is_empty() {
        return Err(bad("empty Base45 text"));
    }
    if body.len() % 3 == 2 {
        // base45 3.2 truncates an out-of-range 2-character tail instead of refusing it.
        let tail = &body.as_bytes()[body.len() - 2..];
        let digit = |c: u8| base45::alphabet::decode(c).map(u32::from);
        match (digit(tail[0]), digit(tail[1])) {
            (Some(c), Some(d)) if c + 45 * d <= 255 => {}
            _ => return Err(bad("invalid Base45 tail")),
        }
    }
    base45::decode(body).map_err(|_| bad("not Base45 (RFC 9285 upper-case alphabet)"))
}

/// Inflates one complete zlib stream, refusing more than [`MAX_PAYLOAD_BYTES`] of output
/// (without ever allocating more), a truncated stream, or bytes after the stream.
fn inflate_bounded(compressed: &[u8]) -> Result<Vec<u8>, VerifyError> {
    let bad = |reason| VerifyError::from(FormatError::at(MalformedLayer::Zlib, reason));
    let mut inflater = Decompress::new(true);
    let mut out = Vec::with_capacity(MAX_PAYLOAD_BYTES + 1);
    loop {
        let consumed = usize::try_from(inflater.total_in()).unwrap_or(usize::MAX);
        let input = compressed.get(consumed..).unwrap_or_default();
        let (in_before, out_before) = (inflater.total_in(), inflater.total_out());
        let status = inflater
            .decompress_vec(input, &mut out, FlushDecompress::Finish)
            .map_err(|_| bad("not a valid zlib stream"))?;
        if out.len() > MAX_PAYLOAD_BYTES {
            return Err(VerifyError::TooLarge);
        }
        match status {
            Status::StreamEnd => {
                return if inflater.total_in() == compressed.len() as u64 {
                    Ok(out)
                } else {
                    Err(bad("bytes after the zlib stream"))
                };
            }
            Status::Ok | Status::BufError => {
                if out.len() == out.capacity() {
                    return Err(VerifyError::TooLarge);
                }
                if inflater.total_in() == in_before && inflater.total_out() == out_before {
                    return Err(bad("truncated zlib stream"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_and_unwrap_are_inverse() {
        let bytes: Vec<u8> = (0..=255).collect();
        let text = wrap(&bytes).unwrap_or_default();
        assert!(text.starts_with(PREFIX));
        assert_eq!(unwrap(&text), Ok(bytes));
    }

    #[test]
    fn a_zlib_bomb_stops_at_the_limit() {
        let bomb = wrap(&vec![0u8; 5_000_000]).unwrap_or_default();
        assert!(
            bomb.len() <= MAX_TEXT_BYTES,
            "the bomb fits in a presentation text"
        );
        assert_eq!(unwrap(&bomb), Err(VerifyError::TooLarge));
        let small_bomb = wrap(&vec![0u8; MAX_PAYLOAD_BYTES + 1]).unwrap_or_default();
        assert_eq!(unwrap(&small_bomb), Err(VerifyError::TooLarge));
        let at_limit = wrap(&vec![0u8; MAX_PAYLOAD_BYTES]).unwrap_or_default();
        assert_eq!(unwrap(&at_limit).map(|b| b.len()), Ok(MAX_PAYLOAD_BYTES));
    }

    #[test]
    fn a_newer_prefix_is_an_unsupported_version() {
        assert_eq!(
            unwrap("IKD2:AB"),
            Err(VerifyError::UnsupportedVersion { found: 2 })
        );
        assert!(matches!(
            unwrap("HC1:AB"),
            Err(VerifyError::Malformed {
                layer: MalformedLayer::Prefix,
                ..
            })
        ));
    }

    #[test]
    fn an_out_of_range_base45_tail_is_refused() {
        // "::" is 44 + 45 * 44 = 2024 > 255.
        assert!(matches!(
            decode_base45("::"),
            Err(VerifyError::Malformed {
                layer: MalformedLayer::Base45,
                ..
            })
        ));
        assert_eq!(decode_base45("U5"), Ok(vec![0xff]));
    }
}
