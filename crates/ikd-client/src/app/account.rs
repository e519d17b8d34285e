//! The account screens of an unlocked resident: changing the PIN and releasing the device.

use chrono::{DateTime, Utc};

use super::App;
use crate::storage::SecretStore;
use crate::views::{AppInfo, UiError};

impl<S: SecretStore> App<S> {
    /// Changes the PIN.
    pub async fn change_pin(
        &self,
        old: &str,
        new: &str,
        now: DateTime<Utc>,
    ) -> Result<(), UiError> {
        self.require_unlocked()?;
        self.resident
            .change_pin(old, new, now)
            .await
            .map_err(|e| self.err(e))
    }

    /// Releases this device (Lepas Perangkat): the account can then be activated on another phone.
    pub async fn release_device(&self, pin: &str, now: DateTime<Utc>) -> Result<AppInfo, UiError> {
        self.require_unlocked()?;
        self.resident
            .release_device(pin, now)
            .await
            .map_err(|e| self.err(e))?;
        self.session.set_unlocked(false);
        self.info()
    }
}
