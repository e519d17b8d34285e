//! What every handler shares: the register, the issuer keys, the PIN pepper, the mailer and the
//! clock. Database work runs on the blocking pool so a slow disk never stalls the async workers;
//! CPU-heavy work (password hashing, liveness analysis) runs through [`AppState::cpu`], bounded to
//! the machine's cores and never under the store lock, so a flood of it cannot starve the reads.

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use ring::rand::{SecureRandom, SystemRandom};

use super::problem::ApiError;
use super::replay::SeenProofs;
use crate::Store;
use crate::links::AppLinks;
use crate::mail::Mailer;
use crate::secrets::Secrets;

/// Liveness challenges one NIK may get per hour (`api::liveness::CHALLENGE_WINDOW`), unless
/// configured otherwise. Every registration and device change needs one, so this bounds the
/// selfie checks (CPU) and the device-change mails one NIK can cause, whoever asks; a resident
/// retrying honestly needs a few.
pub const DEFAULT_CHALLENGES_PER_NIK: u32 = 10;

/// Shared state of the server.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Mutex<Store>,
    cpu: tokio::sync::Semaphore,
    rng: SystemRandom,
    secrets: Secrets,
    mailer: Mailer,
    clock: Clock,
    app_links: AppLinks,
    challenges_per_nik: u32,
    limits: super::limits::Limits,
    device_change_wait: chrono::TimeDelta,
    dev: bool,
    login_addresses: super::login_throttle::AddressWindows,
    seen_proofs: SeenProofs,
}

/// Where "now" comes from: the system clock, or a clock tests set and move (code expiry, PIN
/// lockouts) without sleeping.
#[derive(Debug, Clone)]
pub enum Clock {
    /// The system clock.
    System,
    /// Seconds since the Unix epoch, set by the test.
    Manual(Arc<std::sync::atomic::AtomicI64>),
    /// The system clock plus the seconds a test moved it forward (tests that need real time, such
    /// as a client's, and still let a selfie's capture time pass without sleeping).
    Ahead(Arc<std::sync::atomic::AtomicI64>),
}

impl Clock {
    /// A manual clock starting at `t`.
    pub fn manual(t: DateTime<Utc>) -> Clock {
        Clock::Manual(Arc::new(std::sync::atomic::AtomicI64::new(t.timestamp())))
    }

    /// The system clock, moved forward by every [`advance`](Self::advance).
    pub fn ahead() -> Clock {
        Clock::Ahead(Arc::new(std::sync::atomic::AtomicI64::new(0)))
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Ahead(secs) => {
                let by = secs.load(std::sync::atomic::Ordering::SeqCst);
                Utc::now() + chrono::TimeDelta::seconds(by)
            }
            Clock::Manual(secs) => {
                DateTime::from_timestamp(secs.load(std::sync::atomic::Ordering::SeqCst), 0)
                    .unwrap_or_default()
            }
        }
    }

    /// Moves a manual or ahead clock forward (no effect on the system clock).
    pub fn advance(&self, by: chrono::TimeDelta) {
        if let Clock::Manual(secs) | Clock::Ahead(secs) = self {
            secs.fetch_add(by.num_seconds(), std::sync::atomic::Ordering::SeqCst);
        }
    }
}

impl AppState {
    /// State over an opened store.
    pub fn new(store: Store, secrets: Secrets, mailer: Mailer, clock: Clock) -> Self {
        AppState {
            inner: Arc::new(Inner {
                store: Mutex::new(store),
                cpu: tokio::sync::Semaphore::new(cpu_slots()),
                rng: SystemRandom::new(),
                secrets,
                mailer,
                clock,
                app_links: AppLinks::default(),
                challenges_per_nik: DEFAULT_CHALLENGES_PER_NIK,
                limits: super::limits::Limits::default(),
                device_change_wait: super::device_change::DEFAULT_WAIT,
                dev: false,
                login_addresses: Default::default(),
                seen_proofs: SeenProofs::default(),
            }),
        }
    }

