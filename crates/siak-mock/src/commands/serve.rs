//! `siak-mock serve`: the HTTP server, configured by flags or environment variables.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use chrono::NaiveDate;

use siak_mock::PopulationSpec;
use siak_mock::api::limits::{self, Limits, RateLimit};
use siak_mock::links::AppLinks;
use siak_mock::mail::{SmtpConfig, SmtpSecurity};
use siak_mock::server::{ServerConfig, serve};

/// Options of `siak-mock serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (printed on the first line).
    #[arg(long, env = "SIAK_MOCK_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// SQLite database; created and populated on first start.
    #[arg(long, env = "SIAK_MOCK_DB", default_value = "siak-mock.db")]
    db: PathBuf,
    /// Issuer signing keys and PIN pepper (JSON, mode 0600); default `<db>.secrets.json`.
    #[arg(long, env = "SIAK_MOCK_SECRETS")]
    secrets: Option<PathBuf>,
    /// Residents to generate in a new database.
    #[arg(long, env = "SIAK_MOCK_POPULATION", default_value_t = PopulationSpec::default().count)]
    population: u32,
    /// Seed of the generated population.
    #[arg(long, env = "SIAK_MOCK_SEED", default_value_t = PopulationSpec::default().seed)]
    seed: u64,
    /// Reference date of the generated population.
    #[arg(long, default_value_t = PopulationSpec::default().reference_date)]
    reference_date: NaiveDate,
    /// SMTP relay host; without it, mail stays in the local outbox (whole mails, readable at
    /// `GET /dev/outbox`, only with --dev).
    #[arg(long, env = "SIAK_MOCK_SMTP_HOST")]
    smtp_host: Option<String>,
    /// SMTP port.
    #[arg(long, env = "SIAK_MOCK_SMTP_PORT", default_value_t = 587)]
    smtp_port: u16,
    /// SMTP transport security.
    #[arg(long, env = "SIAK_MOCK_SMTP_SECURITY", value_enum, default_value_t = SmtpSecurity::Starttls)]
    smtp_security: SmtpSecurity,
    /// SMTP user name.
    #[arg(long, env = "SIAK_MOCK_SMTP_USER")]
    smtp_user: Option<String>,
    /// SMTP password (use the environment variable rather than the flag).
    #[arg(long, env = "SIAK_MOCK_SMTP_PASSWORD", hide_env_values = true)]
    smtp_password: Option<String>,
    /// From address of mails.
    #[arg(
        long,
        env = "SIAK_MOCK_SMTP_FROM",
        default_value = "SIAK Mock <noreply@siak-mock.invalid>"
    )]
    smtp_from: String,
    /// Development mode, loopback addresses only: routes `/dev/outbox`, keeps whole mails
    /// (codes included) in the outbox, and seeds operators with the password `operator-dev`.
    /// Without it (deployment mode) the server needs an operator password an administrator set.
    #[arg(long, env = "SIAK_MOCK_DEV", action = clap::ArgAction::SetTrue,
          value_parser = clap::builder::BoolishValueParser::new())]
    dev: bool,
    /// Sets the password of the default operator `operator.pusat` at start (created if missing;
    /// at least 12 characters, not `operator-dev`). Use the environment variable, not the flag.
    #[arg(long, env = "SIAK_MOCK_OPERATOR_PASSWORD", hide_env_values = true)]
    operator_password: Option<String>,
    /// Public domain of the app links in mails (`https://<domain>/app/…`); without it the mails
    /// carry only the app's own `ikd://` links.
    #[arg(long, env = "SIAK_MOCK_APP_LINK_HOST")]
    app_link_host: Option<String>,
    /// SHA-256 fingerprints of the Android app's signing certificates, for
    /// `/.well-known/assetlinks.json` (comma-separated, `AA:BB:…`).
    #[arg(long, env = "SIAK_MOCK_ANDROID_CERT_SHA256", value_delimiter = ',')]
    android_cert_sha256: Vec<String>,
    /// Apple app ids (`TEAMID.id.ikd.resident`) for `/.well-known/apple-app-site-association`
    /// (comma-separated).
    #[arg(long, env = "SIAK_MOCK_APPLE_APP_ID", value_delimiter = ',')]
    apple_app_id: Vec<String>,
    /// Days the pictures of a liveness check are kept after its case ended (registration
    /// decided, device change used or expired); pending registrations keep theirs.
    #[arg(long, env = "SIAK_MOCK_FRAME_RETENTION_DAYS",
          default_value_t = siak_mock::api::retention::DEFAULT_FRAME_RETENTION.num_days() as u32,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    frame_retention_days: u32,
    /// Liveness challenges one NIK may get per hour (each registration or device change needs
    /// one); more are refused with 429 and Retry-After.
    #[arg(long, env = "SIAK_MOCK_LIVENESS_CHALLENGES_PER_HOUR",
          default_value_t = siak_mock::api::state::DEFAULT_CHALLENGES_PER_NIK,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    liveness_challenges_per_hour: u32,
    /// Per-client rate limits on writes (`normal`: the quotas in docs/api.md; `off`: none).
    #[arg(long, env = "SIAK_MOCK_RATE_LIMIT", value_enum, default_value_t = RateLimit::Normal)]
    rate_limit: RateLimit,
    /// The reverse proxy in front of the server: for requests from this address only, the client
    /// address is read from `X-Forwarded-For` (else `Forwarded`) for the rate limits.
    #[arg(long, env = "SIAK_MOCK_TRUSTED_PROXY")]
    trusted_proxy: Option<IpAddr>,
    /// Seconds a request may run before it is answered 503 `request_timeout`.
    #[arg(long, env = "SIAK_MOCK_REQUEST_TIMEOUT_SECS",
          default_value_t = limits::DEFAULT_REQUEST_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    request_timeout_secs: u64,
    /// Seconds a client may take to send a request's headers before its connection is closed.
    #[arg(long, env = "SIAK_MOCK_HEADER_READ_TIMEOUT_SECS",
          default_value_t = limits::DEFAULT_HEADER_READ_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_read_timeout_secs: u64,
    /// Days a registration may wait for its operator before it expires (the resident is mailed
    /// and may register again).
    #[arg(long, env = "SIAK_MOCK_PENDING_EXPIRY_DAYS",
          default_value_t = limits::DEFAULT_PENDING_EXPIRY.num_days() as u32,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pending_expiry_days: u32,
    /// Hours a confirmed device change waits before the new phone may complete it; meanwhile the
    /// old phone, the mailed link or the resident's office can cancel it (an office can also
    /// approve it early). 0 only with --dev.
    #[arg(long, env = "SIAK_MOCK_DEVICE_CHANGE_WAIT",
          default_value_t = siak_mock::api::device_change::DEFAULT_WAIT.num_hours() as u32,
          value_parser = clap::value_parser!(u32).range(0..=24 * 90))]
    device_change_wait: u32,
}

