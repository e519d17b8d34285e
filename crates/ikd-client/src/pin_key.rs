//! The device's secrets bound to the PIN.
//!
//! The device key (PKCS#8) and the key sealing the cached credentials are never kept in the
//! clear once the account is on this device: they are sealed (AES-256-GCM) with a key derived
//! from the PIN, `KEK = argon2id(PIN, salt, params)`, and the result — salt, parameters and both
//! ciphertexts — is one [`SealedKeys`] record in the secret store. Opening it with a wrong PIN
//! fails the AEAD tag: that is the app's local PIN check, so there is no separate verifier to
//! brute-force, and every offline guess costs one argon2id derivation ([`KdfParams::CURRENT`],
//! figures in `docs/benchmarks.md`).
//!
//! The parameters travel in the record, so a later version can raise them: a record is always
//! opened with its own parameters (within [`KdfParams::check`]'s bounds, so a forged record cannot
//! make the app allocate gigabytes) and sealed again with the current ones when the PIN changes.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ikd_core::Pin;
use ikd_core::credential::DeviceSigningKey;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::ClientError;

/// The argon2id cost of one PIN-to-key derivation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory, KiB.
    pub m_kib: u32,
    /// Passes over the memory.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

/// Salt length of a [`SealedKeys`] record.
const SALT_LEN: usize = 16;

impl KdfParams {
    /// What new records are sealed with: 19 MiB, 2 passes, 1 lane — the most that stays within
    /// ~300 ms on a mid-range phone (measured here and estimated for a phone in
    /// `docs/benchmarks.md`).
    pub const CURRENT: KdfParams = KdfParams {
        m_kib: 19 * 1024,
        t: 2,
        p: 1,
    };

    /// Refuses parameters outside what this app ever writes or may reasonably write later
    /// (8 MiB–256 MiB, 1–8 passes, 1–4 lanes): a damaged or forged record is an error, never an
    /// allocation of gigabytes or a derivation of minutes.
    pub fn check(&self) -> Result<(), ClientError> {
        let ok = (8 * 1024..=256 * 1024).contains(&self.m_kib)
            && (1..=8).contains(&self.t)
            && (1..=4).contains(&self.p);
        if ok {
            Ok(())
        } else {
            Err(damaged("its key-derivation parameters are out of bounds"))
        }
    }

    /// The 32-byte key of `pin` with `salt` (argon2id v1.3).
    pub fn derive(&self, pin: &[u8], salt: &[u8]) -> Result<Zeroizing<[u8; 32]>, ClientError> {
        self.check()?;
        let params = Params::new(self.m_kib, self.t, self.p, Some(32))
            .map_err(|e| ClientError::Storage(format!("argon2 parameters: {e}")))?;
        let mut key = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(pin, salt, key.as_mut())
            .map_err(|e| ClientError::Storage(format!("argon2: {e}")))?;
        Ok(key)
    }
}

fn damaged(why: &str) -> ClientError {
    ClientError::Storage(format!("the PIN-sealed keys are damaged: {why}"))
}

/// The device's secrets, opened: in memory only while the app is unlocked, wiped when dropped.
#[derive(Clone)]
pub struct DeviceSecrets {
    /// The device key, PKCS#8.
    pkcs8: Zeroizing<Vec<u8>>,
    /// The key sealing the cached credentials.
    cache_key: Zeroizing<[u8; 32]>,
}

impl DeviceSecrets {
    /// The device key `pkcs8` and the cache key `cache_key`.
    pub fn new(pkcs8: Vec<u8>, cache_key: [u8; 32]) -> Self {
        DeviceSecrets {
            pkcs8: Zeroizing::new(pkcs8),
            cache_key: Zeroizing::new(cache_key),
        }
    }

    /// The device's signing key.
    pub fn device_key(&self) -> Result<DeviceSigningKey, ClientError> {
        DeviceSigningKey::from_pkcs8(&self.pkcs8).map_err(|e| ClientError::invalid(&e))
    }

    /// The key sealing the cached credentials.
    pub fn cache_key(&self) -> &[u8; 32] {
        &self.cache_key
    }
}

/// The record kept in the secret store: the device key and the cache key, each sealed with the
/// PIN-derived key, with what it takes to derive that key again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SealedKeys {
    /// argon2id's cost when this record was sealed.
    pub kdf: KdfParams,
    /// The random salt (base64url).
    pub salt: String,
    /// The device key's PKCS#8: nonce ‖ ciphertext ‖ tag (base64url).
    pub device_key: String,
    /// The cache key: nonce ‖ ciphertext ‖ tag (base64url).
    pub cache_key: String,
}

/// What each sealed value is bound to: its name and the account's NIK.
fn aad(entry: &str, nik: &str) -> Vec<u8> {
    format!("{entry}\n{nik}").into_bytes()
}

fn aes(kek: &[u8; 32]) -> Result<LessSafeKey, ClientError> {
    UnboundKey::new(&AES_256_GCM, kek)
        .map(LessSafeKey::new)
        .map_err(|_| ClientError::Storage("bad sealing key".into()))
}

/// `N` bytes from the system's random source.
pub(crate) fn random_bytes<const N: usize>(rng: &SystemRandom) -> Result<[u8; N], ClientError> {
    let mut bytes = [0u8; N];
    rng.fill(&mut bytes)
        .map_err(|_| ClientError::Storage("no random source".into()))?;
    Ok(bytes)
}

