//! Putting the account on this device. Activation (the registration's emailed code) and a device
//! change (the recovery's emailed code, after a selfie) end the same way: a new PIN checked by the
//! core, a device proof over the server's id by the key being enrolled, a session, the device
//! key and a new cache key sealed with the new PIN (the plain enrolment key is then deleted), and
//! fresh credentials ([`Resident::finish_binding`]). A device change first waits: the confirmed
//! code starts the server's waiting period, and the account moves only when the new PIN completes
//! it after that (until then the server answers `device_change_waiting` with the time, and the old
//! phone can cancel it: [`Resident::device_change_pending`], [`Resident::cancel_device_change`]).

use chrono::{DateTime, Utc};
use ikd_core::credential::DeviceSigningKey;
use ikd_core::device_change::{
    DeviceChangeView, PendingDeviceChange, complete_challenge, status_challenge,
};
use ikd_core::liveness::LivenessEvidence;
use ikd_core::protocol::{ActivationCode, DeviceProof, PinProof, ProofPurpose};
use ikd_core::wire::{
    ActivateRequest, RecoveryCompleteRequest, RecoveryConfirmRequest, RecoveryRequest, SessionView,
};
use ikd_core::{Email, Nik, Pin, PinAttempts};

use super::vault::DEVICE_KEY;
use super::{PendingRecovery, Resident, ResidentState, random};
use crate::error::ClientError;
use crate::pin_key::DeviceSecrets;
use crate::storage::SecretStore;

impl<S: SecretStore> Resident<S> {
    /// Activates with the emailed `code` and a new `pin` (checked against the PIN rules).
    pub async fn activate(
        &self,
        code: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ClientError> {
        let code = ActivationCode::parse(code).map_err(|e| ClientError::invalid(&e))?;
        let state = self.state()?;
        let nik = state.registered_nik(now.date_naive())?;
        let pin = Pin::parse_new(pin, &nik).map_err(|e| ClientError::invalid(&e))?;
        // The device proof signs the id as text (its 32 hex digits).
        let id = state
            .registration_id
            .map(|id| id.to_string())
            .ok_or(ClientError::NotReady("not_registered"))?;
        let pkcs8 = self.enrolment_pkcs8()?;
        let key = DeviceSigningKey::from_pkcs8(&pkcs8).map_err(|e| ClientError::invalid(&e))?;
        let proof = PinProof::derive(&pin, &nik);
        let device_proof =
            DeviceProof::sign(&key, ProofPurpose::Activate, nik.as_str(), id.as_bytes())
                .to_string();
        let session = self
            .siak
            .activate(&ActivateRequest {
                registration_id: id,
                nik: nik.as_str().to_owned(),
                code: code.as_str().to_owned(),
                device_proof,
                pin_proof: proof.clone(),
            })
            .await?;
        self.finish_binding(state, session, &pin, &nik, &pkcs8)
            .await
    }

    /// Starts a device change or PIN reset: the NIK, the account's email and the evidence of a
    /// challenge with purpose `recover`; the server mails a code.
    pub async fn recover_start(
        &self,
        nik: &Nik,
        email: &Email,
        liveness: LivenessEvidence,
    ) -> Result<PendingRecovery, ClientError> {
        let key = self.enrolment_key()?;
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
            completes_at: None,
        };
        let mut state = self.state()?;
        state.nik = Some(nik.as_str().to_owned());
        state.email = Some(email.as_str().to_owned());
        state.recovery = Some(pending.clone());
        self.save_state(&state)?;
        Ok(pending)
    }

