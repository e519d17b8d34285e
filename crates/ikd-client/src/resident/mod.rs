//! The resident's flows, in the order of the service: register → follow the status → activate
//! with the emailed code and a new PIN → unlock with the PIN (offline too) → show the Digital KTP
//! QR → change the PIN → release the device. Every rule is the core's; this module only keeps
//! state, talks to the server and stores secrets.
//!
//! [`Resident`] is one type whose methods are grouped by flow:
//! * `registration`: the liveness challenge and evidence, registering, the registration's status;
//! * `binding`: putting the account on this device — activation and device change share one path;
//! * `unlock`: the PIN checked on the device, the server session, offline unlock and reconnecting;
//! * `vault`: the device key and the cache key sealed with the PIN, and the wrong-PIN counter, in
//!   the secret store;
//! * `credentials`: the sealed cache of credentials, the card's record and the QR's presentation;
//! * `account`: changing the PIN, releasing the device, the family card and the activity history.
//!
//! Once the account is on this device, its secrets open only with the PIN ([`crate::pin_key`]):
//! while unlocked they are held in memory, and [`Resident::device_key`] — the one way to the
//! device key for everything that signs — fails with `locked` otherwise.
//!
//! Text typed by the resident is parsed into the core's types ([`Nik`], [`ikd_core::Email`],
//! [`ikd_core::PhoneNumber`], [`ikd_core::Pin`]) once, where it enters, and passed on as such.

mod account;
mod binding;
mod credentials;
mod registration;
mod unlock;
mod vault;

use chrono::{DateTime, NaiveDate, Utc};
use ikd_core::credential::DeviceSigningKey;
use ikd_core::{Nik, PinAttempts};
use ikd_core::{RecoveryId, RegistrationId};
use ring::rand::SystemRandom;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::ClientError;
use crate::pin_key::{DeviceSecrets, random_bytes as random};
use crate::siak::SiakClient;
use crate::storage::{SecretStore, StateDir};

pub use registration::Applicant;
use unlock::SignIn;

/// Data-directory file of [`ResidentState`].
const STATE: &str = "state";
/// Data-directory file of the sealed credentials.
const CREDENTIALS: &str = "credentials";

/// What the app remembers between runs (not secret).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ResidentState {
    /// The NIK registered.
    pub nik: Option<String>,
    /// Email given.
    pub email: Option<String>,
    /// Phone given.
    pub phone: Option<String>,
    /// The registration being followed.
    pub registration_id: Option<RegistrationId>,
    /// Active on this device.
    pub activated: bool,
    /// Wrong PINs on this device as counted by earlier versions; the counter now lives in the
    /// secret store, and this is read only once, when such an install is first unlocked.
    #[serde(default)]
    pub local_pin: PinAttempts,
    /// A device change or PIN reset waiting for its emailed code.
    #[serde(default)]
    pub recovery: Option<PendingRecovery>,
}

impl ResidentState {
    /// The NIK registered (or of the device change), parsed; `not_registered` without one.
    pub fn registered_nik(&self, today: NaiveDate) -> Result<Nik, ClientError> {
        let nik = self
            .nik
            .as_deref()
            .ok_or(ClientError::NotReady("not_registered"))?;
        Nik::parse(nik, today).map_err(|e| ClientError::invalid(&e))
    }
}

/// A device change waiting for the emailed code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PendingRecovery {
    /// The server's recovery id.
    pub id: RecoveryId,
    /// Where the code went, partly hidden.
    pub email_hint: String,
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
    /// Once the code was confirmed: when the change may complete (it waits until then).
    #[serde(default)]
    pub completes_at: Option<DateTime<Utc>>,
}

/// What an unlock achieved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnlockOutcome {
    /// Whether the server was reached (a session is open and credentials were refreshed).
    pub online: bool,
    /// The cached credentials expire at this instant (`None` when there are none).
    pub credentials_valid_until: Option<DateTime<Utc>>,
    /// The QR is being shown from data that could not be refreshed just now.
    pub stale: bool,
}

