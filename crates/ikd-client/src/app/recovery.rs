//! The device-change screens (a new phone, or a forgotten PIN): the NIK and the account's email
//! start a selfie (see `liveness`), the server mails a code, and the code with a new PIN puts the
//! account on this phone.

use chrono::{DateTime, Utc};
use ikd_core::i18n::Localized;
use ikd_core::{Email, Nik};

use super::App;
use super::liveness::Subject;
use crate::error::ClientError;
use crate::resident::PendingRecovery;
use crate::storage::SecretStore;
use crate::views::{LivenessSession, RecoveryView, UiError, UnlockView};

impl<S: SecretStore> App<S> {
    /// Starts a device change or PIN reset: the NIK and the account's email, then a selfie.
    pub async fn recovery_start(
        &self,
        nik: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> Result<LivenessSession, UiError> {
        let invalid = |e: &dyn Localized| self.err(ClientError::invalid(e));
        let nik = Nik::parse(nik, now.date_naive()).map_err(|e| invalid(&e))?;
        let email = Email::parse(email).map_err(|e| invalid(&e))?;
        self.begin(Subject::Recover { nik, email }).await
    }

    /// The device change waiting for its code, as the screens show it at `now`.
    pub(super) fn recovery_view(
        &self,
        pending: &PendingRecovery,
        now: DateTime<Utc>,
    ) -> RecoveryView {
        RecoveryView {
            email_hint: pending.email_hint.clone(),
            expires_in_minutes: ((pending.expires_at - now).num_seconds().max(0) as u32)
                .div_ceil(60),
        }
    }

    /// Finishes a device change with the emailed code and a new PIN; the app is then unlocked.
    pub async fn recovery_confirm(
        &self,
        code: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<UnlockView, UiError> {
        self.resident
            .recover_confirm(code, pin, now)
            .await
            .map_err(|e| self.err(e))?;
        self.session.set_unlocked(true);
        self.reconnected().await
    }
}
