//! `ikd-core`: the domain of the IKD (Identitas Kependudukan Digital, "KTP Digital") resident app.
//!
//! Pure functions and newtypes shared by the app, the mock central SIAK (Sistem Informasi
//! Administrasi Kependudukan) server and the verifier tools. This crate must never do I/O: no
//! network, no files, no clock, no randomness source, no Tauri. Callers pass the current date/time
//! and the keys in; everything here is deterministic and cheap enough to call per keystroke.
//!
//! * [`nik`]: the 16-digit population number (Nomor Induk Kependudukan), its region and birth date.
//! * [`contact`]: email and Indonesian mobile phone numbers.
//! * [`card`], [`activity`]: the card's lines and the activity history's kinds, as screens show them.
//! * [`pin`]: the 6-digit PIN rules and the wrong-PIN lockout policy.
//! * [`credential`]: the issuer-signed Digital KTP credential, the device-signed presentation
//!   shown as a QR code, and its offline verification.
//! * [`qr`]: rendering a presentation as a QR code (SVG or grey-level matrix).
//! * [`protocol`]: device proofs, the PIN proof, activation codes and the registration QR.
//! * [`registration`]: the registration state machine shared by the server and the client.
//! * [`wire`]: the JSON messages between the app and the SIAK server; [`device_change`] those of
//!   a device change that waits before it completes.
//! * [`ids`]: the registration, challenge and recovery ids the server hands out.
//! * [`liveness`]: the moving-face selfie on the wire: challenge actions, signed evidence (the face
//!   analysis, tracker and server re-check are in the `ikd-liveness` crate).
//! * [`i18n`]: user-facing messages in Bahasa Indonesia and English.

pub mod activity;
pub mod card;
pub mod contact;
pub mod credential;
pub mod device_change;
pub mod i18n;
pub mod ids;
pub mod link;
pub mod liveness;
pub mod nik;
pub mod offices;
pub mod pin;
pub mod protocol;
pub mod qr;
pub mod registration;
pub mod wire;

pub use contact::{Email, EmailError, PhoneError, PhoneNumber};
pub use i18n::{Lang, Localized};
pub use ids::{ChallengeId, MalformedId, RecoveryId, RegistrationId};
pub use nik::{Eligibility, MaritalStatus, Nik, NikError, NikWarning, Sex, eligibility};
pub use offices::{Channel, ChannelKind, Office};
pub use pin::{LockoutPolicy, Pin, PinAttempts, PinError, PinGate};
pub use registration::{RegistrationEvent, RegistrationState, RejectionReason};
