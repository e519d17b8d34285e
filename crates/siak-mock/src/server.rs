//! `siak-mock serve`: opens (or creates and populates) the register, loads (or creates) the
//! issuer keys and PIN pepper, binds, prints `listening on http://HOST:PORT` as the first line on
//! stdout, and serves until Ctrl-C or SIGTERM, finishing requests in flight.
//!
//! Two modes. **Development** (`dev`): the outbox endpoint `/dev/outbox` is routed, the outbox
//! keeps whole mails (codes included), and the seeded operators log in with the public
//! development password; it binds only a loopback address, since anyone who can reach it can
//! read activation codes. **Deployment** (the default): no `/dev/` routes, the outbox keeps no
//! mail bodies (bodies left by a development session are emptied at start), and the server
//! refuses to start until some operator has a password an administrator set
//! (`SIAK_MOCK_OPERATOR_PASSWORD` or `siak-mock operator add`).

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};
use tokio::net::TcpListener;

use crate::api::{self, AppState, Clock};
use crate::mail::{Mailer, SmtpConfig};
use crate::operator_accounts;
use crate::secrets::{Purpose, Secrets};
use crate::store::outbox;
use crate::{PopulationSpec, Store};

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to bind (port 0 picks a free port).
    pub bind: SocketAddr,
    /// SQLite database; created and populated on first start.
    pub db: PathBuf,
    /// Issuer keys and PIN pepper; default: beside the database.
    pub secrets: Option<PathBuf>,
    /// Population for a new database.
    pub population: PopulationSpec,
    /// SMTP relay; without it mail goes to the local outbox only.
    pub smtp: Option<SmtpConfig>,
    /// Development mode: `/dev/outbox`, whole mails in the outbox, the development operator
    /// password; loopback addresses only.
    pub dev: bool,
    /// The password of the default operator (`SIAK_MOCK_OPERATOR_PASSWORD`), set at start; at
    /// least 12 characters and not the development password.
    pub operator_password: Option<String>,
    /// The public domain of the mails' app links and the apps it may open.
    pub app_links: crate::links::AppLinks,
    /// How long liveness pictures are kept after their case ended.
    pub frame_retention: chrono::TimeDelta,
    /// Liveness challenges one NIK may get per hour.
    pub challenges_per_nik: u32,
    /// Per-client rate limits, the trusted proxy, timeouts, pending-registration expiry.
    pub limits: api::Limits,
    /// How long a confirmed device change waits before the new phone may complete it (zero only
    /// in development mode).
    pub device_change_wait: chrono::TimeDelta,
}

impl ServerConfig {
    /// The secrets file path in effect.
    pub fn secrets_path(&self) -> PathBuf {
        self.secrets
            .clone()
            .unwrap_or_else(|| crate::secrets::default_path(&self.db))
    }
}

/// Builds the state from the configuration: refuses a development server on a non-loopback
/// address, opens the store, loads the secrets, sets up the operators for the mode, and refuses a
/// deployment server no operator can log in to.
pub fn build_state(config: &ServerConfig, clock: Clock) -> anyhow::Result<AppState> {
    if config.dev && !config.bind.ip().is_loopback() {
        bail!(
            "--dev (SIAK_MOCK_DEV) serves every activation code at /dev/outbox without a login, so it \
             binds only a loopback address, not {bind}. Use --bind 127.0.0.1:{port}, or drop --dev \
             and run in deployment mode: set SIAK_MOCK_OPERATOR_PASSWORD (or `siak-mock operator \
             add`) and --smtp-host for the mails",
            bind = config.bind,
            port = config.bind.port()
        );
    }
    if !config.dev && config.device_change_wait <= chrono::TimeDelta::zero() {
        bail!(
            "--device-change-wait 0 (SIAK_MOCK_DEVICE_CHANGE_WAIT) lets whoever has the mailbox and a \
             passing selfie take an account over at once; it is allowed only with --dev"
        );
    }
    if let Some(password) = &config.operator_password {
        operator_accounts::check_password(password)
            .context("SIAK_MOCK_OPERATOR_PASSWORD (--operator-password) refused")?;
    }
    let now = clock.now();
    let mut store = Store::open_with(&config.db, config.population)
        .with_context(|| format!("opening database {}", config.db.display()))?;
    let secrets = Secrets::load_or_create(&config.secrets_path(), now)?;
    let operator_key = secrets.key(Purpose::OperatorPassword);
    if config.dev {
        operator_accounts::seed_development(&mut store, &operator_key)
            .context("seeding the development operators")?;
    } else {
        let emptied = outbox::forget_bodies(store.connection()).context("clearing mail bodies")?;
        if emptied > 0 {
            tracing::info!(
                emptied,
                "deployment mode: emptied mail bodies a development session left in the outbox"
            );
        }
    }
    if let Some(password) = &config.operator_password {
        operator_accounts::set_default_password(&mut store, password, &operator_key, now)?;
    }
    if !config.dev && !operator_accounts::deployment_credentials_exist(&store)? {
        bail!(
            "no operator can log in: deployment mode accepts only passwords an administrator set. \
             Set SIAK_MOCK_OPERATOR_PASSWORD (at least {min} characters, for {default}), or run \
             `siak-mock operator add --db {db} --username NAME --office PPRR|pusat`; or start with \
             --dev for development on this machine (loopback only)",
            min = operator_accounts::MIN_PASSWORD_CHARS,
            default = operator_accounts::DEFAULT_OPERATOR,
            db = config.db.display()
        );
    }
    if !config.dev && config.smtp.is_none() {
        tracing::warn!(
            "deployment mode without --smtp-host: mails are recorded without their bodies and sent nowhere, so residents get no activation code"
        );
    }
    let mailer = Mailer::new(config.smtp.clone()).keeping_bodies(config.dev);
    Ok(AppState::new(store, secrets, mailer, clock)
        .with_app_links(config.app_links.clone())
        .with_challenges_per_nik(config.challenges_per_nik)
        .with_limits(config.limits.clone())
        .with_device_change_wait(config.device_change_wait)
        .with_dev_mode(config.dev))
}

/// Binds and serves until shutdown.
pub async fn serve(config: ServerConfig) -> anyhow::Result<()> {
    let state = tokio::task::spawn_blocking({
        let config = config.clone();
        move || build_state(&config, Clock::System)
    })
    .await??;
    let listener = TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("binding {}", config.bind))?;
    let addr = listener.local_addr()?;
    // Scripts and tests read this first line to find the server.
    println!("listening on http://{addr}");
    tracing::info!(%addr, db = %config.db.display(), smtp = config.smtp.is_some(), dev = config.dev, "siak-mock serving");
    let purge = tokio::spawn(api::retention::run(state.clone(), config.frame_retention));
    api::serve(listener, state, shutdown_signal()).await;
    purge.abort();
    tracing::info!("siak-mock stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
