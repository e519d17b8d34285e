//! What one client may cost the server: how many writes an address may make per route group
//! (`tower_governor`, a token bucket per address), how long a request may run, and how long a
//! client may take to send its headers (set where connections are served, [`super::serve`]).
//!
//! The key is the peer address of the connection. Behind a reverse proxy every request comes from
//! the proxy, so with `--trusted-proxy <ip>` the address the proxy forwards (`X-Forwarded-For`,
//! else `Forwarded`) is used instead — only for requests whose peer *is* that proxy: anyone else
//! sending those headers is keyed by their own address, so a client cannot pick a fresh address
//! per request. Reads (GET) are not limited: they are cheap, and the app polls its status.
//!
//! Refusals are 429 `too_many_requests` with `Retry-After`, before the handler runs: a refused
//! request reads no body and changes nothing.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::handler::Handler;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};
use chrono::TimeDelta;
use tower_governor::GovernorError;
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;

use super::client::client_ip;
use super::problem::ApiError;
use super::state::AppState;

/// Whether per-client rate limits apply (`--rate-limit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum RateLimit {
    /// No per-client limit (tests that make many calls from one address, a benchmark of the
    /// handlers alone).
    Off,
    /// The quotas of [`Group::quota`].
    #[default]
    Normal,
}

/// The request limits of a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Per-client rate limits on or off.
    pub rate_limit: RateLimit,
    /// The reverse proxy whose forwarded client address is believed (`--trusted-proxy`).
    pub trusted_proxy: Option<IpAddr>,
    /// Longest a request may run before it is answered 503 `request_timeout`.
    pub request_timeout: Duration,
    /// Longest a client may take to send a request's headers before the connection is closed.
    pub header_read_timeout: Duration,
    /// How long a registration may wait for its operator before it expires.
    pub pending_expiry: TimeDelta,
}

/// [`Limits::request_timeout`] unless configured otherwise.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// [`Limits::header_read_timeout`] unless configured otherwise.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// [`Limits::pending_expiry`] unless configured otherwise.
pub const DEFAULT_PENDING_EXPIRY: TimeDelta = TimeDelta::days(14);

impl Default for Limits {
    fn default() -> Self {
        Limits {
            rate_limit: RateLimit::Normal,
            trusted_proxy: None,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            pending_expiry: DEFAULT_PENDING_EXPIRY,
        }
    }
}

/// A group of routes sharing one bucket per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Registration and device-change starts: each runs a selfie analysis and tells whether a NIK
    /// may register.
    Register,
    /// Liveness challenges (one per selfie; the per-NIK hourly limit applies as well).
    Challenge,
    /// Resident login, activation, device-change confirmation, PIN change, release.
    Login,
    /// Operator logins (JSON and console): a password hash each.
    OperatorLogin,
    /// Every other write.
    Write,
}

/// A bucket: `burst` requests at once, then one more every `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Requests allowed at once.
    pub burst: u32,
    /// Time until one more is allowed.
    pub every: Duration,
}

impl Group {
    /// Every group.
    pub const ALL: [Group; 5] = [
        Group::Register,
        Group::Challenge,
        Group::Login,
        Group::OperatorLogin,
        Group::Write,
    ];

    /// The quota per client address under `--rate-limit normal`.
    pub const fn quota(self) -> Quota {
        let (burst, every_ms) = match self {
            Group::Register => (10, 60_000),
            Group::Challenge => (30, 20_000),
            Group::Login => (30, 2_000),
            Group::OperatorLogin => (20, 3_000),
            Group::Write => (120, 250),
        };
        Quota {
            burst,
            every: Duration::from_millis(every_ms),
        }
    }
}

/// The rate-limit key: the client address as [`client_ip`] resolves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ClientKey {
    trusted_proxy: Option<IpAddr>,
}

impl KeyExtractor for ClientKey {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<IpAddr, GovernorError> {
        let peer = req
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip())
            .ok_or(GovernorError::UnableToExtractKey)?;
        Ok(client_ip(peer, req.headers(), self.trusted_proxy))
    }
}

/// A route wrapped in its group's rate-limit layer.
type Limit = Arc<dyn Fn(MethodRouter<AppState>) -> MethodRouter<AppState> + Send + Sync>;

/// One rate-limit layer per [`Group`] (sharing its bucket across the group's routes), or none
/// when rate limits are off.
#[derive(Clone)]
pub struct RateLimiters {
    layers: Option<Vec<(Group, Limit)>>,
}

impl RateLimiters {
    /// The layers for `limits`.
    pub fn new(limits: &Limits) -> RateLimiters {
        let key = ClientKey {
            trusted_proxy: limits.trusted_proxy,
        };
        let layers = (limits.rate_limit == RateLimit::Normal).then(|| {
            Group::ALL
                .into_iter()
                .filter_map(|group| {
                    let quota = group.quota();
                    let config = GovernorConfigBuilder::default()
                        .period(quota.every)
                        .burst_size(quota.burst)
                        .key_extractor(key)
                        .finish()?;
                    let layer = tower_governor::GovernorLayer::new(config).error_handler(refusal);
                    let limit: Limit = Arc::new(move |route| route.layer(layer.clone()));
                    Some((group, limit))
                })
                .collect()
        });
        RateLimiters { layers }
    }

    /// `POST handler`, limited as `group`.
    pub fn post<H, T>(&self, group: Group, handler: H) -> MethodRouter<AppState>
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let route = post(handler);
        match self.layers.iter().flatten().find(|(g, _)| *g == group) {
            Some((_, limit)) => limit(route),
            None => route,
        }
    }
}

/// The answer to a request over its quota: 429 `too_many_requests` with `Retry-After`.
fn refusal(error: GovernorError) -> Response {
    match error {
        GovernorError::TooManyRequests { wait_time, .. } => too_many_requests(wait_time.max(1)),
        other => ApiError::internal(&other),
    }
    .into_response()
}

/// 429 `too_many_requests`, try again in `secs` seconds.
pub fn too_many_requests(secs: u64) -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_requests",
        format!("Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam {secs} detik."),
        format!("Too many requests from your address. Try again in {secs} seconds."),
    )
    .retry_after(secs)
}
