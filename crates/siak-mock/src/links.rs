//! The app-link settings: the public domain the mails link to and the apps that may open those
//! links, checked and normalised, and the link lines at the end of a mail. The files and the
//! landing page that publish them are served by `api::app_links`.

use ikd_core::link::Link;

/// What the server needs to publish app links.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppLinks {
    /// The public domain the mails link to (`https://<host>/app/…`); `None`: only `ikd://` links.
    pub host: Option<String>,
    /// SHA-256 fingerprints of the Android signing certificates (`AA:BB:…`, 32 bytes).
    pub android_cert_sha256: Vec<String>,
    /// Apple app ids (`TEAMID.id.ikd.resident`).
    pub apple_app_ids: Vec<String>,
}

/// A configuration value that cannot be published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppLinksError {
    /// Not 32 hex bytes.
    #[error("{0:?} is not a SHA-256 certificate fingerprint (32 hex bytes, e.g. `AA:BB:…`)")]
    Fingerprint(String),
    /// Not `TEAMID.bundle.id`.
    #[error("{0:?} is not an Apple app id (10-character team id, a dot, the bundle id)")]
    AppleAppId(String),
    /// Not a bare domain name.
    #[error("{0:?} is not a domain name (no scheme, port or path: e.g. `ikd.example.id`)")]
    Host(String),
}

impl AppLinks {
    /// Checks and normalises the values (fingerprints upper-case with colons).
    pub fn new(
        host: Option<&str>,
        android_cert_sha256: &[String],
        apple_app_ids: &[String],
    ) -> Result<Self, AppLinksError> {
        let host = host
            .map(|h| {
                let ok = !h.is_empty()
                    && h.len() <= 253
                    && h.split('.').all(|label| {
                        !label.is_empty()
                            && label.len() <= 63
                            && label
                                .bytes()
                                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    });
                ok.then(|| h.to_ascii_lowercase())
                    .ok_or_else(|| AppLinksError::Host(h.to_owned()))
            })
            .transpose()?;
        let android_cert_sha256 = android_cert_sha256
            .iter()
            .map(|f| {
                let hex: String = f.chars().filter(|c| *c != ':').collect();
                if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    Ok(hex
                        .to_ascii_uppercase()
                        .as_bytes()
                        .chunks(2)
                        .map(|pair| String::from_utf8_lossy(pair).into_owned())
                        .collect::<Vec<_>>()
                        .join(":"))
                } else {
                    Err(AppLinksError::Fingerprint(f.clone()))
                }
            })
            .collect::<Result<_, _>>()?;
        for id in apple_app_ids {
            let ok = id.split_once('.').is_some_and(|(team, bundle)| {
                team.len() == 10
                    && team
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                    && !bundle.is_empty()
            });
            if !ok {
                return Err(AppLinksError::AppleAppId(id.clone()));
            }
        }
        Ok(AppLinks {
            host,
            android_cert_sha256,
            apple_app_ids: apple_app_ids.to_vec(),
        })
    }

    /// The link lines at the end of a mail: the verified https link when a domain is set, and
    /// always the app's own link.
    pub fn mail_lines(&self, link: &Link) -> String {
        let mut lines = String::new();
        if let Some(host) = &self.host {
            lines.push_str(&link.to_https_url(host));
            lines.push('\n');
        }
        lines.push_str(&link.to_app_url());
        lines.push('\n');
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_and_fingerprints_normalised() {
        let fp = "ab".repeat(32);
        let links = AppLinks::new(
            Some("IKD.Example.id"),
            std::slice::from_ref(&fp),
            &["ABCDE12345.id.ikd.resident".into()],
        )
        .expect("valid");
        assert_eq!(links.host.as_deref(), Some("ikd.example.id"));
        assert_eq!(links.android_cert_sha256[0], vec!["AB"; 32].join(":"));
        for host in ["https://x.id", "x.id:443", "x.id/app", "", "a..b"] {
            assert_eq!(
                AppLinks::new(Some(host), &[], &[]),
                Err(AppLinksError::Host(host.into()))
            );
        }
        assert!(AppLinks::new(None, &["AB:CD".into()], &[]).is_err());
        assert!(AppLinks::new(None, &[], &["id.ikd.resident".into()]).is_err());
        assert!(AppLinks::new(None, &[], &["abcde12345.id.ikd.resident".into()]).is_err());
    }
}
