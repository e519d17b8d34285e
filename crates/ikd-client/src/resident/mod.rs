//! The resident's flows, in the order of the service: register → follow the status → activate
//! with the emailed code and a new PIN → unlock with the PIN (offline too) → show the Digital KTP
//! QR → change the PIN → release the device. Every rule is the core's; this module only keeps
//! state, talks to the server and stores secrets.
//!
//! [`Resident`] is one type whose methods are grouped by flow:
//! * `registration`: the liveness challenge and evidence, registering, the registration's status;
//! * `binding`: putting the account on this device — activation and device change share one path;
//! * `unlock`: the PIN checked on the device, the server session, offline unlock and reconnecting;
//! * `credentials`: the sealed cache of credentials, the card's record and the QR's presentation;
//! * `account`: changing the PIN, releasing the device, the family card and the activity history.
//!
//! Text typed by the resident is parsed into the core's types ([`Nik`], [`ikd_core::Email`],
//! [`ikd_core::PhoneNumber`], [`ikd_core::Pin`]) once, where it enters, and passed on as such.

mod account;
mod binding;
mod credentials;
mod registration;
mod unlock;

use chrono::{DateTime, NaiveDate, Utc};
use ikd_core::credential::DeviceSigningKey;
use ikd_core::{Nik, PinAttempts};
use ikd_core::{RecoveryId, RegistrationId};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};

use crate::error::ClientError;
use crate::siak::SiakClient;
use crate::storage::{SecretStore, StateDir};

pub use registration::Applicant;
use unlock::SignIn;

/// Secret-store entry of the device's private key (PKCS#8).
const DEVICE_KEY: &str = "device_key";
/// Secret-store entry of the local PIN verifier.
const LOCAL_PIN: &str = "local_pin_verifier";
/// Secret-store entry of the pepper of the local PIN verifier.
const LOCAL_PEPPER: &str = "local_pin_pepper";
/// Secret-store entry of the key sealing the cached credentials.
const CACHE_KEY: &str = "cache_key";
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
    /// Wrong PINs on this device (offline unlock).
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
}

fn random<const N: usize>(rng: &SystemRandom) -> Result<[u8; N], ClientError> {
    let mut bytes = [0u8; N];
    rng.fill(&mut bytes)
        .map_err(|_| ClientError::Storage("no random source".into()))?;
    Ok(bytes)
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

    /// The secret `name`, created at random on first use.
    fn secret<const N: usize>(&self, name: &str) -> Result<[u8; N], ClientError> {
        if let Some(bytes) = self.secrets.get(name)? {
            return bytes
                .try_into()
                .map_err(|_| ClientError::Storage(format!("{name} has the wrong size")));
        }
        let fresh = random::<N>(&self.rng)?;
        self.secrets.set(name, &fresh)?;
        Ok(fresh)
    }

    /// This device's key, created on first use and kept in the secret store.
    pub fn device_key(&self) -> Result<DeviceSigningKey, ClientError> {
        let pkcs8 = match self.secrets.get(DEVICE_KEY)? {
            Some(pkcs8) => pkcs8,
            None => {
                let pkcs8 = DeviceSigningKey::generate_pkcs8(&self.rng)
                    .map_err(|e| ClientError::invalid(&e))?;
                self.secrets.set(DEVICE_KEY, &pkcs8)?;
                pkcs8
            }
        };
        DeviceSigningKey::from_pkcs8(&pkcs8).map_err(|e| ClientError::invalid(&e))
    }
}
