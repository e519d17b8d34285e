//! Registering: the liveness challenge for the selfie, its signed evidence, the registration
//! itself, the status the tracker polls and the registration QR the operator scans (made here,
//! with the device key, for the current 30-second window: no server call).

use chrono::{DateTime, NaiveDate, Utc};
use ikd_core::ChallengeId;
use ikd_core::liveness::LivenessEvidence;
use ikd_core::protocol::{DeviceProof, ProofPurpose, RegistrationQr};
use ikd_core::wire::{
    LivenessChallengeRequest, LivenessChallengeView, LivenessPurpose, RegisterRequest,
    RegistrationView,
};
use ikd_core::{Email, Nik, PhoneNumber};
use ikd_liveness::Capture;

use super::Resident;
use crate::error::ClientError;
use crate::storage::SecretStore;

/// The registration form, each field parsed by the core's rules: what [`Resident::register`]
/// sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    /// The NIK.
    pub nik: Nik,
    /// The email the activation code goes to.
    pub email: Email,
    /// The mobile number.
    pub phone: PhoneNumber,
}

impl Applicant {
    /// The form as typed, checked in the form's order (NIK, email, phone); the first refusal is
    /// the error.
    pub fn parse(
        nik: &str,
        email: &str,
        phone: &str,
        today: NaiveDate,
    ) -> Result<Applicant, ClientError> {
        Ok(Applicant {
            nik: Nik::parse(nik, today).map_err(|e| ClientError::invalid(&e))?,
            email: Email::parse(email).map_err(|e| ClientError::invalid(&e))?,
            phone: PhoneNumber::parse(phone).map_err(|e| ClientError::invalid(&e))?,
        })
    }
}

impl<S: SecretStore> Resident<S> {
    /// Asks the server for a liveness challenge for `nik` and this device.
    pub async fn liveness_challenge(
        &self,
        nik: &Nik,
        purpose: LivenessPurpose,
    ) -> Result<LivenessChallengeView, ClientError> {
        let key = self.enrolment_key()?;
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
        challenge_id: &ChallengeId,
    ) -> Result<Option<LivenessEvidence>, ClientError> {
        Ok(capture.evidence(
            &self.enrolment_key()?,
            nik.as_str(),
            &challenge_id.to_string(),
        ))
    }

    /// Registers this device for `applicant` with the liveness evidence of a challenge with
    /// purpose `register`.
    pub async fn register(
        &self,
        applicant: &Applicant,
        liveness: LivenessEvidence,
    ) -> Result<RegistrationView, ClientError> {
        let Applicant { nik, email, phone } = applicant;
        let key = self.enrolment_key()?;
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
        state.registration_id = Some(view.registration_id);
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

    /// The registration QR to show at `now`: the device key signs the registration id and the
    /// current window, proving to the operator that this phone is present. Made on the phone (it
    /// works offline); `not_registered` without a registration, `already_activated` after it.
    pub fn registration_qr(&self, now: DateTime<Utc>) -> Result<RegistrationQr, ClientError> {
        let state = self.state()?;
        if state.activated {
            return Err(ClientError::NotReady("already_activated"));
        }
        let (Some(id), Some(nik)) = (state.registration_id, state.nik) else {
            return Err(ClientError::NotReady("not_registered"));
        };
        Ok(RegistrationQr::make(&self.device_key()?, &nik, id, now))
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
}
