//! The KTP Digital screen: the disclosure profiles to choose from and a fresh QR of the chosen
//! one, made on the device (works offline).

use chrono::{DateTime, Utc};
use ikd_core::credential::{PRESENTATION_LIFETIME_SECS, Profile};
use ikd_core::qr::QrImage;

use super::refusal::UNKNOWN_PROFILE;
use super::{App, rfc3339};
use crate::error::ClientError;
use crate::storage::SecretStore;
use crate::views::{ProfileOption, QrView, UiError};

/// The QR is remade this many seconds before it expires, so a verifier never scans one about to
/// lapse.
pub const QR_REFRESH_MARGIN_SECS: u32 = 15;

impl<S: SecretStore> App<S> {
    /// The profiles the resident can choose from, least revealing first.
    pub fn profiles(&self) -> Vec<ProfileOption> {
        let lang = self.lang();
        Profile::ALL
            .iter()
            .map(|p| ProfileOption {
                id: *p,
                label: p.label(lang).to_owned(),
            })
            .collect()
    }

    /// A fresh QR of `profile` (valid 90 s), made on the device (works offline).
    pub async fn present(&self, profile: &str, now: DateTime<Utc>) -> Result<QrView, UiError> {
        self.require_unlocked()?;
        let chosen: Profile = profile
            .parse()
            .map_err(|_| self.refusal(&UNKNOWN_PROFILE))?;
        let presentation = self
            .resident
            .present(chosen, now)
            .map_err(|e| self.err(e))?;
        let qr =
            QrImage::new(presentation.as_str()).map_err(|e| self.err(ClientError::invalid(&e)))?;
        let stale = !self.session.is_online();
        let lifetime = u32::try_from(PRESENTATION_LIFETIME_SECS).unwrap_or(90);
        Ok(QrView {
            profile: chosen,
            svg: qr.to_svg(4),
            version: qr.version(),
            text: presentation.into_string(),
            created_at: rfc3339(now),
            expires_at: rfc3339(now + chrono::TimeDelta::seconds(PRESENTATION_LIFETIME_SECS)),
            valid_secs: lifetime,
            refresh_after_secs: lifetime.saturating_sub(QR_REFRESH_MARGIN_SECS),
            stale,
        })
    }
}
