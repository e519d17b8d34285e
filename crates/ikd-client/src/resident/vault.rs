//! The secret store's layout for the PIN-bound secrets ([`crate::pin_key`]) and the wrong-PIN
//! counter, and how they change so that a crash at any step leaves a state the old or the new
//! PIN opens.
//!
//! | entry                | holds                                                            |
//! |----------------------|------------------------------------------------------------------|
//! | `device_key`         | before the account is on this device only: the key being enrolled |
//! |                      | by a registration or a device change (PKCS#8, not yet PIN-bound)  |
//! | `pin_sealed.<n>`     | generation `n` of the [`SealedKeys`] (device key + cache key)     |
//! | `pin_sealed_current` | `n` of the generation in force                                    |
//! | `pin_attempts`       | the local wrong-PIN counter ([`PinAttempts`], JSON)               |
//!
//! A new generation is written under a new name, then the pointer is switched, then the old one
//! is deleted. A PIN change writes the new generation *before* asking the server and switches
//! only once the server agreed; until then an unlock tries the generation in force and, if the
//! PIN does not open it, the next one (and switches to it when it opens).
//!
//! Installs of earlier versions kept the device key and the cache key in the clear with a local
//! PIN verifier and its pepper, and counted wrong PINs in `state.json`; the first unlock that
//! passes the old verifier seals them the new way and deletes the plain entries
//! ([`Resident::open_legacy`]).

use ikd_core::protocol::{PinProof, PinVerifier};
use ikd_core::{Nik, Pin, PinAttempts};

use super::{Resident, ResidentState, random};
use crate::error::ClientError;
use crate::pin_key::{DeviceSecrets, SealedKeys};
use crate::storage::SecretStore;

/// The key being enrolled (plain PKCS#8), until a binding seals it; also the plain device key
/// of installs of earlier versions.
pub(super) const DEVICE_KEY: &str = "device_key";
/// The generation of [`SealedKeys`] in force.
const CURRENT: &str = "pin_sealed_current";
/// The local wrong-PIN counter.
const COUNTER: &str = "pin_attempts";
/// Earlier versions: the local PIN verifier (deleted last by the migration: its presence means
/// the plain entries may still be there).
const LEGACY_PIN: &str = "local_pin_verifier";
/// Earlier versions: the pepper of the local PIN verifier.
const LEGACY_PEPPER: &str = "local_pin_pepper";
/// Earlier versions: the key sealing the cached credentials, in the clear.
const LEGACY_CACHE_KEY: &str = "cache_key";

fn sealed_name(generation: u64) -> String {
    format!("pin_sealed.{generation}")
}

/// Runs an argon2id derivation on the blocking pool: it takes a good part of a second on a phone.
async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ClientError> + Send + 'static,
) -> Result<T, ClientError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ClientError::Storage(format!("key derivation stopped: {e}")))?
}

impl<S: SecretStore> Resident<S> {
    /// The generation of sealed keys in force (`None` before the account is on this device, or
    /// on an install of an earlier version not yet unlocked).
    pub(super) fn current_generation(&self) -> Result<Option<u64>, ClientError> {
        let Some(bytes) = self.secrets.get(CURRENT)? else {
            return Ok(None);
        };
        std::str::from_utf8(&bytes)
            .ok()
            .and_then(|s| s.parse().ok())
            .map(Some)
            .ok_or_else(|| ClientError::Storage("the sealed keys' pointer is damaged".into()))
    }

    fn sealed(&self, generation: u64) -> Result<Option<SealedKeys>, ClientError> {
        self.secrets
            .get(&sealed_name(generation))?
            .map(|bytes| SealedKeys::from_bytes(&bytes))
            .transpose()
    }

    /// Seals `secrets` with `pin` as generation `generation` (not yet in force).
    pub(super) async fn write_generation(
        &self,
        generation: u64,
        secrets: &DeviceSecrets,
        pin: &Pin,
        nik: &Nik,
    ) -> Result<(), ClientError> {
        let (secrets, pin, nik) = (secrets.clone(), pin.clone(), nik.as_str().to_owned());
        let sealed = off_thread(move || SealedKeys::seal(&secrets, &pin, &nik)).await?;
        self.secrets
            .set(&sealed_name(generation), &sealed.to_bytes()?)
    }

    /// Puts generation `to` in force, then deletes `from`. The switch is what counts: a
    /// generation that could not be deleted is deleted by the next unlock.
    pub(super) fn switch_generation(&self, from: Option<u64>, to: u64) -> Result<(), ClientError> {
        self.secrets.set(CURRENT, to.to_string().as_bytes())?;
        if let Some(from) = from.filter(|&from| from != to)
            && let Err(e) = self.discard_generation(from)
        {
            tracing::warn!("the previous PIN-sealed keys stay until the next unlock: {e}");
        }
        Ok(())
    }

    /// Deletes a generation that was written but will not be put in force.
    pub(super) fn discard_generation(&self, generation: u64) -> Result<(), ClientError> {
        self.secrets.delete(&sealed_name(generation))
    }

    /// Seals `secrets` with `pin` as a new generation and puts it in force.
    pub(super) async fn seal_with_pin(
        &self,
        secrets: &DeviceSecrets,
        pin: &Pin,
        nik: &Nik,
    ) -> Result<(), ClientError> {
        let from = self.current_generation()?;
        let to = from.map_or(1, |g| g + 1);
        self.write_generation(to, secrets, pin, nik).await?;
        self.switch_generation(from, to)
    }

