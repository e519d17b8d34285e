//! `ikd-client`: everything the resident's app does, without a screen.
//!
//! * [`siak`]: the typed HTTP client of the central SIAK (timeouts, retries for idempotent calls,
//!   clear errors for offline / server down / refused), and [`signing`]: the device's signature
//!   on every call made on a session.
//! * [`storage`]: secrets behind the [`SecretStore`] trait and non-secret state written
//!   atomically to the app's data directory.
//! * [`pin_key`]: the device key and the cache key sealed with a key derived from the PIN
//!   (argon2id), so the secret store alone opens nothing.
//! * [`resident`]: the flows — register, follow the status, activate, unlock, show the QR, change
//!   the PIN, release the device — with offline unlock and offline QR from cached credentials.
//!
//! * [`app`]: the app as its screens see it — language, lock, the half-done form — answering
//!   every command with a ready-to-render [`views`] type or a localised [`views::UiError`].
//!
//! No Tauri here: the app shell calls these in one or two lines, and tests drive whole flows
//! headless against a real `siak-mock`.

pub mod app;
pub mod error;
pub mod keyring;
pub mod pin_key;
pub mod resident;
pub mod siak;
pub mod signing;
pub mod storage;
pub mod views;

pub use app::App;
pub use error::ClientError;
pub use keyring::{KeyringStore, PLATFORM_STORE};
pub use resident::{Applicant, Resident, UnlockOutcome};
pub use siak::SiakClient;
pub use signing::SessionAuth;
pub use storage::{MemoryStore, SecretStore, StateDir};