fn seal(
    key: &LessSafeKey,
    entry: &str,
    nik: &str,
    plain: &[u8],
    rng: &SystemRandom,
) -> Result<String, ClientError> {
    let nonce = random_bytes::<NONCE_LEN>(rng)?;
    let mut data = plain.to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(aad(entry, nik)),
        &mut data,
    )
    .map_err(|_| ClientError::Storage("sealing failed".into()))?;
    let mut sealed = nonce.to_vec();
    sealed.append(&mut data);
    Ok(B64.encode(sealed))
}

/// `None` when the tag does not match (a wrong PIN).
fn open(
    key: &LessSafeKey,
    entry: &str,
    nik: &str,
    sealed: &str,
) -> Result<Option<Zeroizing<Vec<u8>>>, ClientError> {
    let sealed = B64.decode(sealed).map_err(|_| damaged(entry))?;
    if sealed.len() < NONCE_LEN {
        return Err(damaged(entry));
    }
    let (nonce, data) = sealed.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| damaged(entry))?;
    let mut data = Zeroizing::new(data.to_vec());
    match key.open_in_place(nonce, Aad::from(aad(entry, nik)), &mut data) {
        Ok(plain) => Ok(Some(Zeroizing::new(plain.to_vec()))),
        Err(_) => Ok(None),
    }
}

impl SealedKeys {
    /// Seals `secrets` for the holder of `nik` with `pin`, a fresh salt and
    /// [`KdfParams::CURRENT`].
    pub fn seal(secrets: &DeviceSecrets, pin: &Pin, nik: &str) -> Result<SealedKeys, ClientError> {
        let rng = SystemRandom::new();
        let salt = random_bytes::<SALT_LEN>(&rng)?;
        let kdf = KdfParams::CURRENT;
        let key = aes(&*kdf.derive(pin.expose().as_bytes(), &salt)?)?;
        Ok(SealedKeys {
            kdf,
            salt: B64.encode(salt),
            device_key: seal(&key, "device_key", nik, &secrets.pkcs8, &rng)?,
            cache_key: seal(&key, "cache_key", nik, secrets.cache_key.as_ref(), &rng)?,
        })
    }

    /// Opens the record with `pin` for the holder of `nik`: `None` when the PIN is wrong (the
    /// tag does not match), an error when the record is damaged.
    pub fn open(&self, pin: &Pin, nik: &str) -> Result<Option<DeviceSecrets>, ClientError> {
        let salt = B64.decode(&self.salt).map_err(|_| damaged("salt"))?;
        if salt.len() < SALT_LEN {
            return Err(damaged("salt"));
        }
        let key = aes(&*self.kdf.derive(pin.expose().as_bytes(), &salt)?)?;
        let Some(pkcs8) = open(&key, "device_key", nik, &self.device_key)? else {
            return Ok(None);
        };
        let cache_key =
            open(&key, "cache_key", nik, &self.cache_key)?.ok_or_else(|| damaged("cache_key"))?;
        if cache_key.len() != 32 {
            return Err(damaged("cache_key"));
        }
        let mut secrets = DeviceSecrets {
            pkcs8,
            cache_key: Zeroizing::new([0; 32]),
        };
        secrets.cache_key.copy_from_slice(&cache_key);
        Ok(Some(secrets))
    }

    /// The record as stored.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ClientError> {
        serde_json::to_vec(self).map_err(|e| ClientError::Storage(e.to_string()))
    }

    /// A stored record, read back.
    pub fn from_bytes(bytes: &[u8]) -> Result<SealedKeys, ClientError> {
        serde_json::from_slice(bytes).map_err(|e| damaged(&e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NIK: &str = "3574015708950002";

    fn pin(digits: &str) -> Pin {
        Pin::parse(digits).expect("six digits")
    }

    fn secrets() -> DeviceSecrets {
        let pkcs8 = DeviceSigningKey::generate_pkcs8(&SystemRandom::new()).expect("key");
        DeviceSecrets::new(pkcs8, [7; 32])
    }

    #[test]
    fn the_right_pin_opens_and_a_wrong_pin_or_another_nik_opens_nothing() {
        let original = secrets();
        let sealed = SealedKeys::seal(&original, &pin("284619"), NIK).expect("sealed");
        let opened = sealed
            .open(&pin("284619"), NIK)
            .expect("record")
            .expect("the right PIN");
        assert_eq!(
            opened.device_key().expect("key").public_key(),
            original.device_key().expect("key").public_key()
        );
        assert_eq!(opened.cache_key(), &[7; 32]);
        assert!(sealed.open(&pin("284618"), NIK).expect("record").is_none());
        assert!(
            sealed
                .open(&pin("284619"), "3574011708950001")
                .expect("record")
                .is_none(),
            "bound to the NIK"
        );
        let raw = sealed.to_bytes().expect("bytes");
        assert!(
            !raw.windows(32).any(|w| w == [7; 32]),
            "the cache key is not in the clear"
        );
    }

    #[test]
    fn a_forged_record_cannot_make_the_app_allocate_gigabytes() {
        let mut sealed = SealedKeys::seal(&secrets(), &pin("284619"), NIK).expect("sealed");
        sealed.kdf.m_kib = 4 * 1024 * 1024;
        assert!(matches!(
            sealed.open(&pin("284619"), NIK),
            Err(ClientError::Storage(_))
        ));
        sealed.kdf = KdfParams {
            m_kib: 8 * 1024,
            t: 1,
            p: 1,
        };
        // Within bounds but not what it was sealed with: simply the wrong key.
        assert!(sealed.open(&pin("284619"), NIK).expect("record").is_none());
    }
}
