//! [`SecretStore`] on the platform's credential store through `keyring-core`: the Secret Service
//! (GNOME Keyring, KWallet) on Linux desktops. The Android Keystore and iOS Keychain stores are
//! wired for the mobile targets in the app shell (issue 6). There is deliberately no fallback to
//! an in-memory store: if the platform store cannot be opened, the app says so instead of keeping
//! secrets where they would be lost or exposed.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error};

use crate::error::ClientError;
use crate::storage::SecretStore;

/// Secrets in the platform credential store, under one service name.
pub struct KeyringStore {
    store: Arc<CredentialStore>,
    service: String,
}

fn failure(e: Error) -> ClientError {
    ClientError::Storage(format!("secret store: {e}"))
}

impl KeyringStore {
    /// The Secret Service of the logged-in Linux session, entries under `service`
    /// (e.g. `id.go.dukcapil.ikd` or a per-test name).
    #[cfg(target_os = "linux")]
    pub fn secret_service(service: &str) -> Result<Self, ClientError> {
        let store: Arc<CredentialStore> =
            dbus_secret_service_keyring_store::Store::new().map_err(failure)?;
        Ok(KeyringStore::with_store(store, service))
    }

    /// Entries under `service` in an already opened `store`.
    pub fn with_store(store: Arc<CredentialStore>, service: &str) -> Self {
        KeyringStore {
            store,
            service: service.to_owned(),
        }
    }

    fn entry(&self, name: &str) -> Result<Entry, ClientError> {
        self.store.build(&self.service, name, None).map_err(failure)
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, ClientError> {
        match self.entry(name)?.get_secret() {
            Ok(secret) => Ok(Some(secret)),
            Err(Error::NoEntry) => Ok(None),
            Err(e) => Err(failure(e)),
        }
    }

    fn set(&self, name: &str, value: &[u8]) -> Result<(), ClientError> {
        self.entry(name)?.set_secret(value).map_err(failure)
    }

    fn delete(&self, name: &str) -> Result<(), ClientError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(Error::NoEntry) => Ok(()),
            Err(e) => Err(failure(e)),
        }
    }
}
