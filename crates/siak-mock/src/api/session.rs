//! Resident sessions: `Authorization: Bearer <token>` → the account and its device. Only a
//! SHA-256 of each token is stored, so a copied database holds no usable session.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, TimeDelta, Utc};
use ring::digest::{SHA256, digest};

use super::problem::ApiError;
use super::state::AppState;
use crate::store::sessions;

/// How long a session lasts.
pub const SESSION_LIFETIME: TimeDelta = TimeDelta::minutes(15);

/// A logged-in resident.
#[derive(Debug, Clone)]
pub struct Session {
    /// The account's NIK.
    pub nik: String,
    /// The bound device key (base64url).
    pub device_key: String,
    /// SHA-256 of this session's token, as stored (to end the others and keep this one).
    pub token_hash: Vec<u8>,
}

/// SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> Vec<u8> {
    digest(&SHA256, token.as_bytes()).as_ref().to_vec()
}

/// Creates a session and returns its token.
pub fn create(
    conn: &rusqlite::Connection,
    token_bytes: [u8; 32],
    nik: &str,
    device_key: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<(String, DateTime<Utc>)> {
    let token = B64.encode(token_bytes);
    let expires_at = now + SESSION_LIFETIME;
    sessions::insert(conn, &token_hash(&token), nik, device_key, expires_at)?;
    Ok((token, expires_at))
}

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiError::unauthorized)?
            .to_owned();
        let now = app.now();
        app.db(move |store| {
            let hash = token_hash(&token);
            let row = sessions::find(store.connection(), &hash, now)?;
            let row = row.ok_or_else(ApiError::unauthorized)?;
            Ok(Session {
                nik: row.nik,
                device_key: row.device_key,
                token_hash: hash,
            })
        })
        .await
    }
}