    /// Opens the device's secrets with `pin`: `None` when the PIN opens nothing.
    pub(super) async fn open_sealed(
        &self,
        pin: &Pin,
        nik: &Nik,
        state: &mut ResidentState,
        attempts: &PinAttempts,
    ) -> Result<Option<DeviceSecrets>, ClientError> {
        let Some(current) = self.current_generation()? else {
            return self.open_legacy(pin, nik, state, attempts).await;
        };
        let record = self
            .sealed(current)?
            .ok_or_else(|| ClientError::Storage("the sealed keys are missing".into()))?;
        if let Some(secrets) = self.open_record(record, pin, nik).await? {
            // What a crash after a switch or in the middle of a migration left behind; what
            // cannot be deleted now is tried again at the next unlock.
            let tidied = current
                .checked_sub(1)
                .map_or(Ok(()), |previous| self.discard_generation(previous))
                .and_then(|()| self.delete_legacy_leftovers());
            if let Err(e) = tidied {
                tracing::warn!("leftover secrets stay until the next unlock: {e}");
            }
            return Ok(Some(secrets));
        }
        // A PIN change the server may have taken before the app could switch.
        if let Some(next) = self.sealed(current + 1)?
            && let Some(secrets) = self.open_record(next, pin, nik).await?
        {
            self.switch_generation(Some(current), current + 1)?;
            return Ok(Some(secrets));
        }
        Ok(None)
    }

    async fn open_record(
        &self,
        record: SealedKeys,
        pin: &Pin,
        nik: &Nik,
    ) -> Result<Option<DeviceSecrets>, ClientError> {
        let (pin, nik) = (pin.clone(), nik.as_str().to_owned());
        off_thread(move || record.open(&pin, &nik)).await
    }

    /// An install of an earlier version: checks `pin` against the old local verifier and, when it
    /// matches, seals the plain device key and cache key with it and deletes the plain entries.
    async fn open_legacy(
        &self,
        pin: &Pin,
        nik: &Nik,
        state: &mut ResidentState,
        attempts: &PinAttempts,
    ) -> Result<Option<DeviceSecrets>, ClientError> {
        let stored = self
            .secrets
            .get(LEGACY_PIN)?
            .ok_or(ClientError::NotReady("not_activated"))?;
        let verifier: PinVerifier =
            serde_json::from_slice(&stored).map_err(|e| ClientError::Storage(e.to_string()))?;
        let pepper: [u8; 32] = self
            .secrets
            .get(LEGACY_PEPPER)?
            .and_then(|p| p.try_into().ok())
            .ok_or_else(|| ClientError::Storage("the local PIN pepper is missing".into()))?;
        if !verifier.matches(&PinProof::derive(pin, nik), &pepper) {
            return Ok(None);
        }
        let pkcs8 = self
            .secrets
            .get(DEVICE_KEY)?
            .ok_or_else(|| ClientError::Storage("the device key is missing".into()))?;
        // Without a cache key the cached credentials cannot be opened anyway: a new one, and the
        // next sign-in fetches them again.
        let cache_key = match self.secrets.get(LEGACY_CACHE_KEY)? {
            Some(key) => key
                .try_into()
                .map_err(|_| ClientError::Storage("cache_key has the wrong size".into()))?,
            None => random(&self.rng)?,
        };
        let secrets = DeviceSecrets::new(pkcs8, cache_key);
        // The counter first: once sealed keys exist, a missing counter is refused.
        self.save_pin_attempts(attempts)?;
        state.local_pin = PinAttempts::default();
        self.save_state(state)?;
        self.seal_with_pin(&secrets, pin, nik).await?;
        self.secrets.delete(DEVICE_KEY)?;
        self.delete_legacy_leftovers()?;
        Ok(Some(secrets))
    }

    /// The plain entries of an earlier version, once sealed keys are in force: the verifier goes
    /// last, so an interrupted deletion is finished at the next unlock.
    pub(super) fn delete_legacy_leftovers(&self) -> Result<(), ClientError> {
        if self.secrets.get(LEGACY_PIN)?.is_none() {
            return Ok(());
        }
        for name in [DEVICE_KEY, LEGACY_CACHE_KEY, LEGACY_PEPPER, LEGACY_PIN] {
            self.secrets.delete(name)?;
        }
        Ok(())
    }

    /// Every secret of this account on this device (releasing the device).
    pub(super) fn delete_all_secrets(&self) -> Result<(), ClientError> {
        if let Some(current) = self.current_generation()? {
            self.discard_generation(current + 1)?;
            self.discard_generation(current)?;
        }
        for name in [
            CURRENT,
            COUNTER,
            DEVICE_KEY,
            LEGACY_CACHE_KEY,
            LEGACY_PEPPER,
            LEGACY_PIN,
        ] {
            self.secrets.delete(name)?;
        }
        Ok(())
    }

    /// The local wrong-PIN counter. One that cannot be read — the store fails, the entry is
    /// damaged, or it is missing while sealed keys exist — locks the PIN with an error instead of
    /// counting from zero. An install of an earlier version counted in `state.json`.
    pub(super) fn pin_attempts(&self, state: &ResidentState) -> Result<PinAttempts, ClientError> {
        let unreadable = |_: ClientError| ClientError::PinCounterUnreadable;
        match self.secrets.get(COUNTER).map_err(unreadable)? {
            Some(bytes) => {
                serde_json::from_slice(&bytes).map_err(|_| ClientError::PinCounterUnreadable)
            }
            None if self.current_generation().map_err(unreadable)?.is_some() => {
                Err(ClientError::PinCounterUnreadable)
            }
            None => Ok(state.local_pin.clone()),
        }
    }

    /// Stores the local wrong-PIN counter.
    pub(super) fn save_pin_attempts(&self, attempts: &PinAttempts) -> Result<(), ClientError> {
        let bytes =
            serde_json::to_vec(attempts).map_err(|e| ClientError::Storage(e.to_string()))?;
        self.secrets.set(COUNTER, &bytes)
    }
}
