//! Where the app keeps things.
//!
//! * Secrets (the device key and the key that seals cached card data, both sealed with the PIN
//!   once the account is on the device; the wrong-PIN counter) go through [`SecretStore`]: the platform store on a phone (Android Keystore, iOS
//!   Keychain) or the Secret Service on Linux, wired in the app shell; [`MemoryStore`] for tests.
//! * Non-secret state (registration id, settings, the sealed credential cache) goes to files in
//!   the app's data directory ([`StateDir`]), written atomically (temp file, fsync, rename) so a
//!   crash or a full disk never leaves a half-written file behind.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::SystemRandom;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ClientError;
use crate::pin_key::random_bytes;

/// A store of small secrets by name.
pub trait SecretStore: Send + Sync {
    /// The secret called `name`, if stored.
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, ClientError>;
    /// Stores (or replaces) `name`.
    fn set(&self, name: &str, value: &[u8]) -> Result<(), ClientError>;
    /// Removes `name` (no error if absent).
    fn delete(&self, name: &str) -> Result<(), ClientError>;
}

/// Secrets in memory only: for tests and for a "do not remember" session.
#[derive(Debug, Default)]
pub struct MemoryStore(Mutex<HashMap<String, Vec<u8>>>);

impl MemoryStore {
    fn map(&self) -> Result<std::sync::MutexGuard<'_, HashMap<String, Vec<u8>>>, ClientError> {
        self.0
            .lock()
            .map_err(|_| ClientError::Storage("memory store poisoned".into()))
    }
}

impl MemoryStore {
    /// Every entry, sorted by name: what a copy of the store would hold (tests play the thief
    /// with it).
    pub fn entries(&self) -> Result<Vec<(String, Vec<u8>)>, ClientError> {
        let mut entries: Vec<_> = self
            .map()?
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        entries.sort();
        Ok(entries)
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, ClientError> {
        Ok(self.map()?.get(name).cloned())
    }

    fn set(&self, name: &str, value: &[u8]) -> Result<(), ClientError> {
        self.map()?.insert(name.to_owned(), value.to_vec());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), ClientError> {
        self.map()?.remove(name);
        Ok(())
    }
}

impl<T: SecretStore + ?Sized> SecretStore for std::sync::Arc<T> {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, ClientError> {
        (**self).get(name)
    }

    fn set(&self, name: &str, value: &[u8]) -> Result<(), ClientError> {
        (**self).set(name, value)
    }

    fn delete(&self, name: &str) -> Result<(), ClientError> {
        (**self).delete(name)
    }
}

fn io(path: &Path, e: std::io::Error) -> ClientError {
    ClientError::Storage(format!("{}: {e}", path.display()))
}

/// The app's data directory: JSON files, written atomically.
#[derive(Debug, Clone)]
pub struct StateDir {
    dir: PathBuf,
}

impl StateDir {
    /// Uses (and creates) `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Result<Self, ClientError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        Ok(StateDir { dir })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Reads `name.json`; `None` when it does not exist.
    pub fn load<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ClientError> {
        match self.read(name)? {
            None => Ok(None),
            Some(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| ClientError::Storage(format!("{name}.json is damaged: {e}"))),
        }
    }

    /// Writes `name.json` atomically.
    pub fn save<T: Serialize>(&self, name: &str, value: &T) -> Result<(), ClientError> {
        let bytes =
            serde_json::to_vec_pretty(value).map_err(|e| ClientError::Storage(e.to_string()))?;
        self.write(name, &bytes)
    }

