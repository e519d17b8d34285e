//! The PIN never travels nor rests in clear.
//!
//! * The device sends a **PIN proof**: PBKDF2-HMAC-SHA256 of the PIN, salted with the NIK under a
//!   domain label, 210,000 iterations (the EU Digital Identity Wallet's figure). Guessing a PIN from
//!   an intercepted proof costs 210,000 HMACs per guess.
//! * The server stores a **PIN verifier**: PBKDF2-HMAC-SHA256 of HMAC(pepper, proof) with a random
//!   per-account salt. The pepper is a server secret kept outside the database, so a stolen database
//!   alone does not allow guessing at all; with the pepper too, each guess still costs both
//!   derivations. A 6-digit PIN has only 10^6 values: the real protection is that the server counts
//!   wrong PINs ([`crate::pin::LockoutPolicy`]) and that the proof is useless without the device key.

use std::fmt;
use std::num::NonZeroU32;

use ring::{hmac, pbkdf2};
use serde::{Deserialize, Serialize};

use crate::nik::Nik;
use crate::pin::Pin;

/// PBKDF2 iterations on the device.
pub const PIN_PROOF_ITERATIONS: u32 = 210_000;
/// PBKDF2 iterations on the server, over the peppered proof.
pub const PIN_VERIFIER_ITERATIONS: u32 = 10_000;

const ALGORITHM: pbkdf2::Algorithm = pbkdf2::PBKDF2_HMAC_SHA256;

fn iterations(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

/// What the device sends instead of the PIN; 32 bytes, base64url on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct PinProof([u8; 32]);

impl fmt::Debug for PinProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PinProof(…)")
    }
}

impl PinProof {
    /// Derives the proof of `pin` for the holder of `nik`.
    pub fn derive(pin: &Pin, nik: &Nik) -> PinProof {
        let mut salt = Vec::with_capacity(32);
        salt.extend_from_slice(b"IKD-PIN-v1\0");
        salt.extend_from_slice(nik.as_str().as_bytes());
        let mut out = [0u8; 32];
        pbkdf2::derive(
            ALGORITHM,
            iterations(PIN_PROOF_ITERATIONS),
            &salt,
            pin.expose().as_bytes(),
            &mut out,
        );
        PinProof(out)
    }

    /// Wraps 32 bytes received from a device.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        PinProof(bytes)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl Serialize for PinProof {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use base64::Engine;
        s.serialize_str(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.0))
    }
}

impl<'de> Deserialize<'de> for PinProof {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use base64::Engine;
        let text = String::deserialize(d)?;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| serde::de::Error::custom("PIN proof is not base64url"))?;
        bytes
            .try_into()
            .map(PinProof)
            .map_err(|_| serde::de::Error::custom("PIN proof must be 32 bytes"))
    }
}

/// What the server stores for an account's PIN.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinVerifier {
    /// Random per-account salt (16 bytes, from the server's random source).
    pub salt: [u8; 16],
    /// PBKDF2-HMAC-SHA256(HMAC-SHA256(pepper, proof), salt, [`PIN_VERIFIER_ITERATIONS`]).
    pub hash: [u8; 32],
}

impl fmt::Debug for PinVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PinVerifier(…)")
    }
}

fn peppered(proof: &PinProof, pepper: &[u8]) -> hmac::Tag {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, pepper), proof.as_bytes())
}

impl PinVerifier {
    /// Derives the verifier to store for `proof`.
    pub fn derive(proof: &PinProof, salt: [u8; 16], pepper: &[u8]) -> Self {
        let mut hash = [0u8; 32];
        pbkdf2::derive(
            ALGORITHM,
            iterations(PIN_VERIFIER_ITERATIONS),
            &salt,
            peppered(proof, pepper).as_ref(),
            &mut hash,
        );
        PinVerifier { salt, hash }
    }

    /// Whether `proof` is the one this verifier was made from (constant time).
    pub fn matches(&self, proof: &PinProof, pepper: &[u8]) -> bool {
        pbkdf2::verify(
            ALGORITHM,
            iterations(PIN_VERIFIER_ITERATIONS),
            &self.salt,
            peppered(proof, pepper).as_ref(),
            &self.hash,
        )
        .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn nik(s: &str) -> Nik {
        Nik::parse(s, NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")).expect("valid")
    }

    #[test]
    fn the_proof_depends_on_pin_and_nik_and_is_stable() {
        let a = nik("3574015708950002");
        let b = nik("3574015708950003");
        let pin = Pin::parse("284619").expect("format");
        let other = Pin::parse("284610").expect("format");
        assert_eq!(PinProof::derive(&pin, &a), PinProof::derive(&pin, &a));
        assert_ne!(PinProof::derive(&pin, &a), PinProof::derive(&pin, &b));
        assert_ne!(PinProof::derive(&pin, &a), PinProof::derive(&other, &a));
    }

    #[test]
    fn a_verifier_accepts_its_proof_only_with_the_right_pepper() {
        let n = nik("3574015708950002");
        let proof = PinProof::derive(&Pin::parse("284619").expect("format"), &n);
        let wrong = PinProof::derive(&Pin::parse("284610").expect("format"), &n);
        let verifier = PinVerifier::derive(&proof, [5; 16], b"pepper");
        assert!(verifier.matches(&proof, b"pepper"));
        assert!(!verifier.matches(&wrong, b"pepper"));
        assert!(!verifier.matches(&proof, b"another pepper"));
        assert_ne!(
            PinVerifier::derive(&proof, [6; 16], b"pepper").hash,
            verifier.hash,
            "salted"
        );
    }

    #[test]
    fn the_wire_form_is_base64url_of_32_bytes() {
        let proof = PinProof::from_bytes([0xfb; 32]);
        let json = serde_json::to_string(&proof).expect("json");
        assert_eq!(json.len(), 2 + 43);
        assert_eq!(
            serde_json::from_str::<PinProof>(&json).expect("back"),
            proof
        );
        assert!(serde_json::from_str::<PinProof>("\"AAAA\"").is_err());
        assert!(!format!("{proof:?}").contains("fb"));
    }
}