/// The resident's app, headless.
pub struct Resident<S: SecretStore> {
    siak: SiakClient,
    secrets: S,
    dir: StateDir,
    rng: SystemRandom,
    session: tokio::sync::Mutex<Option<(String, DateTime<Utc>)>>,
    /// The sign-in of an unlock that could not reach the server, kept in memory only until the
    /// network returns ([`Resident::reconnect`]) or the app locks.
    pending: tokio::sync::Mutex<Option<SignIn>>,
    /// The device key and the cache key, opened with the PIN: in memory only while unlocked,
    /// wiped on [`Resident::lock`].
    opened: std::sync::Mutex<Option<DeviceSecrets>>,
}

impl<S: SecretStore> Resident<S> {
    /// The app with its server, secret store and data directory.
    pub fn new(siak: SiakClient, secrets: S, dir: StateDir) -> Self {
        Resident {
            siak,
            secrets,
            dir,
            rng: SystemRandom::new(),
            session: tokio::sync::Mutex::new(None),
            pending: tokio::sync::Mutex::new(None),
            opened: std::sync::Mutex::new(None),
        }
    }

    /// The app's data directory.
    pub fn dir(&self) -> &StateDir {
        &self.dir
    }

    /// The SIAK server's address.
    pub fn server(&self) -> &str {
        self.siak.base()
    }

    /// The SIAK client.
    pub fn client(&self) -> &SiakClient {
        &self.siak
    }

    /// Stored state (default when new).
    pub fn state(&self) -> Result<ResidentState, ClientError> {
        Ok(self.dir.load(STATE)?.unwrap_or_default())
    }

    fn save_state(&self, state: &ResidentState) -> Result<(), ClientError> {
        self.dir.save(STATE, state)
    }

    fn opened_slot(&self) -> Result<std::sync::MutexGuard<'_, Option<DeviceSecrets>>, ClientError> {
        self.opened
            .lock()
            .map_err(|_| ClientError::Storage("the unlocked keys' lock is poisoned".into()))
    }

    /// The device's secrets opened by the last unlock (`locked` when there are none).
    fn opened(&self) -> Result<DeviceSecrets, ClientError> {
        self.opened_slot()?
            .clone()
            .ok_or(ClientError::NotReady("locked"))
    }

    /// Keeps (or, with `None`, wipes) the opened secrets.
    fn set_opened(&self, secrets: Option<DeviceSecrets>) -> Result<(), ClientError> {
        *self.opened_slot()? = secrets;
        Ok(())
    }

    /// The key being put on this device by a registration or a device change (PKCS#8), created
    /// on first use. It is not yet bound to a PIN; binding the account seals it and deletes it.
    fn enrolment_pkcs8(&self) -> Result<Zeroizing<Vec<u8>>, ClientError> {
        if let Some(pkcs8) = self.secrets.get(vault::DEVICE_KEY)? {
            return Ok(Zeroizing::new(pkcs8));
        }
        let pkcs8 =
            DeviceSigningKey::generate_pkcs8(&self.rng).map_err(|e| ClientError::invalid(&e))?;
        self.secrets.set(vault::DEVICE_KEY, &pkcs8)?;
        Ok(Zeroizing::new(pkcs8))
    }

    /// The enrolment key ([`Resident::enrolment_pkcs8`]) as a signing key.
    fn enrolment_key(&self) -> Result<DeviceSigningKey, ClientError> {
        DeviceSigningKey::from_pkcs8(&self.enrolment_pkcs8()?).map_err(|e| ClientError::invalid(&e))
    }

    /// This device's signing key, the one accessor of everything that signs as this device:
    /// while unlocked, the key opened with the PIN; before the account is on this device, the
    /// key being enrolled (created on first use); once it is, and the app is locked, `locked`.
    pub fn device_key(&self) -> Result<DeviceSigningKey, ClientError> {
        if let Some(secrets) = self.opened_slot()?.as_ref() {
            return secrets.device_key();
        }
        if self.current_generation()?.is_some() || self.state()?.activated {
            return Err(ClientError::NotReady("locked"));
        }
        self.enrolment_key()
    }
}
