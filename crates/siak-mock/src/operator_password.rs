//! Operator password hashes: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), a
//! random 16-byte salt per hash and the server's `OperatorPassword` key as argon2's secret, stored
//! as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). A stolen database without the secrets
//! file therefore allows no offline guessing, and with it each guess costs 19 MiB and ~2 passes.
//!
//! Hashes written before argon2id (PBKDF2-HMAC-SHA256, 100,000 iterations, a salt derived from
//! the pepper) still verify; [`Verdict::MatchLegacy`] tells the caller to store a fresh argon2id
//! hash. [`verify_unknown`] costs what a real verification costs, so a login for a user name
//! that does not exist takes as long as a wrong password.
//!
//! Hashing is CPU-heavy: the server calls these functions through `AppState::cpu`, never under
//! the store lock. Nothing here touches the database.

use std::num::NonZeroU32;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use ring::rand::{SecureRandom, SystemRandom};

use crate::store::operators::StoredPassword;

/// argon2id memory cost in KiB (OWASP: 19 MiB).
pub const MEMORY_KIB: u32 = 19 * 1024;
/// argon2id passes (OWASP: 2).
pub const PASSES: u32 = 2;
/// argon2id lanes (OWASP: 1).
pub const LANES: u32 = 1;

/// PBKDF2 iterations of the hashes written before argon2id.
const LEGACY_PBKDF2_ITERATIONS: u32 = 100_000;

/// What a user name that does not exist is verified against: a well-formed argon2id hash with
/// the same parameters that no password matches (all-zero salt and output).
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The password matches an argon2id hash.
    Match,
    /// The password matches a hash of before (PBKDF2): store a fresh argon2id hash.
    MatchLegacy,
    /// The password does not match (or the stored hash cannot be read).
    Wrong,
}

impl Verdict {
    /// Whether the password matched.
    pub fn matched(self) -> bool {
        self != Verdict::Wrong
    }
}

fn hasher(key: &[u8]) -> Result<Argon2<'_>, argon2::Error> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None)?;
    Argon2::new_with_secret(key, Algorithm::Argon2id, Version::V0x13, params)
}

/// A fresh argon2id PHC string for `password`, keyed with `key` (the `OperatorPassword` key),
/// with a random salt.
pub fn hash(password: &str, key: &[u8]) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    SystemRandom::new()
        .fill(&mut salt)
        .map_err(|_| anyhow::anyhow!("the system random source failed"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let hasher = hasher(key).map_err(|e| anyhow::anyhow!("argon2id parameters: {e}"))?;
    let phc = hasher
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("argon2id: {e}"))?;
    Ok(phc.to_string())
}

fn verify_phc(phc: &str, password: &str, key: &[u8]) -> bool {
    let (Ok(parsed), Ok(hasher)) = (PasswordHash::new(phc), hasher(key)) else {
        return false;
    };
    hasher.verify_password(password.as_bytes(), &parsed).is_ok()
}

/// Checks `password` against a stored hash: argon2id keyed with `key`, or a PBKDF2 hash of before.
pub fn verify(stored: &StoredPassword, password: &str, key: &[u8]) -> Verdict {
    if let Ok(phc) = std::str::from_utf8(&stored.hash)
        && phc.starts_with("$argon2")
    {
        return match verify_phc(phc, password, key) {
            true => Verdict::Match,
            false => Verdict::Wrong,
        };
    }
    let iterations = NonZeroU32::new(LEGACY_PBKDF2_ITERATIONS).unwrap_or(NonZeroU32::MIN);
    let legacy = ring::pbkdf2::verify(
        ring::pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        &stored.salt,
        password.as_bytes(),
        &stored.hash,
    );
    match legacy {
        Ok(()) => Verdict::MatchLegacy,
        Err(_) => Verdict::Wrong,
    }
}

/// Spends what one verification costs and answers [`Verdict::Wrong`]: for a user name that does
/// not exist, so the time of the answer does not tell names apart.
pub fn verify_unknown(password: &str, key: &[u8]) -> Verdict {
    let _ = verify_phc(DUMMY_HASH, password, key);
    Verdict::Wrong
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(hash: Vec<u8>, salt: Vec<u8>) -> StoredPassword {
        StoredPassword {
            salt,
            hash,
            set_by_administrator: true,
        }
    }

    #[test]
    fn a_hash_verifies_only_its_password_and_only_with_its_key() {
        let key = [7u8; 32];
        let phc = hash("correct horse battery", &key).expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        let row = stored(phc.clone().into_bytes(), Vec::new());
        assert_eq!(verify(&row, "correct horse battery", &key), Verdict::Match);
        assert_eq!(verify(&row, "correct horse batterY", &key), Verdict::Wrong);
        assert_eq!(
            verify(&row, "correct horse battery", &[8u8; 32]),
            Verdict::Wrong,
            "the key is argon2's secret: without it the hash is useless"
        );
        // A random salt per hash: the same password never hashes the same twice.
        assert_ne!(hash("correct horse battery", &key).expect("hash"), phc);
    }

    #[test]
    fn a_pbkdf2_hash_of_before_still_verifies_and_asks_for_a_rehash() {
        let salt = vec![3u8; 16];
        let mut out = [0u8; 32];
        let iterations = NonZeroU32::new(LEGACY_PBKDF2_ITERATIONS).expect("non-zero");
        ring::pbkdf2::derive(
            ring::pbkdf2::PBKDF2_HMAC_SHA256,
            iterations,
            &salt,
            b"an old password",
            &mut out,
        );
        let row = stored(out.to_vec(), salt);
        assert_eq!(
            verify(&row, "an old password", &[0; 32]),
            Verdict::MatchLegacy
        );
        assert_eq!(verify(&row, "another one", &[0; 32]), Verdict::Wrong);
    }

    #[test]
    fn the_dummy_hash_parses_so_an_unknown_name_costs_a_real_verification() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert_eq!(verify_unknown("anything", &[1; 32]), Verdict::Wrong);
    }
}