    /// Confirms the device change started on this phone with the emailed `code`: the server's
    /// waiting period starts (the answer says until when); nothing moves yet.
    pub async fn recover_confirm(
        &self,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<DeviceChangeView, ClientError> {
        let code = ActivationCode::parse(code).map_err(|e| ClientError::invalid(&e))?;
        let mut state = self.state()?;
        let nik = state.registered_nik(now.date_naive())?;
        let id = state
            .recovery
            .as_ref()
            .map(|r| r.id)
            .ok_or(ClientError::NotReady("no_recovery"))?;
        let id_text = id.to_string();
        let device_proof = DeviceProof::sign(
            &self.enrolment_key()?,
            ProofPurpose::Activate,
            nik.as_str(),
            id_text.as_bytes(),
        )
        .to_string();
        let view = self
            .siak
            .recovery_confirm(
                &id,
                &RecoveryConfirmRequest {
                    nik: nik.as_str().to_owned(),
                    code: code.as_str().to_owned(),
                    device_proof,
                },
            )
            .await?;
        if let Some(r) = state.recovery.as_mut() {
            r.completes_at = Some(view.completes_at);
        }
        self.save_state(&state)?;
        Ok(view)
    }

    /// Where the confirmed device change stands (a poll signed by this phone's key at `now`).
    pub async fn recover_status(
        &self,
        now: DateTime<Utc>,
    ) -> Result<DeviceChangeView, ClientError> {
        let mut state = self.state()?;
        let nik = state.registered_nik(now.date_naive())?;
        let id = state
            .recovery
            .as_ref()
            .filter(|r| r.completes_at.is_some())
            .map(|r| r.id)
            .ok_or(ClientError::NotReady("no_recovery"))?;
        let secs = now.timestamp();
        let proof = DeviceProof::sign(
            &self.enrolment_key()?,
            ProofPurpose::Activate,
            nik.as_str(),
            &status_challenge(&id, secs),
        );
        let view = self
            .siak
            .recovery_status(&id, &format!("{secs}.{proof}"))
            .await?;
        if let Some(r) = state.recovery.as_mut() {
            r.completes_at = Some(view.completes_at);
        }
        self.save_state(&state)?;
        Ok(view)
    }

    /// Completes the confirmed device change with a new `pin` once the wait is over: the account
    /// is then on this device, unlocked, with fresh credentials. Before, the server refuses with
    /// `device_change_waiting` (and the time); after a cancel with `device_change_cancelled`.
    pub async fn recover_complete(&self, pin: &str, now: DateTime<Utc>) -> Result<(), ClientError> {
        let mut state = self.state()?;
        let nik = state.registered_nik(now.date_naive())?;
        let pin = Pin::parse_new(pin, &nik).map_err(|e| ClientError::invalid(&e))?;
        let id = state
            .recovery
            .as_ref()
            .filter(|r| r.completes_at.is_some())
            .map(|r| r.id)
            .ok_or(ClientError::NotReady("no_recovery"))?;
        let pkcs8 = self.enrolment_pkcs8()?;
        let key = DeviceSigningKey::from_pkcs8(&pkcs8).map_err(|e| ClientError::invalid(&e))?;
        let proof = PinProof::derive(&pin, &nik);
        let device_proof = DeviceProof::sign(
            &key,
            ProofPurpose::Activate,
            nik.as_str(),
            &complete_challenge(&id),
        )
        .to_string();
        let request = RecoveryCompleteRequest {
            nik: nik.as_str().to_owned(),
            device_proof,
            pin_proof: proof.clone(),
        };
        let session = self.siak.recovery_complete(&id, &request).await?;
        state.recovery = None;
        state.registration_id = None;
        self.finish_binding(state, session, &pin, &nik, &pkcs8)
            .await
    }

    /// The device change waiting on this (old) phone's account, if any: the server tells it on
    /// the next contact, with when it completes.
    pub async fn device_change_pending(&self) -> Result<Option<PendingDeviceChange>, ClientError> {
        let auth = self.session_auth().await?;
        Ok(self.siak.my_device_change(&auth).await?.pending)
    }

    /// Cancels, for good, the device change waiting on this (old) phone's account.
    pub async fn cancel_device_change(&self) -> Result<(), ClientError> {
        let auth = self.session_auth().await?;
        self.siak.cancel_device_change(&auth).await
    }

    /// The one end of activation and device change: the enrolled key and a new cache key sealed
    /// with the new PIN (credentials cached for another key or account are not carried over), the
    /// plain enrolment key deleted, the state saved as active, the session kept and fresh
    /// credentials fetched.
    async fn finish_binding(
        &self,
        mut state: ResidentState,
        session: SessionView,
        pin: &Pin,
        nik: &Nik,
        pkcs8: &[u8],
    ) -> Result<(), ClientError> {
        let secrets = DeviceSecrets::new(pkcs8.to_vec(), random(&self.rng)?);
        // The counter first: once sealed keys exist, a missing counter is refused.
        self.save_pin_attempts(&PinAttempts::default())?;
        self.seal_with_pin(&secrets, pin, nik).await?;
        self.secrets.delete(DEVICE_KEY)?;
        self.delete_legacy_leftovers()?;
        state.activated = true;
        state.local_pin = PinAttempts::default();
        self.save_state(&state)?;
        self.set_opened(Some(secrets))?;
        *self.session.lock().await = Some((session.session_token, session.expires_at));
        self.refresh_credentials().await
    }
}
