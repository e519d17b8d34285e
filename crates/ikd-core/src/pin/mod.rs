//! The resident's 6-digit PIN: the rules a new PIN must follow ([`validation`]) and the
//! wrong-PIN lockout policy ([`lockout`]). The PIN itself never leaves the device in clear; this
//! module only decides whether a PIN is acceptable and whether an attempt may be made now.

pub mod lockout;
pub mod validation;

pub use lockout::{
    LockoutPolicy, PinAttempts, PinGate, PinHardLocked, PinLocked, SERVER_HARD_LOCK_AFTER,
};
pub use validation::{Pin, PinError};
