//! The resident's flows, in the order of the service: register → follow the status → activate
//! with the emailed code and a new PIN → unlock with the PIN (offline too) → show the Digital KTP
//! QR → change the PIN → release the device. Every rule is the core's; this module only keeps
//! state, talks to the server and stores secrets.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, Utc};
use ikd_core::credential::{
    Credential, DeviceSigningKey, Presentation, Profile, make_presentation,
};
use ikd_core::protocol::{ActivationCode, DeviceProof, PinProof, PinVerifier, ProofPurpose};
use ikd_core::wire::{
    ActivateRequest, ActivityEntry, ChangePinRequest, FamilyView, LivenessChallengeRequest,
    LivenessChallengeView, LivenessPurpose, LoginRequest, RecoveryConfirmRequest, RecoveryRequest,
    RegisterRequest, RegistrationView, ReleaseRequest,
};
use ikd_core::{Email, LockoutPolicy, Nik, PhoneNumber, Pin, PinAttempts, PinGate};
use ikd_liveness::{Capture, LivenessEvidence};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};

use crate::error::ClientError;
use crate::siak::SiakClient;
use crate::storage::{SecretStore, StateDir};

const DEVICE_KEY: &str = "device_key";
const LOCAL_PIN: &str = "local_pin_verifier";
const LOCAL_PEPPER: &str = "local_pin_pepper";
const CACHE_KEY: &str = "cache_key";
const STATE: &str = "state";
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
    pub registration_id: Option<String>,
    /// Active on this device.
    pub activated: bool,
    /// Wrong PINs on this device (offline unlock).
    pub local_pin: PinAttempts,
    /// A device change or PIN reset waiting for its emailed code.
    #[serde(default)]
    pub recovery: Option<PendingRecovery>,
}

/// A device change waiting for the emailed code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PendingRecovery {
    /// The server's recovery id.
    pub id: String,
    /// Where the code went, partly hidden.
    pub email_hint: String,
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
}

