//! The HTTP API of the mock SIAK: JSON endpoints for the app, the operator and verifiers, the
//! operator console, the issuer key set and the OpenAPI document. Handlers stay a few lines:
//! parse with `ikd-core`, run one transaction on the store, answer or return an [`ApiError`].
//!
//! Every SQL statement lives in [`crate::store`]; the mails are written by [`crate::mail`]. Within
//! `api`, [`state`], [`problem`] and [`request`] (and [`replay`], the state's set of recent
//! request proofs) are the base every handler module uses; they use no handler module, and no
//! handler module uses this file (it only declares and routes them).

pub mod account;
pub mod app_links;
pub mod audit;
pub mod client;
pub mod console;
pub mod decision;
pub mod device_change;
pub mod device_change_office;
pub mod emailed_code;
pub mod issuer;
pub mod limits;
pub mod liveness;
pub mod lockout;
pub mod login_throttle;
pub mod me;
pub mod openapi;
pub mod operator;
pub mod operator_login;
pub mod operator_queue;
pub mod outbox;
pub mod presence;
pub mod problem;
pub mod recovery;
pub mod registration;
pub mod replay;
pub mod request;
pub mod retention;
pub mod serve;
pub mod session;
pub mod state;
pub mod verify;

use axum::Router;
use axum::routing::get;
use ikd_core::credential::ISSUER_KEYS_PATH;
use limits::{Group, RateLimiters};

pub use client::ClientAddr;
pub use issuer::issuer_keys;
pub use limits::{Limits, RateLimit};
pub use outbox::{OutboxQuery, dev_outbox};
pub use problem::{ApiError, Problem};
pub use request::{JsonBody, parse_device_key};
pub use serve::serve;
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

/// The routes of a logged-in resident: each request needs the session's device signature
/// ([`session::require_proof`]), and only these may take a [`session::Session`].
fn resident_routes(app: AppState, limit: &RateLimiters) -> Router<AppState> {
    Router::new()
        .route("/v1/me", get(me::biodata))
        .route("/v1/me/pin", limit.post(Group::Login, account::change_pin))
        .route(
            "/v1/me/release-device",
            limit.post(Group::Login, account::release_device),
        )
        .route(
            "/v1/me/credentials",
            limit.post(Group::Write, me::credentials),
        )
        .route("/v1/me/family", get(me::family))
        .route("/v1/me/activity", get(me::activity))
        .route("/v1/me/device-change", get(device_change::mine))
        .route(
            "/v1/me/device-change/cancel",
            limit.post(Group::Write, device_change::cancel_mine),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            app,
            session::require_proof,
        ))
}

/// The whole application; the `/dev/` endpoints only in development mode. Writes are rate limited
/// per client address by route group ([`limits`]), every request ends within the request timeout.
pub fn router(app: AppState) -> Router {
    let dev = if app.dev_mode() {
        Router::new().route("/dev/outbox", get(dev_outbox))
    } else {
        Router::new()
    };
    let limit = RateLimiters::new(app.limits());
    Router::new()
        .route("/healthz", get(health))
        .route("/.well-known/assetlinks.json", get(app_links::assetlinks))
        .route(
            "/.well-known/apple-app-site-association",
            get(app_links::apple_app_site_association),
        )
        .route("/app/{action}", get(app_links::landing))
        .route(ISSUER_KEYS_PATH, get(issuer_keys))
        .route(
            "/v1/liveness/challenges",
            limit.post(Group::Challenge, liveness::challenge),
        )
        .route("/v1/recovery", limit.post(Group::Register, recovery::start))
        .route(
            "/v1/recovery/{id}/confirm",
            limit.post(Group::Login, recovery::confirm),
        )
        .route(
            "/v1/registrations",
            limit.post(Group::Register, registration::register),
        )
        .route("/v1/recovery/{id}", get(device_change::status))
        .route(
            "/v1/recovery/{id}/complete",
            limit.post(Group::Login, device_change::complete),
        )
        .route(
            "/device-change/cancel",
            limit
                .post(Group::Write, device_change::cancel_link)
                .get(device_change::cancel_page),
        )
        .route(
            "/v1/operator/device-changes",
            get(device_change_office::list),
        )
        .route(
            "/v1/operator/device-changes/{id}/approve",
            limit.post(Group::Write, device_change_office::approve),
        )
        .route(
            "/v1/operator/device-changes/{id}/reject",
            limit.post(Group::Write, device_change_office::reject),
        )
        .route(
            "/operator/device-changes",
            get(console::device_changes::list),
        )
        .route(
            "/operator/device-changes/{id}/approve",
            limit.post(Group::Write, console::device_changes::approve),
        )
        .route(
            "/operator/device-changes/{id}/reject",
            limit.post(Group::Write, console::device_changes::reject),
        )
        .route("/v1/registrations/{id}", get(registration::status))
        .route(
            "/v1/activation",
            limit.post(Group::Login, account::activate),
        )
        .route(
            "/v1/login/challenge",
            limit.post(Group::Login, account::challenge),
        )
        .route("/v1/login", limit.post(Group::Login, account::login))
        .route("/v1/verify", limit.post(Group::Write, verify::verify))
        .route(
            "/v1/operator/login",
            limit.post(Group::OperatorLogin, operator::login),
        )
        .route(
            "/v1/operator/logout",
            limit.post(Group::Write, operator::logout),
        )
        .route("/v1/operator/registrations", get(operator_queue::list))
        .route(
            "/v1/operator/registrations/{id}/approve",
            limit.post(Group::Write, operator::approve),
        )
        .route(
            "/v1/operator/registrations/{id}/reject",
            limit.post(Group::Write, operator::reject),
        )
        .route(
            "/v1/operator/accounts/{nik}/unlock",
            limit.post(Group::Write, lockout::unlock),
        )
        .route("/v1/operator/audit", get(audit::list))
        .route("/operator/audit", get(console::audit_page))
        .route("/operator", get(console::home))
        .route(
            "/operator/login",
            limit.post(Group::OperatorLogin, console::login),
        )
        .route(
            "/operator/logout",
            limit.post(Group::Write, console::logout),
        )
        .route(
            "/operator/registrations/{id}/approve",
            limit.post(Group::Write, console::approve),
        )
        .route(
            "/operator/registrations/{id}/reject",
            limit.post(Group::Write, console::reject),
        )
        .route(
            "/operator/liveness/{challenge}/{index}",
            get(console::liveness_frame),
        )
        .route("/openapi.json", get(openapi::serve))
        .merge(resident_routes(app.clone(), &limit))
        .merge(dev)
        .fallback(not_found)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            app.limits().request_timeout,
        ))
        .layer(axum::middleware::from_fn(problem::language))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(app)
}
