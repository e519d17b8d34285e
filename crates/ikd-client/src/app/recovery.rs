//! The device-change screens (a new phone, or a forgotten PIN): the NIK and the account's email
//! start a selfie (see `liveness`), the server mails a code; the code confirmed starts the
//! server's waiting period (the waiting screen polls it), and once it is over a new PIN puts the
//! account on this phone. The old phone's side: the home banner of a waiting change and its
//! cancel.

use chrono::{DateTime, Utc};
use ikd_core::device_change::{DeviceChangeState, DeviceChangeView};
use ikd_core::i18n::Localized;
use ikd_core::{Email, Nik};

use super::App;
use super::liveness::Subject;
use crate::error::ClientError;
use crate::resident::PendingRecovery;
use crate::storage::SecretStore;
use crate::views::{
    DeviceChangeNotice, DeviceChangeWait, LivenessSession, RecoveryView, UiError, UnlockView,
    WaitState,
};

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

    /// The device change started on this phone, as the screens show it at `now` (the wait's
    /// state as last known: [`App::recovery_poll`] asks the server).
    pub(super) fn recovery_view(
        &self,
        pending: &PendingRecovery,
        now: DateTime<Utc>,
    ) -> RecoveryView {
        let waiting = pending.completes_at.map(|at| {
            let state = if now >= at {
                WaitState::Ready
            } else {
                WaitState::Waiting
            };
            wait_view(state, at, now)
        });
        RecoveryView {
            email_hint: pending.email_hint.clone(),
            expires_in_minutes: ((pending.expires_at - now).num_seconds().max(0) as u32)
                .div_ceil(60),
            waiting,
        }
    }

    /// Confirms the emailed code: the change now waits (see [`RecoveryView::waiting`]).
    pub async fn recovery_confirm(
        &self,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<RecoveryView, UiError> {
        let view = self
            .resident
            .recover_confirm(code, now)
            .await
            .map_err(|e| self.err(e))?;
        self.recovery_shown(&view, now)
    }

    /// Asks the server where the confirmed change stands (the waiting screen polls this when
    /// online).
    pub async fn recovery_poll(&self, now: DateTime<Utc>) -> Result<RecoveryView, UiError> {
        let view = self
            .resident
            .recover_status(now)
            .await
            .map_err(|e| self.err(e))?;
        self.recovery_shown(&view, now)
    }

    fn recovery_shown(
        &self,
        view: &DeviceChangeView,
        now: DateTime<Utc>,
    ) -> Result<RecoveryView, UiError> {
        let state = self.resident.state().map_err(|e| self.err(e))?;
        let pending = state
            .recovery
            .as_ref()
            .ok_or_else(|| self.err(ClientError::NotReady("no_recovery")))?;
        let mut shown = self.recovery_view(pending, now);
        let wait = match view.state {
            DeviceChangeState::Cancelled => WaitState::Cancelled,
            DeviceChangeState::Waiting => WaitState::Waiting,
            DeviceChangeState::Ready | DeviceChangeState::Completed => WaitState::Ready,
        };
        shown.waiting = Some(wait_view(wait, view.completes_at, now));
        Ok(shown)
    }

    /// Completes the device change with a new PIN once the wait is over; the app is then
    /// unlocked on this phone.
    pub async fn recovery_complete(
        &self,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<UnlockView, UiError> {
        self.resident
            .recover_complete(pin, now)
            .await
            .map_err(|e| self.err(e))?;
        self.session.set_unlocked(true);
        self.reconnected().await
    }

    /// The device change waiting on this (old) phone's account, if any (the home banner).
    pub async fn device_change_notice(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Option<DeviceChangeNotice>, UiError> {
        self.require_unlocked()?;
        let pending = self
            .resident
            .device_change_pending()
            .await
            .map_err(|e| self.err(e))?;
        Ok(pending.map(|p| DeviceChangeNotice {
            completes_at: p.completes_at.format("%Y-%m-%d %H:%M").to_string(),
            hours_left: hours_left(p.completes_at, now),
        }))
    }

    /// Cancels, for good, the device change waiting on this (old) phone's account.
    pub async fn device_change_cancel(&self) -> Result<(), UiError> {
        self.require_unlocked()?;
        self.resident
            .cancel_device_change()
            .await
            .map_err(|e| self.err(e))
    }
}

fn hours_left(at: DateTime<Utc>, now: DateTime<Utc>) -> u32 {
    ((at - now).num_seconds().max(0) as u32).div_ceil(3600)
}

fn wait_view(state: WaitState, at: DateTime<Utc>, now: DateTime<Utc>) -> DeviceChangeWait {
    DeviceChangeWait {
        state,
        completes_at: at.format("%Y-%m-%d %H:%M").to_string(),
        hours_left: hours_left(at, now),
    }
}
