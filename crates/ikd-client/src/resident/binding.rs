//! Putting the account on this device. Activation (the registration's emailed code) and a device
//! change (the recovery's emailed code, after a selfie) end the same way: a new PIN checked by the
//! core, a device proof over the server's id by the key being enrolled, a session, the device
//! key and a new cache key sealed with the new PIN (the plain enrolment key is then deleted), and
//! fresh credentials. Both go through [`Resident::bind`].

use chrono::{DateTime, Utc};
use ikd_core::credential::DeviceSigningKey;
use ikd_core::liveness::LivenessEvidence;
use ikd_core::protocol::{ActivationCode, DeviceProof, PinProof, ProofPurpose};
use ikd_core::wire::{ActivateRequest, RecoveryConfirmRequest, RecoveryRequest};
use ikd_core::{Email, Nik, Pin, PinAttempts};

use super::vault::DEVICE_KEY;
use super::{PendingRecovery, Resident, random};
use crate::error::ClientError;
use crate::pin_key::DeviceSecrets;
use crate::storage::SecretStore;

/// Which emailed code puts the account on this device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Binding {
    /// The activation code of the registration followed on this device.
    Activation,
    /// The code of the device change started on this device.
    DeviceChange,
}

impl<S: SecretStore> Resident<S> {
    /// Activates with the emailed `code` and a new `pin` (checked against the PIN rules).
    pub async fn activate(
        &self,
        code: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ClientError> {
        self.bind(Binding::Activation, code, pin, now).await
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
        self.bind(Binding::DeviceChange, code, pin, now).await
    }

    /// The one path of [`Resident::activate`] and [`Resident::recover_confirm`].
    async fn bind(
        &self,
        binding: Binding,
        code: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ClientError> {
        let code = ActivationCode::parse(code).map_err(|e| ClientError::invalid(&e))?;
        let mut state = self.state()?;
        let nik = state.registered_nik(now.date_naive())?;
        let pin = Pin::parse_new(pin, &nik).map_err(|e| ClientError::invalid(&e))?;
        // The device proof signs the id as text (its 32 hex digits).
        let id = match binding {
            Binding::Activation => state
                .registration_id
                .map(|id| id.to_string())
                .ok_or(ClientError::NotReady("not_registered"))?,
            Binding::DeviceChange => state
                .recovery
                .as_ref()
                .map(|r| r.id.to_string())
                .ok_or(ClientError::NotReady("no_recovery"))?,
        };
        let pkcs8 = self.enrolment_pkcs8()?;
        let key = DeviceSigningKey::from_pkcs8(&pkcs8).map_err(|e| ClientError::invalid(&e))?;
        let proof = PinProof::derive(&pin, &nik);
        let device_proof =
            DeviceProof::sign(&key, ProofPurpose::Activate, nik.as_str(), id.as_bytes())
                .to_string();
        let session = match binding {
            Binding::Activation => {
                self.siak
                    .activate(&ActivateRequest {
                        registration_id: id,
                        nik: nik.as_str().to_owned(),
                        code: code.as_str().to_owned(),
                        device_proof,
                        pin_proof: proof.clone(),
                    })
                    .await?
            }
            Binding::DeviceChange => {
                let recovery = state
                    .recovery
                    .as_ref()
                    .map(|r| r.id)
                    .ok_or(ClientError::NotReady("no_recovery"))?;
                let session = self
                    .siak
                    .recovery_confirm(
                        &recovery,
                        &RecoveryConfirmRequest {
                            nik: nik.as_str().to_owned(),
                            code: code.as_str().to_owned(),
                            device_proof,
                            pin_proof: proof.clone(),
                        },
                    )
                    .await?;
                state.recovery = None;
                state.registration_id = None;
                session
            }
        };
        // A new cache key: credentials cached for another key or account are not carried over.
        let secrets = DeviceSecrets::new(pkcs8.to_vec(), random(&self.rng)?);
        // The counter first: once sealed keys exist, a missing counter is refused.
        self.save_pin_attempts(&PinAttempts::default())?;
        self.seal_with_pin(&secrets, &pin, &nik).await?;
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