    /// Writes `value` encrypted with `key` (ChaCha20-Poly1305, random nonce) to `name.json`.
    pub fn save_sealed<T: Serialize>(
        &self,
        name: &str,
        value: &T,
        key: &[u8; 32],
    ) -> Result<(), ClientError> {
        let mut data =
            serde_json::to_vec(value).map_err(|e| ClientError::Storage(e.to_string()))?;
        let nonce = random_bytes::<NONCE_LEN>(&SystemRandom::new())?;
        sealing_key(key)?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(name.as_bytes()),
                &mut data,
            )
            .map_err(|_| ClientError::Storage("sealing failed".into()))?;
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&data);
        self.write(name, &sealed)
    }

    /// Reads a file written by [`StateDir::save_sealed`]; a damaged or foreign file is an error.
    pub fn load_sealed<T: DeserializeOwned>(
        &self,
        name: &str,
        key: &[u8; 32],
    ) -> Result<Option<T>, ClientError> {
        let Some(mut sealed) = self.read(name)? else {
            return Ok(None);
        };
        if sealed.len() < NONCE_LEN {
            return Err(ClientError::Storage(format!("{name} is damaged")));
        }
        let mut data = sealed.split_off(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(&sealed)
            .map_err(|_| ClientError::Storage(format!("{name} is damaged")))?;
        let plain = sealing_key(key)?
            .open_in_place(nonce, Aad::from(name.as_bytes()), &mut data)
            .map_err(|_| {
                ClientError::Storage(format!("{name} cannot be opened with this device's key"))
            })?;
        serde_json::from_slice(plain)
            .map(Some)
            .map_err(|e| ClientError::Storage(format!("{name} is damaged: {e}")))
    }

    /// Removes `name.json`.
    pub fn remove(&self, name: &str) -> Result<(), ClientError> {
        let path = self.file(name);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(&path, e)),
            _ => Ok(()),
        }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.json"))
    }

    fn read(&self, name: &str) -> Result<Option<Vec<u8>>, ClientError> {
        let path = self.file(name);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(&path, e)),
        }
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<(), ClientError> {
        let path = self.file(name);
        let tmp = self.dir.join(format!(".{name}.json.tmp"));
        let mut f = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
        f.write_all(bytes).map_err(|e| io(&tmp, e))?;
        f.sync_all().map_err(|e| io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| io(&path, e))
    }
}

fn sealing_key(key: &[u8; 32]) -> Result<LessSafeKey, ClientError> {
    UnboundKey::new(&CHACHA20_POLY1305, key)
        .map(LessSafeKey::new)
        .map_err(|_| ClientError::Storage("bad sealing key".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> StateDir {
        let path = std::env::temp_dir().join(format!("ikd-client-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        StateDir::new(path).expect("dir")
    }

    #[test]
    fn state_round_trips_and_a_missing_file_is_none() {
        let d = dir("plain");
        assert_eq!(d.load::<Vec<u32>>("x").expect("read"), None);
        d.save("x", &vec![1u32, 2, 3]).expect("write");
        assert_eq!(d.load::<Vec<u32>>("x").expect("read"), Some(vec![1, 2, 3]));
        std::fs::write(d.path().join("x.json"), b"{half").expect("damage");
        assert!(matches!(
            d.load::<Vec<u32>>("x"),
            Err(ClientError::Storage(_))
        ));
        std::fs::remove_dir_all(d.path()).ok();
    }

    #[test]
    fn sealed_files_hold_no_plain_text_and_need_the_key() {
        let d = dir("sealed");
        d.save_sealed("card", &"SITI NURHALIZA 3574015708950002", &[7; 32])
            .expect("seal");
        let raw = std::fs::read(d.path().join("card.json")).expect("raw");
        assert!(!String::from_utf8_lossy(&raw).contains("SITI"));
        assert!(!String::from_utf8_lossy(&raw).contains("3574015708950002"));
        assert_eq!(
            d.load_sealed::<String>("card", &[7; 32])
                .expect("open")
                .as_deref(),
            Some("SITI NURHALIZA 3574015708950002")
        );
        assert!(
            d.load_sealed::<String>("card", &[8; 32]).is_err(),
            "another key cannot open it"
        );
        std::fs::remove_dir_all(d.path()).ok();
    }
}