    /// The same state publishing `links` (before it is shared with the router).
    pub fn with_app_links(mut self, links: AppLinks) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.app_links = links;
        }
        self
    }

    /// The same state allowing `n` liveness challenges per NIK and hour (before it is shared).
    pub fn with_challenges_per_nik(mut self, n: u32) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.challenges_per_nik = n;
        }
        self
    }

    /// The same state making a confirmed device change wait `wait` (before it is shared).
    pub fn with_device_change_wait(mut self, wait: chrono::TimeDelta) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.device_change_wait = wait;
        }
        self
    }

    /// How long a confirmed device change waits before the new device may complete it.
    pub fn device_change_wait(&self) -> chrono::TimeDelta {
        self.inner.device_change_wait
    }

    /// The same state in development mode (`serve --dev`: the outbox endpoint, the development
    /// operator password), before it is shared.
    pub fn with_dev_mode(mut self, dev: bool) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.dev = dev;
        }
        self
    }

    /// The same state with `limits` (rate limits, timeouts, pending expiry), before it is shared.
    pub fn with_limits(mut self, limits: super::limits::Limits) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.limits = limits;
        }
        self
    }

    /// The request limits.
    pub fn limits(&self) -> &super::limits::Limits {
        &self.inner.limits
    }

    /// Whether the server runs in development mode.
    pub fn dev_mode(&self) -> bool {
        self.inner.dev
    }

    /// Liveness challenges allowed per NIK and hour.
    pub fn challenges_per_nik(&self) -> u32 {
        self.inner.challenges_per_nik
    }

    /// Wrong operator passwords per client address (the login throttle).
    pub fn login_addresses(&self) -> &super::login_throttle::AddressWindows {
        &self.inner.login_addresses
    }

    /// The app-link settings (the mails' links, `/.well-known/`).
    pub fn app_links(&self) -> &AppLinks {
        &self.inner.app_links
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// The request proofs of resident requests seen lately (replay refusal).
    pub fn seen_proofs(&self) -> &SeenProofs {
        &self.inner.seen_proofs
    }

    /// Outgoing mail.
    pub fn mailer(&self) -> &Mailer {
        &self.inner.mailer
    }

    /// The issuer keys and the PIN pepper.
    pub fn secrets(&self) -> &Secrets {
        &self.inner.secrets
    }

    /// `N` random bytes from the system source.
    pub fn random<const N: usize>(&self) -> Result<[u8; N], ApiError> {
        let mut bytes = [0u8; N];
        self.inner
            .rng
            .fill(&mut bytes)
            .map_err(|_| ApiError::internal(&"system random source failed"))?;
        Ok(bytes)
    }

    /// The random source, for key generation.
    pub fn rng(&self) -> &SystemRandom {
        &self.inner.rng
    }

    /// Runs CPU-heavy `f` (a password hash, a liveness analysis) on the blocking pool, at most one
    /// per core at a time; callers beyond that wait their turn without holding the store. Never
    /// call [`db`](Self::db) from inside `f`.
    pub async fn cpu<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let _permit = self
            .inner
            .cpu
            .acquire()
            .await
            .map_err(|e| ApiError::internal(&e))?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| ApiError::internal(&e))
    }

    /// Runs `f` with the store on the blocking pool.
    pub async fn db<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut store = state
                .inner
                .store
                .lock()
                .map_err(|_| ApiError::internal(&"store lock poisoned"))?;
            f(&mut store)
        })
        .await
        .map_err(|e| ApiError::internal(&e))?
    }
}

/// How many CPU-heavy tasks run at once: the machine's cores (at least one).
fn cpu_slots() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

impl From<crate::StoreError> for ApiError {
    fn from(e: crate::StoreError) -> Self {
        ApiError::internal(&e)
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::internal(&e)
    }
}

/// 409 helper for conflicts with stored state.
pub fn conflict(code: &'static str, id: &str, en: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, id, en)
}
