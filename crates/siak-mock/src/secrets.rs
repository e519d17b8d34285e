//! The server's secrets on disk: the issuer signing keys (Ed25519, PKCS#8) and the PIN pepper.
//!
//! A real SIAK keeps these in an HSM; the mock keeps them in one JSON file (mode 0600, written
//! atomically) next to the database, so a restart keeps the same keys and verifiers that cached the
//! key set keep working. Rotation makes a new current key and keeps the previous ones published,
//! so credentials issued before a rotation still verify until they expire.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, Utc};
use ikd_core::credential::{IssuerKeySet, IssuerPublicKey, IssuerSigningKey};
use ring::hkdf;
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};

/// The secrets file that belongs to database `db`: `<db>.secrets.json` beside it.
pub fn default_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_owned();
    name.push(".secrets.json");
    db.with_file_name(name)
}

/// Keys are kept and published for this many rotations.
pub const KEPT_PREVIOUS_KEYS: usize = 2;

#[derive(Serialize, Deserialize)]
struct StoredKey {
    pkcs8: String,
    created_at: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
struct SecretsFile {
    /// Newest first: the first key signs, the others are still published.
    issuer_keys: Vec<StoredKey>,
    pin_pepper: String,
}

/// The loaded secrets.
pub struct Secrets {
    path: PathBuf,
    keys: Vec<(IssuerSigningKey, DateTime<Utc>)>,
    pepper: Vec<u8>,
}

/// Reading or writing the secrets file failed.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// File system error.
    #[error("secrets file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not what this server wrote.
    #[error("secrets file {path} is damaged: {reason}")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// No randomness.
    #[error("system random source failed")]
    Rng,
}

fn random_bytes(rng: &SystemRandom, n: usize) -> Result<Vec<u8>, SecretsError> {
    let mut bytes = vec![0u8; n];
    rng.fill(&mut bytes).map_err(|_| SecretsError::Rng)?;
    Ok(bytes)
}

