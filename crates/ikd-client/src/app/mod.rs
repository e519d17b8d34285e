//! The app as its screens see it: [`App`] wraps a [`Resident`] with the app's [`session`] — the
//! language, the lock (the PIN is asked every time the app opens or comes back from the
//! background), the half-done registration form, the liveness attempt and a pending mail link —
//! and answers every command with a ready-to-render view or a [`UiError`] in the current language.
//! The Tauri shell calls these methods in one line each.
//!
//! The commands are grouped as the UI's screens are (`ui/src/screens/`), one `impl App` block
//! per file: `onboarding` (form, PIN choice, status tracker, activation), `liveness` (the selfie),
//! `recovery` (device change), `unlock`, `ktp` (the QR), `info` (card, family, history, office),
//! `account` (PIN change, release) and `links` (mail links). The words are the core's
//! (`ikd_core::i18n` and the domain types); the app's own refusals are in `refusal`.

mod account;
mod form;
mod info;
mod ktp;
mod links;
mod liveness;
mod onboarding;
mod recovery;
mod refusal;
mod session;
mod unlock;

use chrono::{DateTime, SecondsFormat, Utc};
use ikd_core::i18n::{Lang, Localized};

use crate::error::ClientError;
use crate::resident::Resident;
use crate::storage::SecretStore;
use crate::views::{AppInfo, Stage, UiError};

pub use ktp::QR_REFRESH_MARGIN_SECS;
use refusal::{AppRefusal, UNKNOWN_LANG};
use session::Session;

/// The app behind the screens.
pub struct App<S: SecretStore> {
    resident: Resident<S>,
    session: Session,
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Turns any client error into what the UI shows, in `lang`.
pub fn ui_error(err: ClientError, lang: Lang) -> UiError {
    let (code, retry_after_secs) = match &err {
        ClientError::Refused(p) => (
            p.code.clone(),
            p.retry_after.map(|s| u32::try_from(s).unwrap_or(u32::MAX)),
        ),
        ClientError::PinLocked { retry_after_secs } => (
            "pin_locked".to_owned(),
            Some(u32::try_from(*retry_after_secs).unwrap_or(u32::MAX)),
        ),
        other => (other.code().to_owned(), None),
    };
    UiError {
        code,
        message: err.message(lang),
        retry_after_secs,
    }
}

impl<S: SecretStore> App<S> {
    /// The app around `resident`; settings are read from its data directory.
    pub fn new(resident: Resident<S>) -> Self {
        let session = Session::open(resident.dir());
        App { resident, session }
    }

    /// The resident underneath (for tests and tools).
    pub fn resident(&self) -> &Resident<S> {
        &self.resident
    }

    /// The current language.
    pub fn lang(&self) -> Lang {
        self.session.lang()
    }

    fn err(&self, err: ClientError) -> UiError {
        ui_error(err, self.lang())
    }

    fn refusal(&self, refusal: &AppRefusal) -> UiError {
        UiError {
            code: refusal.code().to_owned(),
            message: refusal.message(self.lang()),
            retry_after_secs: None,
        }
    }

    fn require_unlocked(&self) -> Result<(), UiError> {
        if self.session.is_unlocked() {
            Ok(())
        } else {
            Err(self.err(ClientError::NotReady("locked")))
        }
    }

    /// Which screen to open, the language and the draft.
    pub fn info(&self) -> Result<AppInfo, UiError> {
        let state = self.resident.state().map_err(|e| self.err(e))?;
        let stage = if state.recovery.is_some() {
            Stage::Recovering
        } else if state.activated {
            Stage::Activated
        } else if state.registration_id.is_some() {
            Stage::Registered
        } else {
            Stage::New
        };
        let settings = self.session.settings();
        Ok(AppInfo {
            stage,
            lang: settings.lang,
            server: self.resident.server().to_owned(),
            draft: settings.draft,
            registration_id: state.registration_id,
            unlocked: self.session.is_unlocked(),
            recovery: state
                .recovery
                .as_ref()
                .map(|p| self.recovery_view(p, Utc::now())),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        })
    }

    /// Switches the language (`id` or `en`) and remembers it.
    pub fn set_lang(&self, tag: &str) -> Result<AppInfo, UiError> {
        let lang = Lang::from_tag(tag).ok_or_else(|| self.refusal(&UNKNOWN_LANG))?;
        self.session
            .update(self.resident.dir(), |s| s.lang = lang)
            .map_err(|e| self.err(e))?;
        self.info()
    }
}
