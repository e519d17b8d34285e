//! Proof of possession of the device key: the device signs a domain-separated message naming the
//! purpose, the NIK and a server challenge, so a signature made for one step (say, login) can never
//! be replayed for another (say, releasing the device) or for another resident.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::credential::{DevicePublicKey, DeviceSigningKey};
use crate::i18n::{Lang, Localized, pick};

const DOMAIN: &[u8] = b"IKD-DEVICE-PROOF-v1";

/// What a device proof authorises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProofPurpose {
    /// Registering this device with a NIK.
    Register,
    /// Activating with the emailed code.
    Activate,
    /// Logging in.
    Login,
    /// Signing liveness evidence (the challenge is the evidence digest).
    Liveness,
    /// The registration QR: the phone is present (the challenge is the registration id and the
    /// 30-second window, [`super::registration_qr::presence_challenge`]).
    Presence,
}

impl ProofPurpose {
    fn as_bytes(self) -> &'static [u8] {
        match self {
            ProofPurpose::Register => b"register",
            ProofPurpose::Activate => b"activate",
            ProofPurpose::Login => b"login",
            ProofPurpose::Liveness => b"liveness",
            ProofPurpose::Presence => b"presence",
        }
    }
}

/// The exact bytes a device signs: `"IKD-DEVICE-PROOF-v1" 0x00 purpose 0x00 nik 0x00 challenge`.
pub fn proof_message(purpose: ProofPurpose, nik: &str, challenge: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(DOMAIN.len() + 32 + nik.len() + challenge.len());
    for part in [DOMAIN, purpose.as_bytes(), nik.as_bytes()] {
        m.extend_from_slice(part);
        m.push(0);
    }
    m.extend_from_slice(challenge);
    m
}

/// An Ed25519 signature by the device key over [`proof_message`]; base64url on the wire.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DeviceProof([u8; 64]);

impl fmt::Debug for DeviceProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeviceProof({})", self)
    }
}

impl fmt::Display for DeviceProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use base64::Engine;
        f.write_str(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.0))
    }
}

impl FromStr for DeviceProof {
    type Err = DeviceProofError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s)
            .map_err(|_| DeviceProofError::Malformed)?;
        bytes
            .try_into()
            .map(DeviceProof)
            .map_err(|_| DeviceProofError::Malformed)
    }
}

impl Serialize for DeviceProof {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DeviceProof {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A device proof was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DeviceProofError {
    /// Not 64 bytes of base64url.
    #[error("device proof is not a 64-byte base64url signature")]
    Malformed,
    /// The signature does not match the registered device key.
    #[error("device proof does not match the registered device")]
    BadSignature,
}

impl Localized for DeviceProofError {
    fn code(&self) -> &'static str {
        match self {
            DeviceProofError::Malformed => "device_proof_malformed",
            DeviceProofError::BadSignature => "device_proof_invalid",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (id, en) = match self {
            DeviceProofError::Malformed => (
                "Bukti perangkat rusak. Perbarui aplikasi lalu coba lagi.",
                "The device proof is damaged. Update the app and try again.",
            ),
            DeviceProofError::BadSignature => (
                "Permintaan ini tidak berasal dari perangkat yang terdaftar untuk akun ini.",
                "This request does not come from the device registered for this account.",
            ),
        };
        pick(lang, id.into(), en.into())
    }
}

impl DeviceProof {
    /// Signs a proof with the device key.
    pub fn sign(
        key: &DeviceSigningKey,
        purpose: ProofPurpose,
        nik: &str,
        challenge: &[u8],
    ) -> Self {
        let signature = key.sign(&proof_message(purpose, nik, challenge));
        let mut bytes = [0u8; 64];
        bytes.copy_from_slice(&signature);
        DeviceProof(bytes)
    }

    /// Checks the proof against the registered device key.
    pub fn verify(
        &self,
        key: &DevicePublicKey,
        purpose: ProofPurpose,
        nik: &str,
        challenge: &[u8],
    ) -> Result<(), DeviceProofError> {
        if key.verifies(&proof_message(purpose, nik, challenge), &self.0) {
            Ok(())
        } else {
            Err(DeviceProofError::BadSignature)
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const NIK: &str = "3574015708950002";

    #[test]
    fn a_proof_verifies_only_for_its_purpose_nik_challenge_and_device() {
        let device = DeviceSigningKey::from_seed(&[3; 32]);
        let other = DeviceSigningKey::from_seed(&[4; 32]);
        let proof = DeviceProof::sign(&device, ProofPurpose::Login, NIK, b"challenge");
        let key = device.public_key();
        assert_eq!(
            proof.verify(&key, ProofPurpose::Login, NIK, b"challenge"),
            Ok(())
        );
        let refused = Err(DeviceProofError::BadSignature);
        assert_eq!(
            proof.verify(&key, ProofPurpose::Activate, NIK, b"challenge"),
            refused
        );
        assert_eq!(
            proof.verify(&key, ProofPurpose::Login, "3574015708950003", b"challenge"),
            refused
        );
        assert_eq!(
            proof.verify(&key, ProofPurpose::Login, NIK, b"challengf"),
            refused
        );
        assert_eq!(
            proof.verify(&other.public_key(), ProofPurpose::Login, NIK, b"challenge"),
            refused
        );
    }

    #[test]
    fn the_text_form_round_trips_and_garbage_is_malformed() {
        let proof = DeviceProof::sign(
            &DeviceSigningKey::from_seed(&[3; 32]),
            ProofPurpose::Register,
            NIK,
            b"",
        );
        assert_eq!(proof.to_string().parse::<DeviceProof>(), Ok(proof));
        assert_eq!(
            "abc".parse::<DeviceProof>(),
            Err(DeviceProofError::Malformed)
        );
        assert_eq!(
            "!!".parse::<DeviceProof>(),
            Err(DeviceProofError::Malformed)
        );
    }

    #[test]
    fn purpose_and_nik_cannot_be_shifted_into_the_challenge() {
        // The separators keep ("login", NIK, "x") and ("login", NIK + "\0x", "") apart.
        assert_ne!(
            proof_message(ProofPurpose::Login, NIK, b"x"),
            proof_message(ProofPurpose::Login, &format!("{NIK}\0x"), b"")
        );
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,100}") {
            let _ = s.parse::<DeviceProof>();
        }
    }
}
