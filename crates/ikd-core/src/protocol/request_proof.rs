//! Proof of possession on every authenticated resident request: the device signs the method, the
//! path with its query, the time, a digest of the body and a digest of the session token, so a
//! session token alone (leaked from a log, a proxy, a backup) opens nothing, and a signed request
//! cannot be moved to another address, body, session or minute.
//!
//! The signature travels in one header (see `docs/api.md`):
//!
//! ```text
//! IKD-Proof: t=<unix seconds>, sig=<base64url of the 64-byte Ed25519 signature>
//! ```
//!
//! The signed bytes are [`request_message`]:
//! `"IKD-REQUEST-v1" 0 method 0 path-and-query 0 unix-seconds 0 base64url(SHA-256(body)) 0
//! base64url(SHA-256(session token))`. The server checks the time (±[`REQUEST_PROOF_WINDOW_SECS`]),
//! the signature under the session's device key, and that the same signature was not used before
//! within the window (its own state; this module has none).

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::credential::{DevicePublicKey, DeviceSigningKey};
use crate::i18n::{Lang, Localized, pick};

const DOMAIN: &[u8] = b"IKD-REQUEST-v1";

/// The name of the header carrying a [`RequestProof`].
pub const REQUEST_PROOF_HEADER: &str = "IKD-Proof";

/// How far (in seconds, either way) a proof's time may be from the server's clock.
pub const REQUEST_PROOF_WINDOW_SECS: i64 = 60;

/// Characters of a 64-byte signature in unpadded base64url.
const SIGNATURE_CHARS: usize = 86;

/// What a request proof covers, besides its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedRequest<'a> {
    /// The HTTP method, upper case (`GET`, `POST`).
    pub method: &'a str,
    /// The path and the query as sent (`/v1/me/activity`, `/v1/x?a=1`).
    pub path_and_query: &'a str,
    /// The body bytes exactly as sent (empty without a body).
    pub body: &'a [u8],
    /// The session token (`Authorization: Bearer <token>`).
    pub token: &'a str,
}

fn digest64(bytes: &[u8]) -> String {
    B64.encode(Sha256::digest(bytes))
}

/// The exact bytes a device signs for `request` at unix time `t`:
/// `"IKD-REQUEST-v1" 0 method 0 path-and-query 0 t 0 b64url(SHA-256(body)) 0 b64url(SHA-256(token))`,
/// `t` in decimal without leading zeros.
pub fn request_message(request: &SignedRequest<'_>, t: i64) -> Vec<u8> {
    let time = t.to_string();
    let (body, token) = (digest64(request.body), digest64(request.token.as_bytes()));
    let parts: [&[u8]; 6] = [
        DOMAIN,
        request.method.as_bytes(),
        request.path_and_query.as_bytes(),
        time.as_bytes(),
        body.as_bytes(),
        token.as_bytes(),
    ];
    let mut m = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            m.push(0);
        }
        m.extend_from_slice(part);
    }
    m
}

/// Why a signed request is refused. The server reports [`Missing`](Self::Missing) and
/// [`Replayed`](Self::Replayed); parsing and checking here give the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum RequestProofError {
    /// No `IKD-Proof` header.
    #[error("the request carries no IKD-Proof header")]
    Missing,
    /// The header does not follow the grammar.
    #[error("the IKD-Proof header is malformed")]
    Malformed,
    /// The time is more than [`REQUEST_PROOF_WINDOW_SECS`] from the server's clock.
    #[error("the request proof's time is too far from the server's clock")]
    Stale,
    /// The signature does not verify for this request under the session's device key.
    #[error("the request proof does not verify")]
    Invalid,
    /// The same proof was already accepted.
    #[error("the request proof was already used")]
    Replayed,
}

impl Localized for RequestProofError {
    fn code(&self) -> &'static str {
        match self {
            RequestProofError::Missing => "request_proof_missing",
            RequestProofError::Malformed => "request_proof_malformed",
            RequestProofError::Stale => "request_proof_stale",
            RequestProofError::Invalid => "request_proof_invalid",
            RequestProofError::Replayed => "request_proof_replayed",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (id, en) = match self {
            RequestProofError::Missing => (
                "Permintaan ini tidak ditandatangani oleh perangkat. Perbarui aplikasi lalu coba lagi.",
                "This request is not signed by the device. Update the app and try again.",
            ),
            RequestProofError::Malformed => (
                "Tanda tangan permintaan rusak. Perbarui aplikasi lalu coba lagi.",
                "The request's signature is damaged. Update the app and try again.",
            ),
            RequestProofError::Stale => (
                "Jam ponsel berbeda lebih dari 1 menit dari jam server. Nyalakan waktu otomatis lalu coba lagi.",
                "The phone's clock is more than a minute off the server's. Turn on automatic time and try again.",
            ),
            RequestProofError::Invalid => (
                "Permintaan ini tidak berasal dari perangkat yang terdaftar untuk sesi ini.",
                "This request does not come from the device registered for this session.",
            ),
            RequestProofError::Replayed => (
                "Permintaan ini sudah pernah diterima dan tidak diproses lagi. Coba lagi.",
                "This request was already received and is not processed again. Please try again.",
            ),
        };
        pick(lang, id.into(), en.into())
    }
}

