//! Mail links the phone opens the app with (activation, device change): kept until the screens
//! ask, then checked against what waits on this phone. Nothing is sent and nothing changes: the
//! resident still confirms with a new PIN.

use ikd_core::link::Link;

use super::App;
use super::refusal::{LINK_ALREADY_ACTIVE, LINK_OTHER_PHONE};
use crate::error::ClientError;
use crate::storage::SecretStore;
use crate::views::{LinkScreen, LinkView, UiError};

impl<S: SecretStore> App<S> {
    /// A link the phone opened the app with (from the activation or device-change mail): which
    /// screen to show with which code. Refused, with the reason, when it is not this app's link
    /// or not for the registration or device change waiting on this phone. Nothing is sent and
    /// nothing changes: the resident still confirms with a new PIN.
    pub fn open_link(&self, url: &str) -> Result<LinkView, UiError> {
        let host = self.resident.client().app_link_host();
        let link =
            ikd_core::link::parse(url, host).map_err(|e| self.err(ClientError::invalid(&e)))?;
        let state = self.resident.state().map_err(|e| self.err(e))?;
        let (screen, waiting, id, code) = match link {
            Link::Activate { .. } if state.activated => {
                return Err(self.refusal(&LINK_ALREADY_ACTIVE));
            }
            Link::Activate { registration, code } => (
                LinkScreen::Activate,
                state.registration_id.map(|id| id.to_string()),
                registration,
                code,
            ),
            Link::Recover { recovery, code } => (
                LinkScreen::Recover,
                state.recovery.as_ref().map(|r| r.id.to_string()),
                recovery,
                code,
            ),
        };
        if !waiting.is_some_and(|w| w.eq_ignore_ascii_case(&id)) {
            return Err(self.refusal(&LINK_OTHER_PHONE));
        }
        Ok(LinkView {
            screen,
            code: code.to_string(),
        })
    }

    /// Keeps a link the phone opened the app with (the shell calls this from the OS's deep-link
    /// event, possibly before the screens are up); a newer link replaces an older one.
    pub fn offer_link(&self, url: &str) {
        self.session.offer_link(url);
    }

    /// The screens ask for the link the app was opened with, if any: taken once, then checked
    /// as [`App::open_link`] does.
    pub fn take_link(&self) -> Result<Option<LinkView>, UiError> {
        self.session
            .take_link()
            .map(|u| self.open_link(&u))
            .transpose()
    }
}
