//! The HTTP API of the mock SIAK: JSON endpoints for the app, the operator and verifiers, the
//! operator console, the issuer key set and the OpenAPI document. Handlers stay a few lines:
//! parse with `ikd-core`, run one transaction on the store, answer or return an [`ApiError`].
//!
//! Every SQL statement lives in [`crate::store`]; the mails are written by [`crate::mail`]. Within
//! `api`, [`state`], [`problem`] and [`request`] are the base every handler module uses; they use
//! no handler module, and no handler module uses this file (it only declares and routes them).

pub mod account;
pub mod app_links;
pub mod client;
pub mod console;
pub mod decision;
pub mod device_change;
pub mod device_change_office;
pub mod emailed_code;
pub mod issuer;
pub mod liveness;
pub mod lockout;
pub mod me;
pub mod openapi;
pub mod operator;
pub mod outbox;
pub mod problem;
pub mod recovery;
pub mod registration;
pub mod request;
pub mod retention;
pub mod session;
pub mod state;
pub mod verify;

use axum::Router;
use axum::routing::{get, post};
use ikd_core::credential::ISSUER_KEYS_PATH;

pub use client::ClientAddr;
pub use issuer::issuer_keys;
pub use outbox::{OutboxQuery, dev_outbox};
pub use problem::{ApiError, Problem};
pub use request::{JsonBody, parse_device_key};
pub use state::{AppState, Clock};

/// Largest request body accepted (liveness evidence included).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

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

/// The application as a service that records each connection's peer address ([`ClientAddr`]):
/// what `axum::serve` is given, in the server and in tests.
pub fn service(
    app: AppState,
) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Router, std::net::SocketAddr> {
    router(app).into_make_service_with_connect_info::<std::net::SocketAddr>()
}

/// The whole application; the `/dev/` endpoints only in development mode.
pub fn router(app: AppState) -> Router {
    let dev = if app.dev_mode() {
        Router::new().route("/dev/outbox", get(dev_outbox))
    } else {
        Router::new()
    };
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
        .route("/v1/recovery/{id}", get(device_change::status))
        .route("/v1/recovery/{id}/complete", post(device_change::complete))
        .route("/v1/me/device-change", get(device_change::mine))
        .route(
            "/v1/me/device-change/cancel",
            post(device_change::cancel_mine),
        )
        .route(
            "/device-change/cancel",
            get(device_change::cancel_page).post(device_change::cancel_link),
        )
        .route(
            "/v1/operator/device-changes",
            get(device_change_office::list),
        )
        .route(
            "/v1/operator/device-changes/{id}/approve",
            post(device_change_office::approve),
        )
        .route(
            "/v1/operator/device-changes/{id}/reject",
            post(device_change_office::reject),
        )
        .route(
            "/operator/device-changes",
            get(console::device_changes::list),
        )
        .route(
            "/operator/device-changes/{id}/approve",
            post(console::device_changes::approve),
        )
        .route(
            "/operator/device-changes/{id}/reject",
            post(console::device_changes::reject),
        )
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
        .route("/v1/operator/logout", post(operator::logout))
        .route("/v1/operator/registrations", get(operator::list))
        .route(
            "/v1/operator/registrations/{id}/approve",
            post(operator::approve),
        )
        .route(
            "/v1/operator/registrations/{id}/reject",
            post(operator::reject),
        )
        .route("/v1/operator/accounts/{nik}/unlock", post(lockout::unlock))
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
        .route("/openapi.json", get(openapi::serve))
        .merge(dev)
        .fallback(not_found)
        .layer(axum::middleware::from_fn(problem::language))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(app)
}