impl Secrets {
    /// Loads the file at `path`, creating it with a fresh key and pepper when it does not exist.
    pub fn load_or_create(path: &Path, now: DateTime<Utc>) -> Result<Secrets, SecretsError> {
        let io = |source| SecretsError::Io {
            path: path.to_owned(),
            source,
        };
        let damaged = |reason: String| SecretsError::Damaged {
            path: path.to_owned(),
            reason,
        };
        if !path.exists() {
            let rng = SystemRandom::new();
            let pkcs8 = IssuerSigningKey::generate_pkcs8(&rng).map_err(|_| SecretsError::Rng)?;
            let file = SecretsFile {
                issuer_keys: vec![StoredKey {
                    pkcs8: B64.encode(pkcs8),
                    created_at: now,
                }],
                pin_pepper: B64.encode(random_bytes(&rng, 32)?),
            };
            write_atomically(path, &file).map_err(io)?;
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        let file: SecretsFile = serde_json::from_str(&text).map_err(|e| damaged(e.to_string()))?;
        let mut keys = Vec::with_capacity(file.issuer_keys.len());
        for stored in &file.issuer_keys {
            let pkcs8 = B64
                .decode(&stored.pkcs8)
                .map_err(|e| damaged(format!("issuer key: {e}")))?;
            let key = IssuerSigningKey::from_pkcs8(&pkcs8)
                .map_err(|e| damaged(format!("issuer key: {e}")))?;
            keys.push((key, stored.created_at));
        }
        if keys.is_empty() {
            return Err(damaged("no issuer key".into()));
        }
        let pepper = B64
            .decode(&file.pin_pepper)
            .map_err(|e| damaged(format!("pepper: {e}")))?;
        Ok(Secrets {
            path: path.to_owned(),
            keys,
            pepper,
        })
    }

    /// Makes a new signing key; the previous [`KEPT_PREVIOUS_KEYS`] stay published.
    pub fn rotate(&mut self, now: DateTime<Utc>) -> Result<(), SecretsError> {
        let rng = SystemRandom::new();
        let pkcs8 = IssuerSigningKey::generate_pkcs8(&rng).map_err(|_| SecretsError::Rng)?;
        let mut stored = vec![StoredKey {
            pkcs8: B64.encode(&pkcs8),
            created_at: now,
        }];
        // Re-read the file so the stored PKCS#8 of older keys is kept byte for byte.
        let text = std::fs::read_to_string(&self.path).map_err(|source| SecretsError::Io {
            path: self.path.clone(),
            source,
        })?;
        let old: SecretsFile = serde_json::from_str(&text).map_err(|e| SecretsError::Damaged {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        stored.extend(old.issuer_keys.into_iter().take(KEPT_PREVIOUS_KEYS));
        let file = SecretsFile {
            issuer_keys: stored,
            pin_pepper: old.pin_pepper,
        };
        write_atomically(&self.path, &file).map_err(|source| SecretsError::Io {
            path: self.path.clone(),
            source,
        })?;
        *self = Secrets::load_or_create(&self.path.clone(), now)?;
        Ok(())
    }

    /// The key that signs new credentials.
    pub fn current(&self) -> &IssuerSigningKey {
        &self.keys[0].0
    }

    /// The published key set: the current key and the kept previous ones.
    pub fn key_set(&self) -> IssuerKeySet {
        IssuerKeySet::new(
            self.keys
                .iter()
                .map(|(k, _)| IssuerPublicKey::new(k.public_key())),
        )
    }

    /// The root secret ("PIN pepper" in the file, for compatibility). Records written before
    /// the per-purpose keys existed were keyed with it directly; new code uses [`Self::key`].
    pub fn pepper(&self) -> &[u8] {
        &self.pepper
    }

    /// The 32-byte key of one purpose, derived from the root secret with HKDF-SHA256 (the
    /// purpose's label as `info`), so a key that leaks through one use (a CSRF token, a code
    /// hash) says nothing about another's.
    pub fn key(&self, purpose: Purpose) -> [u8; 32] {
        let salt = hkdf::Salt::new(hkdf::HKDF_SHA256, b"IKD-SIAK-MOCK-KEYS-v1");
        let info = [purpose.label().as_bytes()];
        let mut out = [0u8; 32];
        // HKDF-SHA256 can expand to 255 * 32 bytes; 32 always succeeds.
        if let Ok(okm) = salt.extract(&self.pepper).expand(&info, Len32) {
            let _ = okm.fill(&mut out);
        }
        out
    }

    /// The keys of `purpose` with the root, for checking records of either version.
    pub fn keys(&self, purpose: Purpose) -> PurposeKeys {
        PurposeKeys {
            current: self.key(purpose),
            root: self.pepper.clone(),
        }
    }
}

/// The keys of one purpose, as stored records need them: each keyed record (a PIN verifier, a
/// code hash) stores the version of the key that made it ([`Secrets::keys`]).
#[derive(Clone)]
pub struct PurposeKeys {
    current: [u8; 32],
    root: Vec<u8>,
}

impl PurposeKeys {
    /// Version of records keyed with the root secret itself (everything written before the
    /// per-purpose keys).
    pub const ROOT: i64 = 1;
    /// Version of records keyed with the purpose's derived key: every new record.
    pub const CURRENT: i64 = 2;

    /// The key new records are made with (version [`Self::CURRENT`]).
    pub fn current(&self) -> &[u8] {
        &self.current
    }

    /// The key that made a record of `version`; `None` for a version this server does not know.
    pub fn version(&self, version: i64) -> Option<&[u8]> {
        match version {
            Self::ROOT => Some(&self.root),
            Self::CURRENT => Some(&self.current),
            _ => None,
        }
    }
}

/// What a derived key is for ([`Secrets::key`]); each purpose gets its own key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// Keys the stored PIN verifiers.
    PinVerifier,
    /// Keys the hashes of emailed codes (activation, device change).
    EmailedCode,
    /// The secret mixed into operator password hashes.
    OperatorPassword,
    /// Keys the console's per-session form (CSRF) tokens.
    ConsoleForm,
}

impl Purpose {
    /// Every purpose.
    pub const ALL: [Purpose; 4] = [
        Purpose::PinVerifier,
        Purpose::EmailedCode,
        Purpose::OperatorPassword,
        Purpose::ConsoleForm,
    ];

    /// The HKDF `info` label; never change one (it would change the key).
    pub fn label(self) -> &'static str {
        match self {
            Purpose::PinVerifier => "pin-verifier",
            Purpose::EmailedCode => "emailed-code",
            Purpose::OperatorPassword => "operator-password",
            Purpose::ConsoleForm => "console-form",
        }
    }
}

/// ring's HKDF output length for a 32-byte key.
struct Len32;

impl hkdf::KeyType for Len32 {
    fn len(&self) -> usize {
        32
    }
}

fn write_atomically(path: &Path, file: &SecretsFile) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(file).map_err(std::io::Error::other)?;
    let tmp = path.with_extension("tmp");
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&tmp)?;
        f.write_all(&json)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_survive_a_restart_and_rotation_keeps_the_old_key_published() {
        let dir = std::env::temp_dir().join(format!("siak-secrets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("secrets.json");
        let _ = std::fs::remove_file(&path);
        let now = Utc::now();
        let first = Secrets::load_or_create(&path, now).expect("create");
        let again = Secrets::load_or_create(&path, now).expect("load");
        assert_eq!(first.current().kid(), again.current().kid());
        assert_eq!(first.pepper(), again.pepper());

        let mut rotated = again;
        rotated.rotate(now).expect("rotate");
        assert_ne!(rotated.current().kid(), first.current().kid());
        assert!(rotated.key_set().find(first.current().kid()).is_some());
        assert_eq!(
            rotated.pepper(),
            first.pepper(),
            "rotation keeps the pepper"
        );
        for _ in 0..KEPT_PREVIOUS_KEYS {
            rotated.rotate(now).expect("rotate");
        }
        assert!(
            rotated.key_set().find(first.current().kid()).is_none(),
            "old keys age out"
        );
        assert_eq!(rotated.key_set().keys().len(), KEPT_PREVIOUS_KEYS + 1);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_damaged_file_is_refused_not_replaced() {
        let dir = std::env::temp_dir().join(format!("siak-secrets-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("secrets.json");
        std::fs::write(&path, "{not json").expect("write");
        assert!(matches!(
            Secrets::load_or_create(&path, Utc::now()),
            Err(SecretsError::Damaged { .. })
        ));
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "{not json");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn every_purpose_has_its_own_key_and_none_is_the_root() {
        let dir = std::env::temp_dir().join(format!("siak-purposes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("secrets.json");
        let _ = std::fs::remove_file(&path);
        let secrets = Secrets::load_or_create(&path, Utc::now()).expect("secrets");
        let keys: std::collections::HashSet<[u8; 32]> =
            Purpose::ALL.iter().map(|p| secrets.key(*p)).collect();
        assert_eq!(keys.len(), Purpose::ALL.len());
        assert!(!keys.iter().any(|k| k.as_slice() == secrets.pepper()));
        let again = Secrets::load_or_create(&path, Utc::now()).expect("again");
        assert_eq!(
            again.key(Purpose::PinVerifier),
            secrets.key(Purpose::PinVerifier)
        );
    }
}
