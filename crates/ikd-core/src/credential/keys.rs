//! Ed25519 signing keys of the issuer (SIAK) and of the resident's device.
//!
//! Keys come in as PKCS#8 bytes from the caller's secret store; this module must never generate
//! randomness on its own (the caller passes a `SecureRandom`), store keys, or print private bytes
//! (`Debug` shows the public key only).
//!
//! Public keys that come from outside (a device key sent at registration, a key bound in a
//! credential, an issuer key in a key set) pass [`check_public_key`] first: an Ed25519 key of small
//! order (the identity point and its seven companions) lets a trivial signature verify for any
//! message, and a non-canonical encoding is a second spelling of one key. ring stays the signer and
//! verifier; curve25519-dalek only decompresses the point for this check.

use curve25519_dalek::edwards::CompressedEdwardsY;
use ring::rand::SecureRandom;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
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

/// A 32-byte Ed25519 public key that must not be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum WeakKeyError {
    /// The bytes are not the encoding of a point on the curve.
    #[error("not an Ed25519 point")]
    NotOnCurve,
    /// The encoding is not canonical (y ≥ p, or x = 0 with the sign bit set).
    #[error("non-canonical Ed25519 point encoding")]
    NonCanonical,
    /// The point has small order (one of the eight points of order 1, 2, 4 or 8).
    #[error("small-order Ed25519 point")]
    SmallOrder,
}

impl Localized for WeakKeyError {
    fn code(&self) -> &'static str {
        "weak_public_key"
    }

    fn message(&self, lang: Lang) -> String {
        pick(
            lang,
            "Kunci publik ini tidak aman dan ditolak.".to_owned(),
            "This public key is not safe and is refused.".to_owned(),
        )
    }
}

/// Refuses an Ed25519 public key that is not a canonically encoded point of large order.
///
/// Every key from outside must pass this before a signature is checked with it: a small-order key
/// (such as the identity point) verifies the trivial signature (R = identity, S = 0) for any
/// message, so binding a credential to one would bind it to no device at all.
pub fn check_public_key(public_key: &[u8; 32]) -> Result<(), WeakKeyError> {
    let compressed = CompressedEdwardsY(*public_key);
    let point = compressed.decompress().ok_or(WeakKeyError::NotOnCurve)?;
    if point.compress() != compressed {
        return Err(WeakKeyError::NonCanonical);
    }
    if point.is_small_order() {
        return Err(WeakKeyError::SmallOrder);
    }
    Ok(())
}

/// Checks an Ed25519 signature with ring, after refusing a weak public key ([`check_public_key`]).
pub(crate) fn verify_signature(public_key: &[u8; 32], message: &[u8], signature: &[u8]) -> bool {
    check_public_key(public_key).is_ok() && verify_with_checked_key(public_key, message, signature)
}

/// Checks an Ed25519 signature with ring under a key that already passed [`check_public_key`]
/// where it was accepted (ring alone takes the trivial signature under a small-order key): the
/// offline verification checks each key once, not once per signature, since the check costs about
/// a fifth of a verification.
pub(crate) fn verify_with_checked_key(
    public_key: &[u8; 32],
    message: &[u8],
    signature: &[u8],
) -> bool {
    UnparsedPublicKey::new(&ED25519, public_key)
        .verify(message, signature)
        .is_ok()
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

    fn hex32(text: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap_or_default();
        }
        out
    }

    /// The eight points of small order, canonically encoded (identity, order 2, two of order 4,
    /// four of order 8).
    fn small_order_points() -> Vec<[u8; 32]> {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut minus_one = [0xff; 32];
        minus_one[0] = 0xec;
        minus_one[31] = 0x7f;
        let zero = [0u8; 32];
        let mut zero_neg = [0u8; 32];
        zero_neg[31] = 0x80;
        let p8 = hex32("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05");
        let mut p8_neg = p8;
        p8_neg[31] |= 0x80;
        let q8 = hex32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
        let mut q8_neg = q8;
        q8_neg[31] |= 0x80;
        vec![identity, minus_one, zero, zero_neg, p8, p8_neg, q8, q8_neg]
    }

    /// The trivial signature: R = identity, S = 0.
    fn trivial_signature() -> [u8; 64] {
        let mut sig = [0u8; 64];
        sig[0] = 1;
        sig
    }

    #[test]
    fn the_eight_small_order_points_are_refused() {
        for point in small_order_points() {
            assert_eq!(
                check_public_key(&point),
                Err(WeakKeyError::SmallOrder),
                "{point:02x?}"
            );
        }
    }

    #[test]
    fn ring_alone_accepts_the_trivial_signature_and_the_checked_verifier_does_not() {
        let [identity, ..] = small_order_points()[..] else {
            unreachable!("eight points")
        };
        let ring_says = UnparsedPublicKey::new(&ED25519, identity)
            .verify(b"any message", &trivial_signature())
            .is_ok();
        assert!(ring_says, "the hole this check closes");
        assert!(!verify_signature(
            &identity,
            b"any message",
            &trivial_signature()
        ));
    }

    #[test]
    fn non_canonical_encodings_are_refused() {
        // y = p + 1 (the identity again) and x = 0 with the sign bit set.
        let mut p_plus_one = [0xff; 32];
        p_plus_one[0] = 0xee;
        p_plus_one[31] = 0x7f;
        let mut negative_zero_x = [0u8; 32];
        negative_zero_x[0] = 1;
        negative_zero_x[31] = 0x80;
        for bytes in [p_plus_one, negative_zero_x] {
            assert!(check_public_key(&bytes).is_err(), "{bytes:02x?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn every_real_key_passes(seed in proptest::prelude::any::<[u8; 32]>()) {
            let key = DeviceSigningKey::from_seed(&seed).public_key();
            proptest::prop_assert_eq!(key.check(), Ok(()));
            proptest::prop_assert!(key.verifies(b"m", &DeviceSigningKey::from_seed(&seed).sign(b"m")));
        }

        #[test]
        fn every_encoding_with_y_at_least_p_is_refused(low in 0xedu8..=0xff, sign in proptest::prelude::any::<bool>()) {
            let mut bytes = [0xff; 32];
            bytes[0] = low;
            bytes[31] = if sign { 0xff } else { 0x7f };
            proptest::prop_assert!(check_public_key(&bytes).is_err());
        }

        #[test]
        fn a_key_that_passes_round_trips_and_is_not_small_order(bytes in proptest::prelude::any::<[u8; 32]>()) {
            if check_public_key(&bytes).is_ok() {
                proptest::prop_assert!(!small_order_points().contains(&bytes));
                proptest::prop_assert!(!verify_signature(&bytes, b"m", &trivial_signature()));
            }
        }
    }

    #[test]
    fn garbage_is_not_a_private_key() {
        let err = IssuerSigningKey::from_pkcs8(b"not a key").err();
        assert_eq!(err, Some(KeyError::InvalidPkcs8));
    }
}
