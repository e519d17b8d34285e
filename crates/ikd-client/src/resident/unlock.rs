//! Unlocking: the PIN is checked on this device first, with the core's lockout policy (so it
//! works offline) — it must open the device's PIN-sealed keys (`vault`), which are then held in
//! memory until the app locks — then the server is asked for a session. An unlock that could not reach the
//! server keeps its [`SignIn`] in memory so [`Resident::reconnect`] can finish it later.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, Utc};
use ikd_core::pin::PinHardLocked;
use ikd_core::protocol::{DeviceProof, PinProof, ProofPurpose};
use ikd_core::wire::LoginRequest;
use ikd_core::{LockoutPolicy, Nik, Pin, PinGate};

use super::{Resident, UnlockOutcome};
use crate::error::ClientError;
use crate::signing::SessionAuth;
use crate::storage::SecretStore;

/// What signs in to the server: the account's NIK and the proof of its PIN.
#[derive(Clone)]
pub(super) struct SignIn {
    pub(super) nik: Nik,
    pub(super) proof: PinProof,
}

impl<S: SecretStore> Resident<S> {
    /// Checks `pin` on this device with the lockout policy (works offline), then, when the server
    /// answers, opens a session and refreshes the credentials.
    pub async fn unlock(
        &self,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<UnlockOutcome, ClientError> {
        let sign_in = self.open_with_pin(pin, now).await?;
        self.go_online(sign_in).await
    }

    async fn go_online(&self, sign_in: SignIn) -> Result<UnlockOutcome, ClientError> {
        let online = match self.login(&sign_in).await {
            Ok(()) => self.refresh_credentials().await.is_ok(),
            Err(
                ClientError::Offline(_) | ClientError::Timeout | ClientError::ServerDown { .. },
            ) => false,
            Err(e) => return Err(e),
        };
        *self.pending.lock().await = if online { None } else { Some(sign_in) };
        self.outcome(online)
    }

    /// After an offline unlock: tries the server again (the network may be back) and refreshes
    /// the credentials. Without a pending offline unlock it reports the current state.
    pub async fn reconnect(&self) -> Result<UnlockOutcome, ClientError> {
        let pending = self.pending.lock().await.clone();
        match pending {
            Some(sign_in) => self.go_online(sign_in).await,
            None => {
                let online = self.session.lock().await.is_some();
                self.outcome(online)
            }
        }
    }

    fn outcome(&self, online: bool) -> Result<UnlockOutcome, ClientError> {
        Ok(UnlockOutcome {
            online,
            credentials_valid_until: self.credentials_valid_until()?,
            stale: !online,
        })
    }

    /// Forgets the session, any pending offline unlock and the opened keys (wiped from memory):
    /// the app went to the background.
    pub async fn lock(&self) {
        *self.session.lock().await = None;
        *self.pending.lock().await = None;
        // A poisoned slot cannot be wiped more than dropping the process would.
        let _ = self.set_opened(None);
    }

    /// Opens the device's sealed keys with `pin`, counting wrong ones with the lockout policy;
    /// the opened keys stay in memory until [`Resident::lock`]. The attempt is counted before the
    /// key derivation, so stopping the app in the middle does not make a free guess.
    pub(super) async fn open_with_pin(
        &self,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<SignIn, ClientError> {
        let mut state = self.state()?;
        if !state.activated {
            return Err(ClientError::NotReady("not_activated"));
        }
        let policy = LockoutPolicy::default();
        let before = self.pin_attempts(&state)?;
        if let PinGate::Locked {
            retry_after_secs, ..
        } = policy.gate(&before, now)
        {
            return Err(ClientError::PinLocked { retry_after_secs });
        }
        let pin = Pin::parse(pin).map_err(|e| ClientError::invalid(&e))?;
        let nik = state.registered_nik(now.date_naive())?;
        let mut counted = before.clone();
        counted.record_failure(now);
        self.save_pin_attempts(&counted)?;
        if let Some(secrets) = self.open_sealed(&pin, &nik, &mut state, &counted).await? {
            let mut attempts = before;
            attempts.record_success(now);
            self.save_pin_attempts(&attempts)?;
            self.set_opened(Some(secrets))?;
            let proof = PinProof::derive(&pin, &nik);
            return Ok(SignIn { nik, proof });
        }
        Err(match policy.gate(&counted, now) {
            PinGate::HardLocked => ClientError::invalid(&PinHardLocked),
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

    /// Opens a server session: the server's challenge signed by this device, with the PIN proof.
    pub(super) async fn login(&self, sign_in: &SignIn) -> Result<(), ClientError> {
        let nik = sign_in.nik.as_str();
        let challenge = self.siak.login_challenge(nik).await?;
        let nonce = B64
            .decode(&challenge.nonce)
            .map_err(|_| ClientError::ServerDown { status: 200 })?;
        let key = self.device_key()?;
        let session = self
            .siak
            .login(&LoginRequest {
                challenge_id: challenge.challenge_id.to_string(),
                device_proof: DeviceProof::sign(&key, ProofPurpose::Login, nik, &nonce).to_string(),
                pin_proof: sign_in.proof.clone(),
            })
            .await?;
        *self.session.lock().await = Some((session.session_token, session.expires_at));
        Ok(())
    }

    /// The open session (`locked` without one) with the device key that signs each request on
    /// it: the one place a request on a session gets the device key.
    pub(super) async fn session_auth(&self) -> Result<SessionAuth, ClientError> {
        let token = self
            .session
            .lock()
            .await
            .as_ref()
            .map(|(t, _)| t.clone())
            .ok_or(ClientError::NotReady("locked"))?;
        Ok(SessionAuth::new(token, self.device_key()?))
    }
}
