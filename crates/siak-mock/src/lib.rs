//! `siak-mock`: the mock central SIAK (Sistem Informasi Administrasi Kependudukan Terpusat), the
//! population register that the IKD ("KTP Digital") app registers against.
//!
//! This layer holds the register itself:
//!
//! * [`population`]: a deterministic synthetic population (seed + count + reference date → the same
//!   residents and family cards (KK, Kartu Keluarga) on every machine), with real area codes and
//!   residents that must be rejected for each reason.
//! * [`store`]: SQLite storage (WAL, foreign keys, versioned migrations) that creates and fills the
//!   register on first open, and owns every SQL statement the HTTP layer and the CLI run.
//! * [`api`]: the HTTP handlers, over [`store`], [`mail`] (the mails and the mailer), [`links`]
//!   (the app-link settings) and [`text`] (bilingual text, HTML escaping). Dependencies point
//!   downwards only: `api → mail → store`, `api → links`, `api → operator_accounts → store`,
//!   everything `→ text`; nothing below `api` imports from it.
//! * [`operator_accounts`]: who may approve registrations and with which password (development
//!   operators, passwords an administrator sets); [`server`] starts the server in development or
//!   deployment mode.
//!
//! Every identity rule (NIK layout, eligibility, phone and email formats) belongs to `ikd-core`;
//! this crate only produces data that obeys it and must never re-implement a rule differently.

pub mod api;
pub mod links;
pub mod mail;
pub mod operator_accounts;
pub mod operator_password;
pub mod population;
pub mod secrets;
pub mod server;
pub mod store;
pub mod text;

pub use population::{
    Address, BloodType, Citizenship, FamilyCard, IdentityStatus, LifeStatus, PopulationSpec,
    Relationship, Religion, Resident, SampleReason,
};
pub use store::{PopulationInfo, ResidentRecord, Sample, Store, StoreError};
