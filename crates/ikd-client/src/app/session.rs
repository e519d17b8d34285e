//! The app's session: what it holds between two commands. The language and the form's draft are
//! kept in the data directory; the lock, whether the server was reached, the liveness attempt in
//! progress and a mail link not yet taken by the screens live in memory only.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use ikd_core::i18n::Lang;
use serde::{Deserialize, Serialize};

use super::liveness::Attempt;
use crate::error::ClientError;
use crate::storage::StateDir;
use crate::views::Draft;

/// Data-directory file of [`Settings`].
const SETTINGS: &str = "settings";

/// Settings kept between runs (not secret).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Settings {
    /// The language the screens speak.
    pub(super) lang: Lang,
    /// The half-done registration form.
    pub(super) draft: Draft,
}

/// The app's state between commands (see the module's documentation).
pub(super) struct Session {
    /// The PIN was entered since the app last went to the background.
    unlocked: AtomicBool,
    /// Whether the last contact with the server succeeded (the QR is made on the device and
    /// never waits for the network to know this).
    online: AtomicBool,
    settings: Mutex<Settings>,
    /// The liveness attempt in progress.
    attempt: Mutex<Option<Attempt>>,
    /// The newest link the phone opened the app with, until the screens take it.
    pending_link: Mutex<Option<String>>,
}

impl Session {
    /// A locked, offline session with the settings saved in `dir` (defaults when none).
    pub(super) fn open(dir: &StateDir) -> Session {
        let settings: Settings = dir.load(SETTINGS).ok().flatten().unwrap_or_default();
        Session {
            unlocked: AtomicBool::new(false),
            online: AtomicBool::new(false),
            settings: Mutex::new(settings),
            attempt: Mutex::new(None),
            pending_link: Mutex::new(None),
        }
    }

    /// The current language.
    pub(super) fn lang(&self) -> Lang {
        self.settings.lock().map(|s| s.lang).unwrap_or_default()
    }

    /// A copy of the settings.
    pub(super) fn settings(&self) -> Settings {
        self.settings.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Changes the settings and saves them in `dir`.
    pub(super) fn update(
        &self,
        dir: &StateDir,
        change: impl FnOnce(&mut Settings),
    ) -> Result<(), ClientError> {
        let snapshot = {
            let mut settings = self
                .settings
                .lock()
                .map_err(|_| ClientError::Storage("settings lock".into()))?;
            change(&mut settings);
            settings.clone()
        };
        dir.save(SETTINGS, &snapshot)
    }

    /// Whether the PIN was entered since the app last went to the background.
    pub(super) fn is_unlocked(&self) -> bool {
        self.unlocked.load(Ordering::SeqCst)
    }

    /// Marks the app unlocked (the PIN was entered) or locked.
    pub(super) fn set_unlocked(&self, unlocked: bool) {
        self.unlocked.store(unlocked, Ordering::SeqCst);
    }

    /// Whether the last contact with the server succeeded.
    pub(super) fn is_online(&self) -> bool {
        self.online.load(Ordering::SeqCst)
    }

    /// Records whether the last contact with the server succeeded.
    pub(super) fn set_online(&self, online: bool) {
        self.online.store(online, Ordering::SeqCst);
    }

    /// The app went to the background: locked, and offline until the next unlock.
    pub(super) fn lock(&self) {
        self.set_unlocked(false);
        self.set_online(false);
    }

    /// Keeps `url` for the screens, replacing an older link.
    pub(super) fn offer_link(&self, url: &str) {
        if let Ok(mut pending) = self.pending_link.lock() {
            *pending = Some(url.to_owned());
        }
    }

    /// The link kept for the screens, taken once.
    pub(super) fn take_link(&self) -> Option<String> {
        self.pending_link.lock().ok().and_then(|mut p| p.take())
    }

    /// The liveness attempt slot (`None` if a panic poisoned it).
    pub(super) fn attempt(&self) -> Option<MutexGuard<'_, Option<Attempt>>> {
        self.attempt.lock().ok()
    }
}
