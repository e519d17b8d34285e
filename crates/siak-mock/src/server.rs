//! `siak-mock serve`: opens (or creates and populates) the register, loads (or creates) the
//! issuer keys and PIN pepper, binds, prints `listening on http://HOST:PORT` as the first line on
//! stdout, and serves until Ctrl-C or SIGTERM, finishing requests in flight.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::api::{self, AppState, Clock};
use crate::mail::{Mailer, SmtpConfig};
use crate::secrets::Secrets;
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
    /// Seeded operator accounts' password (development only).
    pub operator_password: String,
    /// The public domain of the mails' app links and the apps it may open.
    pub app_links: crate::links::AppLinks,
    /// How long liveness pictures are kept after their case ended.
    pub frame_retention: chrono::TimeDelta,
    /// Liveness challenges one NIK may get per hour.
    pub challenges_per_nik: u32,
}

impl ServerConfig {
    /// The secrets file path in effect.
    pub fn secrets_path(&self) -> PathBuf {
        self.secrets
            .clone()
            .unwrap_or_else(|| crate::secrets::default_path(&self.db))
    }
}

/// Builds the state from the configuration (opens the store, loads the secrets, seeds operators).
pub fn build_state(config: &ServerConfig, clock: Clock) -> anyhow::Result<AppState> {
    let now = clock.now();
    let mut store = Store::open_with(&config.db, config.population)
        .with_context(|| format!("opening database {}", config.db.display()))?;
    let secrets = Secrets::load_or_create(&config.secrets_path(), now)?;
    api::operator::seed_operators(&mut store, &config.operator_password, secrets.pepper())
        .context("seeding operator accounts")?;
    Ok(
        AppState::new(store, secrets, Mailer::new(config.smtp.clone()), clock)
            .with_app_links(config.app_links.clone())
            .with_challenges_per_nik(config.challenges_per_nik),
    )
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
    tracing::info!(%addr, db = %config.db.display(), smtp = config.smtp.is_some(), "siak-mock serving");
    let purge = tokio::spawn(api::retention::run(state.clone(), config.frame_retention));
    axum::serve(listener, api::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
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
