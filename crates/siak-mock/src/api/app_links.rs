//! Links from the mails into the app, and the files that let Android and iOS open them in the
//! app instead of the browser: `/.well-known/assetlinks.json` (Android App Links) and
//! `/.well-known/apple-app-site-association` (iOS universal links), both listing only this app.
//!
//! The mails always carry the app's own `ikd://` link (any phone with the app, no domain
//! needed); with a public domain configured they carry the verified `https://<domain>/app/…`
//! link first. Without the app that https link lands on a short page here that says what to do.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use ikd_core::link::{APP_LINK_PREFIX, Link};
use serde_json::json;

use super::AppState;
use super::console::escape;
use super::problem::ApiError;

/// The app's package name (Android) and bundle id (iOS).
pub const APP_ID: &str = "id.ikd.resident";

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

fn not_configured(what: &str) -> ApiError {
    ApiError::not_found(
        "app_links_not_configured",
        &format!("Server ini belum dikonfigurasi untuk tautan aplikasi ({what})."),
        &format!("This server is not configured for app links ({what})."),
    )
}

fn json_file(body: serde_json::Value) -> Response {
    let mut response = axum::Json(body).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

/// `GET /.well-known/assetlinks.json`: lets Android open `https://<host>/app/…` in this app.
pub async fn assetlinks(State(app): State<AppState>) -> Result<Response, ApiError> {
    let links = app.app_links();
    if links.android_cert_sha256.is_empty() {
        return Err(not_configured("SIAK_MOCK_ANDROID_CERT_SHA256"));
    }
    Ok(json_file(json!([{
        "relation": ["delegate_permission/common.handle_all_urls"],
        "target": {
            "namespace": "android_app",
            "package_name": APP_ID,
            "sha256_cert_fingerprints": links.android_cert_sha256,
        }
    }])))
}

/// `GET /.well-known/apple-app-site-association`: lets iOS open `https://<host>/app/…` in
/// this app.
pub async fn apple_app_site_association(State(app): State<AppState>) -> Result<Response, ApiError> {
    let links = app.app_links();
    if links.apple_app_ids.is_empty() {
        return Err(not_configured("SIAK_MOCK_APPLE_APP_ID"));
    }
    Ok(json_file(json!({
        "applinks": {
            "details": [{
                "appIDs": links.apple_app_ids,
                "components": [{
                    "/": format!("{APP_LINK_PREFIX}*"),
                    "comment": "Activation and device-change links from the SIAK's mails"
                }]
            }]
        }
    })))
}

/// `GET /app/{action}`: where an app link lands when the app is not installed (or the phone
/// did not verify the domain). The code stays on the page: no referrer, nothing loaded.
pub async fn landing(
    Path(action): Path<String>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let known = matches!(action.as_str(), "activate" | "recover");
    let code = query
        .get("code")
        .filter(|_| known)
        .and_then(|c| ikd_core::protocol::ActivationCode::parse(c).ok())
        .map(|c| {
            format!(
                "<p>Kode / Code: <strong>{}</strong></p>",
                escape(&c.to_string())
            )
        })
        .unwrap_or_default();
    let status = if known {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let page = format!(
        "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>KTP Digital</title></head><body><main><h1>KTP Digital (IKD)</h1><p>Buka aplikasi KTP Digital di ponsel yang Anda daftarkan, lalu masukkan kode dari email. Jika aplikasi belum terpasang, pasang dari toko aplikasi resmi.</p><p lang=\"en\">Open the KTP Digital app on the phone you registered with and enter the code from the email. If the app is not installed, install it from the official app store.</p>{code}<p>Jangan berikan kode ini kepada siapa pun. / Never give this code to anyone.</p></main></body></html>"
    );
    let mut response = (status, Html(page)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
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