impl ServeArgs {
    fn config(self) -> anyhow::Result<ServerConfig> {
        let smtp = self.smtp_host.map(|host| SmtpConfig {
            host,
            port: self.smtp_port,
            security: self.smtp_security,
            credentials: self.smtp_user.zip(self.smtp_password),
            from: self.smtp_from,
        });
        let app_links = AppLinks::new(
            self.app_link_host.as_deref(),
            &self.android_cert_sha256,
            &self.apple_app_id,
        )?;
        Ok(ServerConfig {
            bind: self.bind,
            db: self.db,
            secrets: self.secrets,
            population: PopulationSpec {
                seed: self.seed,
                count: self.population,
                reference_date: self.reference_date,
            },
            smtp,
            dev: self.dev,
            operator_password: self.operator_password,
            app_links,
            frame_retention: chrono::TimeDelta::days(i64::from(self.frame_retention_days)),
            challenges_per_nik: self.liveness_challenges_per_hour,
            limits: Limits {
                rate_limit: self.rate_limit,
                trusted_proxy: self.trusted_proxy,
                request_timeout: Duration::from_secs(self.request_timeout_secs),
                header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
                pending_expiry: chrono::TimeDelta::days(i64::from(self.pending_expiry_days)),
            },
            device_change_wait: chrono::TimeDelta::hours(i64::from(self.device_change_wait)),
        })
    }
}

/// Runs the server until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "siak_mock=info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?
        .block_on(serve(args.config()?))
}
