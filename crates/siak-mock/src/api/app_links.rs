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
use ikd_core::link::APP_LINK_PREFIX;
use serde_json::json;

use super::AppState;
use super::problem::ApiError;
use crate::text::escape;

/// The app's package name (Android) and bundle id (iOS).
pub const APP_ID: &str = "id.ikd.resident";

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