/// A cached credential (sealed on disk).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedCredential {
    profile: Profile,
    credential: String,
    valid_until: DateTime<Utc>,
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
    /// The PIN proof of an unlock that could not reach the server, kept in memory only until the
    /// network returns ([`Resident::reconnect`]) or the app locks.
    pending: tokio::sync::Mutex<Option<PinProof>>,
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

    fn nik(&self, today: chrono::NaiveDate) -> Result<Nik, ClientError> {
        let state = self.state()?;
        let nik = state.nik.ok_or(ClientError::NotReady("not_registered"))?;
        Nik::parse(&nik, today).map_err(|e| ClientError::invalid(&e))
    }

    /// Asks the server for a liveness challenge for `nik` and this device.
    pub async fn liveness_challenge(
        &self,
        nik: &Nik,
        purpose: LivenessPurpose,
    ) -> Result<LivenessChallengeView, ClientError> {
        let key = self.device_key()?;
        self.siak
            .liveness_challenge(&LivenessChallengeRequest {
                nik: nik.as_str().to_owned(),
                device_public_key: key.public_key().to_base64url(),
                purpose,
            })
            .await
    }

    /// The signed evidence of a finished capture (`None` while the actions are not all made).
    pub fn evidence(
        &self,
        capture: &Capture,
        nik: &Nik,
        challenge_id: &str,
    ) -> Result<Option<LivenessEvidence>, ClientError> {
        Ok(capture.evidence(&self.device_key()?, nik.as_str(), challenge_id))
    }

    /// Registers this device for `nik` with `email` and `phone` (each checked by the core first)
    /// and the liveness evidence of a challenge with purpose `register`.
    pub async fn register(
        &self,
        nik: &str,
        email: &str,
        phone: &str,
        liveness: LivenessEvidence,
        now: DateTime<Utc>,
    ) -> Result<RegistrationView, ClientError> {
        let nik = Nik::parse(nik, now.date_naive()).map_err(|e| ClientError::invalid(&e))?;
        let email = Email::parse(email).map_err(|e| ClientError::invalid(&e))?;
        let phone = PhoneNumber::parse(phone).map_err(|e| ClientError::invalid(&e))?;
        let key = self.device_key()?;
        let challenge = format!("{}\n{}", email.as_str(), phone.e164());
        let request = RegisterRequest {
            nik: nik.as_str().to_owned(),
            email: email.as_str().to_owned(),
            phone: phone.e164().to_owned(),
            device_public_key: key.public_key().to_base64url(),
            device_proof: DeviceProof::sign(
                &key,
                ProofPurpose::Register,
                nik.as_str(),
                challenge.as_bytes(),
            )
            .to_string(),
            liveness: Some(liveness),
        };
        // Remember what was typed before sending: going back never loses a half-done registration.
        let mut state = self.state()?;
        state.nik = Some(nik.as_str().to_owned());
        state.email = Some(email.as_str().to_owned());
        state.phone = Some(phone.e164().to_owned());
        self.save_state(&state)?;
        let view = self.siak.register(&request).await?;
        state.registration_id = Some(view.registration_id.clone());
        self.save_state(&state)?;
        Ok(view)
    }

    /// The current state of the registration (the status tracker polls this).
    pub async fn registration_status(&self) -> Result<RegistrationView, ClientError> {
        let id = self
            .state()?
            .registration_id
            .ok_or(ClientError::NotReady("not_registered"))?;
        self.siak.registration(&id).await
    }

    /// Activates with the emailed `code` and a new `pin` (checked against the PIN rules).
    pub async fn activate(
        &self,
        code: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ClientError> {
        let code = ActivationCode::parse(code).map_err(|e| ClientError::invalid(&e))?;
        let nik = self.nik(now.date_naive())?;
        let pin = Pin::parse_new(pin, &nik).map_err(|e| ClientError::invalid(&e))?;
        let state = self.state()?;
        let id = state
            .registration_id
            .clone()
            .ok_or(ClientError::NotReady("not_registered"))?;
        let key = self.device_key()?;
        let proof = PinProof::derive(&pin, &nik);
        let session = self
            .siak
            .activate(&ActivateRequest {
                registration_id: id.clone(),
                nik: nik.as_str().to_owned(),
                code: code.as_str().to_owned(),
                device_proof: DeviceProof::sign(
                    &key,
                    ProofPurpose::Activate,
                    nik.as_str(),
                    id.as_bytes(),
                )
                .to_string(),
                pin_proof: proof.clone(),
            })
            .await?;
        self.bound_here(state, &proof, session).await?;
        Ok(())
    }

    /// Starts a device change or PIN reset: the NIK, the account's email and the evidence of a
    /// challenge with purpose `recover`; the server mails a code.
    pub async fn recover_start(
        &self,
        nik: &str,
        email: &str,
        liveness: LivenessEvidence,
        now: DateTime<Utc>,
    ) -> Result<PendingRecovery, ClientError> {
        let nik = Nik::parse(nik, now.date_naive()).map_err(|e| ClientError::invalid(&e))?;
        let email = Email::parse(email).map_err(|e| ClientError::invalid(&e))?;
        let key = self.device_key()?;
        let view = self
            .siak
            .recovery_start(&RecoveryRequest {
                nik: nik.as_str().to_owned(),
                email: email.as_str().to_owned(),
                device_public_key: key.public_key().to_base64url(),
                liveness,
            })
            .await?;
        let pending = PendingRecovery {
            id: view.recovery_id,
            email_hint: view.email_hint,
            expires_at: view.expires_at,
        };
        let mut state = self.state()?;
        state.nik = Some(nik.as_str().to_owned());
        state.email = Some(email.as_str().to_owned());
        state.recovery = Some(pending.clone());
        self.save_state(&state)?;
        Ok(pending)
    }

    /// Finishes a device change with the emailed `code` and a new `pin`: the account is now on
    /// this device, unlocked, with fresh credentials.
    pub async fn recover_confirm(
        &self,
        code: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ClientError> {
        let code = ActivationCode::parse(code).map_err(|e| ClientError::invalid(&e))?;
        let nik = self.nik(now.date_naive())?;
        let pin = Pin::parse_new(pin, &nik).map_err(|e| ClientError::invalid(&e))?;
        let mut state = self.state()?;
        let id = state
            .recovery
            .as_ref()
            .map(|r| r.id.clone())
            .ok_or(ClientError::NotReady("no_recovery"))?;
        let key = self.device_key()?;
        let proof = PinProof::derive(&pin, &nik);
        let session = self
            .siak
            .recovery_confirm(
                &id,
                &RecoveryConfirmRequest {
                    nik: nik.as_str().to_owned(),
                    code: code.as_str().to_owned(),
                    device_proof: DeviceProof::sign(
                        &key,
                        ProofPurpose::Activate,
                        nik.as_str(),
                        id.as_bytes(),
                    )
                    .to_string(),
                    pin_proof: proof.clone(),
                },
            )
            .await?;
        state.recovery = None;
        state.registration_id = None;
        self.bound_here(state, &proof, session).await?;
        Ok(())
    }

    /// The account is now on this device (activation or device change): the local PIN verifier,
    /// the state, the session and fresh credentials.
    async fn bound_here(
        &self,
        mut state: ResidentState,
        proof: &PinProof,
        session: ikd_core::wire::SessionView,
    ) -> Result<(), ClientError> {
        self.store_local_pin(proof)?;
        state.activated = true;
        state.local_pin = PinAttempts::default();
        self.save_state(&state)?;
        *self.session.lock().await = Some((session.session_token, session.expires_at));
        self.refresh_credentials().await
    }

    fn store_local_pin(&self, proof: &PinProof) -> Result<(), ClientError> {
        let pepper: [u8; 32] = self.secret(LOCAL_PEPPER)?;
        let verifier = PinVerifier::derive(proof, random(&self.rng)?, &pepper);
        let bytes =
            serde_json::to_vec(&verifier).map_err(|e| ClientError::Storage(e.to_string()))?;
        self.secrets.set(LOCAL_PIN, &bytes)
    }

    /// Checks `pin` on this device with the lockout policy (works offline), then, when the server
    /// answers, opens a session and refreshes the credentials.
    pub async fn unlock(
        &self,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<UnlockOutcome, ClientError> {
        let proof = self.check_local_pin(pin, now)?;
        self.go_online(proof).await
    }

    async fn go_online(&self, proof: PinProof) -> Result<UnlockOutcome, ClientError> {
        let online = match self.login(&proof).await {
            Ok(()) => self.refresh_credentials().await.is_ok(),
            Err(
                ClientError::Offline(_) | ClientError::Timeout | ClientError::ServerDown { .. },
            ) => false,
            Err(e) => return Err(e),
        };
        *self.pending.lock().await = if online { None } else { Some(proof) };
        Ok(UnlockOutcome {
            online,
            credentials_valid_until: self.credentials_valid_until()?,
            stale: !online,
        })
    }

    /// After an offline unlock: tries the server again (the network may be back) and refreshes
    /// the credentials. Without a pending offline unlock it reports the current state.
    pub async fn reconnect(&self) -> Result<UnlockOutcome, ClientError> {
        let pending = self.pending.lock().await.clone();
        match pending {
            Some(proof) => self.go_online(proof).await,
            None => {
                let online = self.session.lock().await.is_some();
                Ok(UnlockOutcome {
                    online,
                    credentials_valid_until: self.credentials_valid_until()?,
                    stale: !online,
                })
            }
        }
    }

    /// Forgets the session and any pending offline unlock (the app went to the background).
    pub async fn lock(&self) {
        *self.session.lock().await = None;
        *self.pending.lock().await = None;
    }

    /// When the saved credentials stop being valid (the earliest of them).
    pub fn credentials_valid_until(&self) -> Result<Option<DateTime<Utc>>, ClientError> {
        Ok(self.cached()?.iter().map(|c| c.valid_until).min())
    }

    /// The saved credential of `profile`, decoded (the card screen reads the `full` one).
    pub fn saved_credential(&self, profile: Profile) -> Result<Credential, ClientError> {
        let cached = self
            .cached()?
            .into_iter()
            .find(|c| c.profile == profile)
            .ok_or(ClientError::NotReady("no_credentials"))?;
        Credential::from_base64url(&cached.credential).map_err(|e| ClientError::invalid(&e))
    }

    /// Drops a finished (rejected) registration so the resident can register again; what was
    /// typed stays.
    pub fn forget_registration(&self) -> Result<(), ClientError> {
        let mut state = self.state()?;
        if state.activated {
            return Err(ClientError::NotReady("already_activated"));
        }
        state.registration_id = None;
        self.save_state(&state)
    }

    fn check_local_pin(&self, pin: &str, now: DateTime<Utc>) -> Result<PinProof, ClientError> {
        let mut state = self.state()?;
        if !state.activated {
            return Err(ClientError::NotReady("not_activated"));
        }
        let policy = LockoutPolicy::default();
        if let PinGate::Locked {
            retry_after_secs, ..
        } = policy.gate(&state.local_pin, now)
        {
            return Err(ClientError::PinLocked { retry_after_secs });
        }
        let pin = Pin::parse(pin).map_err(|e| ClientError::invalid(&e))?;
        let proof = PinProof::derive(&pin, &self.nik(now.date_naive())?);
        let stored = self
            .secrets
            .get(LOCAL_PIN)?
            .ok_or(ClientError::NotReady("not_activated"))?;
        let verifier: PinVerifier =
            serde_json::from_slice(&stored).map_err(|e| ClientError::Storage(e.to_string()))?;
        let pepper: [u8; 32] = self.secret(LOCAL_PEPPER)?;
        if verifier.matches(&proof, &pepper) {
            state.local_pin.record_success(now);
            self.save_state(&state)?;
            Ok(proof)
        } else {
            state.local_pin.record_failure(now);
            self.save_state(&state)?;
            Err(match policy.gate(&state.local_pin, now) {
                PinGate::Locked {
                    retry_after_secs, ..
                } => ClientError::PinLocked { retry_after_secs },
                PinGate::Open {
                    attempts_before_lock,
                } => ClientError::Invalid {
                    code: "pin_wrong",
                    message_id: format!(
                        "PIN salah. Sisa percobaan sebelum dikunci sementara: {attempts_before_lock}."
                    ),
                    message_en: format!(
                        "Wrong PIN. Attempts left before a temporary lock: {attempts_before_lock}."
                    ),
                },
            })
        }
    }

    async fn login(&self, proof: &PinProof) -> Result<(), ClientError> {
        let nik = self
            .state()?
            .nik
            .ok_or(ClientError::NotReady("not_registered"))?;
        let challenge = self.siak.login_challenge(&nik).await?;
        let nonce = B64
            .decode(&challenge.nonce)
            .map_err(|_| ClientError::ServerDown { status: 200 })?;
        let key = self.device_key()?;
        let session = self
            .siak
            .login(&LoginRequest {
                challenge_id: challenge.challenge_id,
                device_proof: DeviceProof::sign(&key, ProofPurpose::Login, &nik, &nonce)
                    .to_string(),
                pin_proof: proof.clone(),
            })
            .await?;
        *self.session.lock().await = Some((session.session_token, session.expires_at));
        Ok(())
    }

    async fn token(&self) -> Result<String, ClientError> {
        self.session
            .lock()
            .await
            .as_ref()
            .map(|(t, _)| t.clone())
            .ok_or(ClientError::NotReady("locked"))
    }

    /// Fetches fresh credentials for every profile and caches them sealed.
    pub async fn refresh_credentials(&self) -> Result<(), ClientError> {
        let issued = self.siak.credentials(&self.token().await?).await?;
        let cached: Vec<CachedCredential> = issued
            .into_iter()
            .map(|c| CachedCredential {
                profile: c.profile,
                credential: c.credential,
                valid_until: c.valid_until,
            })
            .collect();
        self.dir
            .save_sealed(CREDENTIALS, &cached, &self.secret(CACHE_KEY)?)
    }

    fn cached(&self) -> Result<Vec<CachedCredential>, ClientError> {
        Ok(self
            .dir
            .load_sealed(CREDENTIALS, &self.secret(CACHE_KEY)?)?
            .unwrap_or_default())
    }

    /// A fresh presentation of `profile` for the QR (valid 90 s), from the cached credential.
    pub fn present(
        &self,
        profile: Profile,
        now: DateTime<Utc>,
    ) -> Result<Presentation, ClientError> {
        let cached = self
            .cached()?
            .into_iter()
            .find(|c| c.profile == profile)
            .ok_or(ClientError::NotReady("no_credentials"))?;
        if cached.valid_until <= now {
            return Err(ClientError::NotReady("credentials_expired"));
        }
        let credential =
            Credential::from_base64url(&cached.credential).map_err(|e| ClientError::invalid(&e))?;
        make_presentation(&credential, &self.device_key()?, now, None)
            .map_err(|e| ClientError::invalid(&e))
    }

    /// Changes the PIN: the old one is checked by the server (and counted), the new one by the
    /// PIN rules; the local verifier follows.
    pub async fn change_pin(
        &self,
        old: &str,
        new: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ClientError> {
        let nik = self.nik(now.date_naive())?;
        let old_pin = Pin::parse(old).map_err(|e| ClientError::invalid(&e))?;
        let new_pin =
            Pin::parse_change(new, &nik, &old_pin).map_err(|e| ClientError::invalid(&e))?;
        let old_proof = PinProof::derive(&old_pin, &nik);
        let new_proof = PinProof::derive(&new_pin, &nik);
        self.login(&old_proof).await?;
        self.siak
            .change_pin(
                &self.token().await?,
                &ChangePinRequest {
                    old_pin_proof: old_proof,
                    new_pin_proof: new_proof.clone(),
                },
            )
            .await?;
        self.store_local_pin(&new_proof)
    }

    /// Releases this device (Lepas Perangkat) and forgets everything on it.
    pub async fn release_device(&self, pin: &str, now: DateTime<Utc>) -> Result<(), ClientError> {
        let proof = self.check_local_pin(pin, now)?;
        self.login(&proof).await?;
        self.siak
            .release_device(&self.token().await?, &ReleaseRequest { pin_proof: proof })
            .await?;
        for name in [DEVICE_KEY, LOCAL_PIN, LOCAL_PEPPER, CACHE_KEY] {
            self.secrets.delete(name)?;
        }
        self.dir.remove(CREDENTIALS)?;
        self.dir.remove(STATE)?;
        self.lock().await;
        Ok(())
    }

    /// Data Keluarga (needs an unlocked, online session).
    pub async fn family(&self) -> Result<FamilyView, ClientError> {
        self.siak.family(&self.token().await?).await
    }

    /// Histori Aktivitas (needs an unlocked, online session).
    pub async fn activity(&self) -> Result<Vec<ActivityEntry>, ClientError> {
        self.siak.activity(&self.token().await?).await
    }
}
