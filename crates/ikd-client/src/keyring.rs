//! [`SecretStore`] on the platform's credential store through `keyring-core`, chosen at compile
//! time by the target:
//!
//! | target  | store                                                                         |
//! |---------|-------------------------------------------------------------------------------|
//! | Linux   | the Secret Service (GNOME Keyring, KWallet) — desktop development and tests   |
//! | Android | `android-native-keyring-store`: SharedPreferences encrypted with an AES key   |
//! |         | held in the Android Keystore                                                  |
//! | iOS     | `apple-native-keyring-store`, protected data store, `WhenUnlockedThisDeviceOnly` |
//! |         | (never synced to iCloud, never restored onto another phone)                    |
//! | macOS   | the login keychain (developers building the iOS app on a Mac)                |
//!
//! Any other target does not compile: there is no fallback to keyring-core's in-memory mock
//! store (keyring v3 silently used one on Android), no default store is ever set, and the only
//! way to build a [`KeyringStore`] outside this crate is [`KeyringStore::platform`]. If the
//! platform store cannot be opened the app says so instead of keeping secrets where they would
//! be lost or exposed.

use std::collections::HashMap;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error};

use crate::error::ClientError;
use crate::storage::SecretStore;

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "ios",
    target_os = "macos"
)))]
compile_error!(
    "no secure credential store is wired for this target (Linux, Android, iOS and macOS are); \
     the app never keeps its keys in memory-only or plain-file storage"
);

/// Secrets in the platform credential store, under one service name.
pub struct KeyringStore {
    store: Arc<CredentialStore>,
    service: String,
    /// Per-entry options of the store (the iOS access policy); `None` when there are none.
    modifiers: Option<HashMap<&'static str, &'static str>>,
}

fn failure(e: Error) -> ClientError {
    ClientError::Storage(format!("secret store: {e}"))
}

/// Which store [`KeyringStore::platform`] opens on the target this was compiled for.
pub const PLATFORM_STORE: &str = if cfg!(target_os = "android") {
    "android-keystore"
} else if cfg!(target_os = "ios") {
    "ios-protected-data"
} else if cfg!(target_os = "macos") {
    "macos-keychain"
} else {
    "secret-service"
};

impl KeyringStore {
    /// The platform's secure store (see the module table), entries under `service`
    /// (e.g. `id.ikd.resident`, or a per-test name).
    pub fn platform(service: &str) -> Result<Self, ClientError> {
        #[cfg(target_os = "linux")]
        let (store, modifiers): (Arc<CredentialStore>, _) = (
            dbus_secret_service_keyring_store::Store::new().map_err(failure)?,
            None,
        );
        #[cfg(target_os = "android")]
        let (store, modifiers): (Arc<CredentialStore>, _) = (
            // Needs the NDK context Tauri's Android activity sets up before the app starts.
            android_native_keyring_store::Store::new().map_err(failure)?,
            None,
        );
        #[cfg(target_os = "ios")]
        let (store, modifiers): (Arc<CredentialStore>, _) = (
            apple_native_keyring_store::protected::Store::new().map_err(failure)?,
            Some(HashMap::from([(
                "access-policy",
                "WhenUnlockedThisDeviceOnly",
            )])),
        );
        #[cfg(target_os = "macos")]
        let (store, modifiers): (Arc<CredentialStore>, _) = (
            apple_native_keyring_store::keychain::Store::new().map_err(failure)?,
            None,
        );
        Ok(KeyringStore {
            store,
            service: service.to_owned(),
            modifiers,
        })
    }

    /// The store's own description (keyring-core's `vendor`), e.g. to show which store holds
    /// the keys and to prove in tests that it is the platform's.
    pub fn vendor(&self) -> String {
        self.store.vendor()
    }

    fn entry(&self, name: &str) -> Result<Entry, ClientError> {
        self.store
            .build(&self.service, name, self.modifiers.as_ref())
            .map_err(failure)
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
