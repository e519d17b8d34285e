//! The account of an unlocked resident: changing the PIN, releasing the device (Lepas
//! Perangkat), the family card (Data Keluarga) and the activity history (Histori Aktivitas).

use chrono::{DateTime, Utc};
use ikd_core::Pin;
use ikd_core::protocol::PinProof;
use ikd_core::wire::{ActivityEntry, ChangePinRequest, FamilyView, ReleaseRequest};

use super::unlock::SignIn;
use super::{CACHE_KEY, CREDENTIALS, DEVICE_KEY, LOCAL_PEPPER, LOCAL_PIN, Resident, STATE};
use crate::error::ClientError;
use crate::storage::SecretStore;

impl<S: SecretStore> Resident<S> {
    /// Changes the PIN: the old one is checked by the server (and counted), the new one by the
    /// PIN rules; the local verifier follows.
    pub async fn change_pin(
        &self,
        old: &str,
        new: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ClientError> {
        let nik = self.state()?.registered_nik(now.date_naive())?;
        let old_pin = Pin::parse(old).map_err(|e| ClientError::invalid(&e))?;
        let new_pin =
            Pin::parse_change(new, &nik, &old_pin).map_err(|e| ClientError::invalid(&e))?;
        let old_proof = PinProof::derive(&old_pin, &nik);
        let new_proof = PinProof::derive(&new_pin, &nik);
        self.login(&SignIn {
            nik,
            proof: old_proof.clone(),
        })
        .await?;
        self.siak
            .change_pin(
                &self.session_auth().await?,
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
        let sign_in = self.check_local_pin(pin, now)?;
        self.login(&sign_in).await?;
        self.siak
            .release_device(
                &self.session_auth().await?,
                &ReleaseRequest {
                    pin_proof: sign_in.proof,
                },
            )
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
        self.siak.family(&self.session_auth().await?).await
    }

    /// Histori Aktivitas (needs an unlocked, online session).
    pub async fn activity(&self) -> Result<Vec<ActivityEntry>, ClientError> {
        self.siak.activity(&self.session_auth().await?).await
    }
}
