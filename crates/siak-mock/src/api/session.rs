//! Resident sessions: `Authorization: Bearer <token>` names the account and its device, and every
//! request on a session carries the device's signature over it (`IKD-Proof`, see
//! [`ikd_core::protocol::request_proof`]), so a token alone opens nothing. Only a SHA-256 of each
//! token is stored, so a copied database holds no usable session either.
//!
//! [`require_proof`] is the layer on every resident route: it checks the header, the time, the
//! session, the signature over the method, path, body and token, and the replay set, then hands
//! the handler the [`Session`] (an extractor that only reads what the layer proved: a route
//! without the layer cannot serve a session).

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, DATE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::Localized;
use ikd_core::protocol::{REQUEST_PROOF_HEADER, RequestProof, RequestProofError, SignedRequest};
use ring::digest::{SHA256, digest};

use super::problem::ApiError;
use super::request::parse_device_key;
use super::state::AppState;
use crate::store::sessions;

/// How long a session lasts.
pub const SESSION_LIFETIME: TimeDelta = TimeDelta::minutes(15);

/// A logged-in resident whose request was signed by the session's device.
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

/// The session of `token`, if it exists and has not expired.
async fn find(app: &AppState, token: String) -> Result<Session, ApiError> {
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

fn refused(e: RequestProofError) -> ApiError {
    ApiError::localized(StatusCode::UNAUTHORIZED, &e)
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The layer on every resident route: the request must carry a session token and the session's
/// device's signature over it (401 `session_invalid`, `request_proof_missing`,
/// `request_proof_malformed`, `request_proof_stale` with the server's `Date`,
/// `request_proof_invalid`, `request_proof_replayed`). The body is read (within the body limit)
/// and handed on unchanged.
pub async fn require_proof(State(app): State<AppState>, request: Request, next: Next) -> Response {
    match prove(&app, request).await {
        Ok(request) => next.run(request).await,
        Err(e) if e.code == RequestProofError::Stale.code() => {
            let mut response = e.into_response();
            let date = app.now().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
            if let Ok(value) = HeaderValue::from_str(&date) {
                response.headers_mut().insert(DATE, value);
            }
            response
        }
        Err(e) => e.into_response(),
    }
}

/// Checks the cheap things first (headers, time), then the session, the signature and the
/// replay set; returns the request with its [`Session`] and its body.
async fn prove(app: &AppState, request: Request) -> Result<Request, ApiError> {
    let (mut parts, body) = request.into_parts();
    let token = bearer(&parts.headers).ok_or_else(ApiError::unauthorized)?;
    let proof: RequestProof = parts
        .headers
        .get(REQUEST_PROOF_HEADER)
        .ok_or(refused(RequestProofError::Missing))?
        .to_str()
        .map_err(|_| refused(RequestProofError::Malformed))?
        .parse()
        .map_err(refused)?;
    let now = app.now().timestamp();
    proof.check_time(now).map_err(refused)?;
    let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), app)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "Isi permintaan terlalu besar.",
                "The request body is too large.",
            )
        })?;
    let session = find(app, token.clone()).await?;
    let signed = SignedRequest {
        method: parts.method.as_str(),
        path_and_query: parts.uri.path_and_query().map_or("/", |p| p.as_str()),
        body: &bytes,
        token: &token,
    };
    proof
        .verify(&parse_device_key(&session.device_key)?, &signed)
        .map_err(refused)?;
    app.seen_proofs().first_use(proof.signature(), now)?;
    parts.extensions.insert(session);
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Session>()
            .cloned()
            .ok_or_else(|| ApiError::internal(&"a resident route without the require_proof layer"))
    }
}
