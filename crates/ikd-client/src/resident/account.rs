//! The account of an unlocked resident: changing the PIN, releasing the device (Lepas
//! Perangkat), the family card (Data Keluarga) and the activity history (Histori Aktivitas).

use chrono::{DateTime, Utc};
use ikd_core::Pin;
use ikd_core::protocol::PinProof;
use ikd_core::wire::{ActivityEntry, ChangePinRequest, FamilyView, ReleaseRequest};

use super::{CREDENTIALS, Resident, STATE};
use crate::error::ClientError;
use crate::storage::SecretStore;

impl<S: SecretStore> Resident<S> {
    /// Changes the PIN: the old one must open the device's sealed keys (counted here) and is
    /// checked by the server (counted there), the new one by the PIN rules. The keys are sealed
    /// with the new PIN under a new generation before the server is asked, and that generation is
    /// put in force once the server agreed; if the answer is lost (offline, timeout), it is kept
    /// so that whichever PIN the server holds opens the keys at the next unlock.
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
        let sign_in = self.open_with_pin(old_pin.expose(), now).await?;
        let secrets = self.opened()?;
        let from = self.current_generation()?;
        let to = from.map_or(1, |g| g + 1);
        self.write_generation(to, &secrets, &new_pin, &nik).await?;
        let changed = async {
            self.login(&sign_in).await?;
            self.siak
                .change_pin(
                    &self.session_auth().await?,
                    &ChangePinRequest {
                        old_pin_proof: sign_in.proof.clone(),
                        new_pin_proof: PinProof::derive(&new_pin, &nik),
                    },
                )
                .await
        }
        .await;
        match changed {
            Ok(()) => self.switch_generation(from, to),
            Err(
                e @ (ClientError::Offline(_)
                | ClientError::Timeout
                | ClientError::ServerDown { .. }),
            ) => Err(e),
            Err(e) => {
                self.discard_generation(to)?;
                Err(e)
            }
        }
    }

    /// Releases this device (Lepas Perangkat) and forgets everything on it.
    pub async fn release_device(&self, pin: &str, now: DateTime<Utc>) -> Result<(), ClientError> {
        let sign_in = self.open_with_pin(pin, now).await?;
        self.login(&sign_in).await?;
        self.siak
            .release_device(
                &self.session_auth().await?,
                &ReleaseRequest {
                    pin_proof: sign_in.proof,
                },
            )
            .await?;
        self.delete_all_secrets()?;
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
