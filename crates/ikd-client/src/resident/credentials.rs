//! The credentials of every profile, fetched after each sign-in and cached sealed (with the
//! cache key, itself sealed with the PIN and opened by an unlock), so the card and the QR work
//! offline — and only once the PIN was entered. A cached credential is looked up
//! in one place, [`Resident::cached_of`].

use chrono::{DateTime, Utc};
use ikd_core::credential::{Credential, Presentation, Profile, make_presentation};
use serde::{Deserialize, Serialize};

use super::{CREDENTIALS, Resident};
use crate::error::ClientError;
use crate::storage::SecretStore;

/// A cached credential (sealed on disk).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CachedCredential {
    profile: Profile,
    credential: String,
    valid_until: DateTime<Utc>,
}

impl CachedCredential {
    fn decode(&self) -> Result<Credential, ClientError> {
        Credential::from_base64url(&self.credential).map_err(|e| ClientError::invalid(&e))
    }
}

impl<S: SecretStore> Resident<S> {
    /// Fetches fresh credentials for every profile and caches them sealed.
    pub async fn refresh_credentials(&self) -> Result<(), ClientError> {
        let issued = self.siak.credentials(&self.session_auth().await?).await?;
        let cached: Vec<CachedCredential> = issued
            .into_iter()
            .map(|c| CachedCredential {
                profile: c.profile,
                credential: c.credential,
                valid_until: c.valid_until,
            })
            .collect();
        self.dir
            .save_sealed(CREDENTIALS, &cached, self.opened()?.cache_key())
    }

    fn cached(&self) -> Result<Vec<CachedCredential>, ClientError> {
        Ok(self
            .dir
            .load_sealed(CREDENTIALS, self.opened()?.cache_key())?
            .unwrap_or_default())
    }

    /// The cached credential of `profile` (`no_credentials` without one).
    fn cached_of(&self, profile: Profile) -> Result<CachedCredential, ClientError> {
        self.cached()?
            .into_iter()
            .find(|c| c.profile == profile)
            .ok_or(ClientError::NotReady("no_credentials"))
    }

    /// When the saved credentials stop being valid (the earliest of them).
    pub fn credentials_valid_until(&self) -> Result<Option<DateTime<Utc>>, ClientError> {
        Ok(self.cached()?.iter().map(|c| c.valid_until).min())
    }

    /// The saved credential of `profile`, decoded (the card screen reads the `full` one).
    pub fn saved_credential(&self, profile: Profile) -> Result<Credential, ClientError> {
        self.cached_of(profile)?.decode()
    }

    /// A fresh presentation of `profile` for the QR (valid 90 s), from the cached credential.
    pub fn present(
        &self,
        profile: Profile,
        now: DateTime<Utc>,
    ) -> Result<Presentation, ClientError> {
        let cached = self.cached_of(profile)?;
        if cached.valid_until <= now {
            return Err(ClientError::NotReady("credentials_expired"));
        }
        make_presentation(&cached.decode()?, &self.device_key()?, now, None)
            .map_err(|e| ClientError::invalid(&e))
    }
}