/// A parsed `IKD-Proof` header: the unix time and the device's Ed25519 signature over
/// [`request_message`]. Only [`sign`](Self::sign) and parsing make one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RequestProof {
    time: i64,
    signature: [u8; 64],
}

impl fmt::Debug for RequestProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RequestProof({self})")
    }
}

impl RequestProof {
    /// Signs `request` at unix time `t` (not negative) with the device key.
    pub fn sign(key: &DeviceSigningKey, request: &SignedRequest<'_>, t: i64) -> Self {
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&key.sign(&request_message(request, t)));
        RequestProof { time: t, signature }
    }

    /// The unix time the proof claims.
    pub fn time(&self) -> i64 {
        self.time
    }

    /// The signature (what a server remembers to refuse a replay).
    pub fn signature(&self) -> &[u8; 64] {
        &self.signature
    }

    /// Refuses a proof whose time is more than [`REQUEST_PROOF_WINDOW_SECS`] from `now` (unix
    /// seconds, the server's clock). Cheap: check it before looking anything up.
    pub fn check_time(&self, now: i64) -> Result<(), RequestProofError> {
        if self.time.abs_diff(now) > REQUEST_PROOF_WINDOW_SECS.unsigned_abs() {
            Err(RequestProofError::Stale)
        } else {
            Ok(())
        }
    }

    /// Checks the signature over `request` at the proof's time under the session's device key.
    pub fn verify(
        &self,
        key: &DevicePublicKey,
        request: &SignedRequest<'_>,
    ) -> Result<(), RequestProofError> {
        if key.verifies(&request_message(request, self.time), &self.signature) {
            Ok(())
        } else {
            Err(RequestProofError::Invalid)
        }
    }
}

/// The header's value: `t=<unix seconds>, sig=<base64url>`.
impl fmt::Display for RequestProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={}, sig={}", self.time, B64.encode(self.signature))
    }
}

/// Parses the header's value. Grammar (`OWS` is spaces and tabs):
///
/// ```text
/// value = OWS param OWS "," OWS param OWS     ; t and sig, each exactly once, in either order
/// param = "t=" time / "sig=" signature
/// time  = "0" / %x31-39 *18DIGIT              ; decimal, no sign, no leading zero, fits i64
/// signature = 86 base64url characters         ; 64 bytes, unpadded
/// ```
impl FromStr for RequestProof {
    type Err = RequestProofError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let ows: &[char] = &[' ', '\t'];
        let (mut time, mut signature) = (None, None);
        let mut params = 0;
        for param in value.split(',') {
            params += 1;
            let param = param.trim_matches(ows);
            if let Some(t) = param.strip_prefix("t=") {
                if time.replace(parse_time(t)?).is_some() {
                    return Err(RequestProofError::Malformed);
                }
            } else if let Some(sig) = param.strip_prefix("sig=") {
                if signature.replace(parse_signature(sig)?).is_some() {
                    return Err(RequestProofError::Malformed);
                }
            } else {
                return Err(RequestProofError::Malformed);
            }
        }
        match (time, signature, params) {
            (Some(time), Some(signature), 2) => Ok(RequestProof { time, signature }),
            _ => Err(RequestProofError::Malformed),
        }
    }
}

fn parse_time(text: &str) -> Result<i64, RequestProofError> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    canonical
        .then(|| text.parse::<i64>().ok())
        .flatten()
        .ok_or(RequestProofError::Malformed)
}

