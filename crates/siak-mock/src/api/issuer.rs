//! The published issuer key set, for verifiers who check presentations offline.

use super::state::AppState;

/// The published issuer key set (JWKS), for offline verifiers.
#[utoipa::path(get, path = "/.well-known/ikd-issuer-keys", tag = "verifier",
    responses((status = 200, description = "The current and previous issuer public keys (Ed25519 JWKS, `kid` per key)", body = Object, content_type = "application/jwk-set+json")))]
pub async fn issuer_keys(
    axum::extract::State(app): axum::extract::State<AppState>,
) -> impl axum::response::IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, "application/jwk-set+json"),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        app.secrets().key_set().to_json(),
    )
}
