//! The HTTP API of the mock SIAK: JSON endpoints for the app, the operator and verifiers, the
//! operator console, the issuer key set and the OpenAPI document. Handlers stay a few lines:
//! parse with `ikd-core`, run one transaction on the store, answer or return an [`ApiError`].
//!
//! Every SQL statement lives in [`crate::store`]; the mails are written by [`crate::mail`]. Within
//! `api`, [`state`] and [`problem`] are the base every handler module uses; they use no handler
//! module.

pub mod account;
pub mod app_links;
pub mod console;
pub mod decision;
pub mod emailed_code;
pub mod liveness;
pub mod me;
pub mod openapi;
pub mod operator;
pub mod problem;
pub mod recovery;
pub mod registration;
pub mod retention;
pub mod session;
pub mod state;
pub mod verify;

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ikd_core::credential::{DevicePublicKey, ISSUER_KEYS_PATH};
use serde::de::DeserializeOwned;

pub use crate::mail;
pub use crate::store::ts;
pub use problem::{ApiError, Problem};
pub use state::{AppState, Clock};

/// Largest request body accepted (liveness evidence included).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// A JSON body whose rejections are problem+json.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(ApiError::from(rejection)),
        }
    }
}

/// Parses a base64url Ed25519 public key from a request.
pub fn parse_device_key(text: &str) -> Result<DevicePublicKey, ApiError> {
    text.parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "device_key_invalid",
            "Kunci perangkat tidak valid. Perbarui aplikasi lalu coba lagi.",
            "The device key is not valid. Update the app and try again.",
        )
    })
}

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

/// Query of `GET /dev/outbox`.
#[derive(Debug, serde::Deserialize)]
pub struct OutboxQuery {
    /// Only mail to this address.
    pub to: Option<String>,
    /// At most this many (default 50).
    pub limit: Option<u32>,
}

/// The local outbox, newest first: where a developer reads the activation code when no SMTP
/// relay is configured. A development endpoint of the mock; a real SIAK has no such thing.
#[utoipa::path(get, path = "/dev/outbox", tag = "development",
    params(("to" = Option<String>, Query, description = "Only mail to this address"),
        ("limit" = Option<u32>, Query, description = "At most this many, newest first (default 50, at most 500)")),
    responses((status = 200, description = "Mails, newest first", body = [mail::OutboxEntry])))]
pub async fn dev_outbox(
    axum::extract::State(app): axum::extract::State<AppState>,
    axum::extract::Query(q): axum::extract::Query<OutboxQuery>,
) -> Result<Json<Vec<mail::OutboxEntry>>, ApiError> {
    let limit = q.limit.unwrap_or(50).min(500);
    app.db(move |store| {
        let conn = store.connection();
        Ok(Json(crate::store::outbox::newest(
            conn,
            q.to.as_deref(),
            limit,
        )?))
    })
    .await
}

async fn health() -> &'static str {
    "ok"
}

async fn not_found() -> ApiError {
    ApiError::not_found(
        "not_found",
        "Alamat ini tidak ada di server SIAK.",
        "There is no such address on the SIAK server.",
    )
}

/// The whole application.
pub fn router(app: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health))
        .route("/.well-known/assetlinks.json", get(app_links::assetlinks))
        .route(
            "/.well-known/apple-app-site-association",
            get(app_links::apple_app_site_association),
        )
        .route("/app/{action}", get(app_links::landing))
        .route(ISSUER_KEYS_PATH, get(issuer_keys))
        .route("/v1/liveness/challenges", post(liveness::challenge))
        .route("/v1/recovery", post(recovery::start))
        .route("/v1/recovery/{id}/confirm", post(recovery::confirm))
        .route("/v1/registrations", post(registration::register))
        .route("/v1/registrations/{id}", get(registration::status))
        .route("/v1/activation", post(account::activate))
        .route("/v1/login/challenge", post(account::challenge))
        .route("/v1/login", post(account::login))
        .route("/v1/me", get(me::biodata))
        .route("/v1/me/pin", post(account::change_pin))
        .route("/v1/me/release-device", post(account::release_device))
        .route("/v1/me/credentials", post(me::credentials))
        .route("/v1/me/family", get(me::family))
        .route("/v1/me/activity", get(me::activity))
        .route("/v1/verify", post(verify::verify))
        .route("/v1/operator/login", post(operator::login))
        .route("/v1/operator/registrations", get(operator::list))
        .route(
            "/v1/operator/registrations/{id}/approve",
            post(operator::approve),
        )
        .route(
            "/v1/operator/registrations/{id}/reject",
            post(operator::reject),
        )
        .route("/operator", get(console::home))
        .route("/operator/login", post(console::login))
        .route("/operator/logout", post(console::logout))
        .route(
            "/operator/registrations/{id}/approve",
            post(console::approve),
        )
        .route("/operator/registrations/{id}/reject", post(console::reject))
        .route(
            "/operator/liveness/{challenge}/{index}",
            get(console::liveness_frame),
        )
        .route("/dev/outbox", get(dev_outbox))
        .route("/openapi.json", get(openapi::serve))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(problem::language))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(app)
}
