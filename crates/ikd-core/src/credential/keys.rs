//! Ed25519 signing keys of the issuer (SIAK) and of the resident's device.
//!
//! Keys come in as PKCS#8 bytes from the caller's secret store; this module must never generate
//! randomness on its own (the caller passes a `SecureRandom`), store keys, or print private bytes
//! (`Debug` shows the public key only).

use ring::rand::SecureRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::ids::{DevicePublicKey, KeyId};
use crate::i18n::{Lang, Localized, pick};

/// A private key could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    /// The bytes are not an Ed25519 PKCS#8 (v1 or v2) private key.
    #[error("not an Ed25519 PKCS#8 private key")]
    InvalidPkcs8,
    /// The random number generator failed.
    #[error("random number generator failed")]
    Rng,
}

impl Localized for KeyError {
    fn code(&self) -> &'static str {
        match self {
            KeyError::InvalidPkcs8 => "invalid_private_key",
            KeyError::Rng => "rng_failed",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            KeyError::InvalidPkcs8 => pick(
                lang,
                "Kunci privat rusak atau bukan kunci Ed25519.".to_owned(),
                "The private key is damaged or not an Ed25519 key.".to_owned(),
            ),
            KeyError::Rng => pick(
                lang,
                "Gagal membuat kunci: sumber bilangan acak tidak tersedia.".to_owned(),
                "Could not create a key: no random number source.".to_owned(),
            ),
        }
    }
}

/// The key id (`kid`) of a raw Ed25519 public key: the first 8 bytes of its SHA-256.
pub fn key_id_of(public_key: &[u8; 32]) -> KeyId {
    let digest = Sha256::digest(public_key);
    let mut kid = [0u8; KeyId::LEN];
    kid.copy_from_slice(&digest[..KeyId::LEN]);
    KeyId::from_bytes(kid)
}

fn generate(rng: &dyn SecureRandom) -> Result<Vec<u8>, KeyError> {
    Ed25519KeyPair::generate_pkcs8(rng)
        .map(|doc| doc.as_ref().to_vec())
        .map_err(|_| KeyError::Rng)
}

fn from_pkcs8(pkcs8: &[u8]) -> Result<Ed25519KeyPair, KeyError> {
    Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8).map_err(|_| KeyError::InvalidPkcs8)
}

fn from_seed(seed: &[u8; 32]) -> Ed25519KeyPair {
    // A 32-byte seed is always a valid Ed25519 private key; the error arm cannot be reached.
    match Ed25519KeyPair::from_seed_unchecked(seed) {
        Ok(pair) => pair,
        Err(_) => unreachable!("ring accepts every 32-byte Ed25519 seed"),
    }
}

fn raw_public(pair: &Ed25519KeyPair) -> [u8; 32] {
    let mut raw = [0u8; 32];
    raw.copy_from_slice(pair.public_key().as_ref());
    raw
}

/// The issuer's (SIAK's) credential signing key. Its public half is published in the
/// [`IssuerKeySet`](super::IssuerKeySet).
#[derive(Debug)]
pub struct IssuerSigningKey {
    pair: Ed25519KeyPair,
    kid: KeyId,
}

impl IssuerSigningKey {
    /// Creates a new private key as PKCS#8 v2 bytes, to be kept in a secret store.
    pub fn generate_pkcs8(rng: &dyn SecureRandom) -> Result<Vec<u8>, KeyError> {
        generate(rng)
    }

    /// Loads a PKCS#8 (v1 or v2) Ed25519 private key.
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, KeyError> {
        Ok(Self::from_pair(from_pkcs8(pkcs8)?))
    }

    /// Derives a key from a fixed 32-byte seed. For tests and documented examples only: a real
    /// issuer key comes from [`generate_pkcs8`](Self::generate_pkcs8).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self::from_pair(from_seed(seed))
    }

    fn from_pair(pair: Ed25519KeyPair) -> Self {
        let kid = key_id_of(&raw_public(&pair));
        IssuerSigningKey { pair, kid }
    }

    /// The key id placed in every credential's protected header.
    pub fn kid(&self) -> KeyId {
        self.kid
    }

    /// The raw 32-byte public key.
    pub fn public_key(&self) -> [u8; 32] {
        raw_public(&self.pair)
    }

    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }
}

/// The resident's device key: credentials are bound to its public half, and every presentation
/// is signed with it, so a copied QR or credential is useless without the device.
#[derive(Debug)]
pub struct DeviceSigningKey {
    pair: Ed25519KeyPair,
}

impl DeviceSigningKey {
    /// Creates a new private key as PKCS#8 v2 bytes, to be kept in the platform secret store.
    pub fn generate_pkcs8(rng: &dyn SecureRandom) -> Result<Vec<u8>, KeyError> {
        generate(rng)
    }

    /// Loads a PKCS#8 (v1 or v2) Ed25519 private key.
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, KeyError> {
        Ok(DeviceSigningKey {
            pair: from_pkcs8(pkcs8)?,
        })
    }

    /// Derives a key from a fixed 32-byte seed. For tests and documented examples only.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        DeviceSigningKey {
            pair: from_seed(seed),
        }
    }

    /// The public key the issuer binds into the credential.
    pub fn public_key(&self) -> DevicePublicKey {
        DevicePublicKey::from_bytes(raw_public(&self.pair))
    }

    pub(crate) fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;

    #[test]
    fn kid_is_the_first_eight_bytes_of_sha256_of_the_public_key() {
        let key = IssuerSigningKey::from_seed(&[7; 32]);
        let digest = Sha256::digest(key.public_key());
        assert_eq!(key.kid().as_bytes()[..], digest[..8]);
    }

    #[test]
    fn generated_pkcs8_loads_back() {
        let pkcs8 = DeviceSigningKey::generate_pkcs8(&SystemRandom::new());
        let loaded = pkcs8.as_deref().map(DeviceSigningKey::from_pkcs8);
        assert!(matches!(loaded, Ok(Ok(_))));
    }

    #[test]
    fn garbage_is_not_a_private_key() {
        let err = IssuerSigningKey::from_pkcs8(b"not a key").err();
        assert_eq!(err, Some(KeyError::InvalidPkcs8));
    }
}
