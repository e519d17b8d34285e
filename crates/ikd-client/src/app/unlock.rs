//! The unlock screen and the lock: the PIN (checked on the device first, so offline too), going
//! to the background, and trying the server again once the network is back.

use chrono::{DateTime, Utc};
use ikd_core::i18n::stale_notice;

use super::{App, rfc3339};
use crate::resident::UnlockOutcome;
use crate::storage::SecretStore;
use crate::views::{UiError, UnlockView};

impl<S: SecretStore> App<S> {
    /// The notice over data shown while stale (`None` when fresh), in the current language.
    pub(super) fn stale_notice(
        &self,
        stale: bool,
        valid_until: Option<DateTime<Utc>>,
    ) -> Option<String> {
        stale.then(|| stale_notice(valid_until, self.lang()))
    }

    fn unlock_view(&self, outcome: UnlockOutcome) -> UnlockView {
        self.session.set_online(outcome.online);
        UnlockView {
            online: outcome.online,
            stale: outcome.stale,
            valid_until: outcome.credentials_valid_until.map(rfc3339),
            notice: self.stale_notice(outcome.stale, outcome.credentials_valid_until),
        }
    }

    /// Where the app stands once the server was tried again (after an offline unlock) or the
    /// account was just put on this device.
    pub(super) async fn reconnected(&self) -> Result<UnlockView, UiError> {
        let outcome = self.resident.reconnect().await.map_err(|e| self.err(e))?;
        Ok(self.unlock_view(outcome))
    }

    /// Unlocks with the PIN (offline too, with the lockout policy).
    pub async fn unlock(&self, pin: &str, now: DateTime<Utc>) -> Result<UnlockView, UiError> {
        let outcome = self
            .resident
            .unlock(pin, now)
            .await
            .map_err(|e| self.err(e))?;
        self.session.set_unlocked(true);
        Ok(self.unlock_view(outcome))
    }

    /// Locks (the app went to the background): the PIN is asked again.
    pub async fn lock(&self) {
        self.session.lock();
        self.resident.lock().await;
    }

    /// Tries the server again after an offline unlock (the network came back).
    pub async fn refresh(&self) -> Result<UnlockView, UiError> {
        self.require_unlocked()?;
        self.reconnected().await
    }
}