fn parse_signature(text: &str) -> Result<[u8; 64], RequestProofError> {
    if text.len() != SIGNATURE_CHARS {
        return Err(RequestProofError::Malformed);
    }
    B64.decode(text)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(RequestProofError::Malformed)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const T: i64 = 1_795_000_000;

    fn request<'a>(body: &'a [u8], token: &'a str) -> SignedRequest<'a> {
        SignedRequest {
            method: "POST",
            path_and_query: "/v1/me/pin",
            body,
            token,
        }
    }

    #[test]
    fn the_signed_bytes_are_the_documented_ones() {
        let message = request_message(&request(b"", "tok"), 7);
        let empty = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";
        let tok = B64.encode(Sha256::digest(b"tok"));
        let expected = format!("IKD-REQUEST-v1\0POST\0/v1/me/pin\07\0{empty}\0{tok}");
        assert_eq!(message, expected.as_bytes());
    }

    #[test]
    fn a_proof_verifies_only_for_its_request_token_time_and_device() {
        let device = DeviceSigningKey::from_seed(&[3; 32]);
        let key = device.public_key();
        let signed = request(b"{\"a\":1}", "token-a");
        let proof = RequestProof::sign(&device, &signed, T);
        assert_eq!(proof.verify(&key, &signed), Ok(()));
        let invalid = Err(RequestProofError::Invalid);
        let other_method = SignedRequest {
            method: "GET",
            ..signed
        };
        let other_path = SignedRequest {
            path_and_query: "/v1/me/pin?x=1",
            ..signed
        };
        for changed in [
            other_method,
            other_path,
            request(b"{\"a\":2}", "token-a"),
            request(b"{\"a\":1}", "token-b"),
        ] {
            assert_eq!(proof.verify(&key, &changed), invalid, "{changed:?}");
        }
        let other_device = DeviceSigningKey::from_seed(&[4; 32]).public_key();
        assert_eq!(proof.verify(&other_device, &signed), invalid);
        let moved: RequestProof = proof
            .to_string()
            .replace(&format!("t={T}"), &format!("t={}", T + 1))
            .parse()
            .expect("still well-formed");
        assert_eq!(moved.verify(&key, &signed), invalid, "time is signed");
    }

    #[test]
    fn the_time_may_be_a_minute_off_either_way() {
        let device = DeviceSigningKey::from_seed(&[3; 32]);
        let proof = RequestProof::sign(&device, &request(b"", "t"), T);
        for now in [T - 60, T, T + 60] {
            assert_eq!(proof.check_time(now), Ok(()), "{now}");
        }
        for now in [T - 61, T + 61, 0, i64::MAX, i64::MIN] {
            assert_eq!(
                proof.check_time(now),
                Err(RequestProofError::Stale),
                "{now}"
            );
        }
    }

    #[test]
    fn the_header_grammar_is_strict() {
        let sig = "A".repeat(86);
        let good = [
            format!("t=12, sig={sig}"),
            format!("t=12,sig={sig}"),
            format!(" sig={sig} ,\tt=12 "),
            format!("t=0, sig={sig}"),
        ];
        for text in &good {
            assert!(text.parse::<RequestProof>().is_ok(), "{text}");
        }
        let bad = [
            String::new(),
            "t=12".into(),
            format!("sig={sig}"),
            format!("t=012, sig={sig}"),
            format!("t=-12, sig={sig}"),
            format!("t=+12, sig={sig}"),
            format!("t=, sig={sig}"),
            format!("t=1 2, sig={sig}"),
            format!("t=99999999999999999999, sig={sig}"),
            format!("t=12, sig={sig}="),
            format!("t=12, sig={}", &sig[1..]),
            format!("t=12, sig={}/", &sig[1..]),
            format!("t=12, sig={sig}, t=12"),
            format!("t=12, t=13, sig={sig}"),
            format!("t=12, sig={sig}, x=1"),
            format!("t=12, sig={sig},"),
            format!("T=12, sig={sig}"),
            format!("t = 12, sig={sig}"),
        ];
        for text in &bad {
            assert_eq!(
                text.parse::<RequestProof>(),
                Err(RequestProofError::Malformed),
                "{text}"
            );
        }
    }

    #[test]
    fn every_refusal_has_a_code_and_two_languages() {
        use RequestProofError as E;
        for e in [E::Missing, E::Malformed, E::Stale, E::Invalid, E::Replayed] {
            assert!(e.code().starts_with("request_proof_"));
            assert_ne!(e.message(Lang::Id), e.message(Lang::En));
        }
    }

    proptest! {
        #[test]
        fn printed_proofs_parse_back(t in 0i64..=i64::MAX, sig in proptest::array::uniform32(any::<u8>()), sig2 in proptest::array::uniform32(any::<u8>())) {
            let mut signature = [0u8; 64];
            signature[..32].copy_from_slice(&sig);
            signature[32..].copy_from_slice(&sig2);
            let proof = RequestProof { time: t, signature };
            prop_assert_eq!(proof.to_string().parse::<RequestProof>(), Ok(proof));
            let swapped = format!("sig={}, t={t}", B64.encode(signature));
            prop_assert_eq!(swapped.parse::<RequestProof>(), Ok(proof));
        }

        #[test]
        fn arbitrary_header_text_never_panics(s in "\\PC{0,200}") {
            let _ = s.parse::<RequestProof>();
        }

        #[test]
        fn near_misses_of_the_grammar_never_panic(t in "[0-9+ -]{0,25}", sig in "[A-Za-z0-9_=/+-]{80,90}", sep in "[ ,\t;]{0,3}") {
            let text = format!("t={t}{sep}sig={sig}");
            if let Ok(proof) = text.parse::<RequestProof>() {
                prop_assert_eq!(proof.to_string().parse::<RequestProof>(), Ok(proof));
            }
        }
    }
}
