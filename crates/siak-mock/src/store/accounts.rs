//! Accounts: one per NIK, bound to one device while active, with the PIN verifier and the
//! server-side count of wrong PINs. Binding an account to a device (activation and device change)
//! and releasing it both sign the old device out everywhere: its credentials are revoked and its
//! sessions ended.

use chrono::{DateTime, Utc};
use ikd_core::PinAttempts;
use ikd_core::protocol::PinVerifier;
use rusqlite::{Connection, OptionalExtension, params};

use super::{credentials, sessions, ts};

/// The email of the account of `nik`, whatever its state.
pub fn email(conn: &Connection, nik: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT email FROM accounts WHERE nik = ?1",
        params![nik],
        |r| r.get(0),
    )
    .optional()
}

/// The device key (base64url) the account of `nik` is active on, if it is active.
pub fn active_device(conn: &Connection, nik: &str) -> rusqlite::Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT device_key FROM accounts WHERE nik = ?1 AND state = 'active'",
            params![nik],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten())
}

/// What an activation takes from the approved registration.
#[derive(Debug, Clone, Copy)]
pub struct Opening<'a> {
    /// NIK.
    pub nik: &'a str,
    /// The registration activated.
    pub registration_id: &'a str,
    /// Its email.
    pub email: &'a str,
    /// Its phone.
    pub phone: &'a str,
}

/// Creates the account of an activated registration, or points an existing one at it; then
/// [`bind_device`] binds it to the registration's device.
pub fn open(conn: &Connection, a: Opening<'_>, at: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO accounts (nik, registration_id, email, phone, state, activated_at)
         VALUES (?1, ?2, ?3, ?4, 'active', ?5)
         ON CONFLICT (nik) DO UPDATE SET registration_id = ?2, email = ?3, phone = ?4, activated_at = ?5",
        params![a.nik, a.registration_id, a.email, a.phone, ts(at)],
    )?;
    Ok(())
}

/// Binds the account of `nik` to `device_key` with a new PIN verifier (made with the key of
/// `key_version`), clears the wrong-PIN count and signs every other device out (credentials
/// revoked, sessions ended).
pub fn bind_device(
    conn: &Connection,
    nik: &str,
    device_key: &str,
    pin: &PinVerifier,
    key_version: i64,
    at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE accounts SET device_key = ?2, state = 'active', pin_salt = ?3, pin_hash = ?4, pin_key_version = ?5,
           pin_failures = 0, pin_last_failure_at = NULL, released_at = NULL WHERE nik = ?1",
        params![nik, device_key, pin.salt.to_vec(), pin.hash.to_vec(), key_version],
    )?;
    sign_out_everywhere(conn, nik, at)
}

/// Releases the account's device (Lepas Perangkat) and signs it out everywhere.
pub fn release(conn: &Connection, nik: &str, at: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE accounts SET state = 'released', device_key = NULL, released_at = ?2 WHERE nik = ?1",
        params![nik, ts(at)],
    )?;
    sign_out_everywhere(conn, nik, at)
}

fn sign_out_everywhere(conn: &Connection, nik: &str, at: DateTime<Utc>) -> rusqlite::Result<()> {
    credentials::revoke_all(conn, nik, at)?;
    sessions::end_all(conn, nik)
}

/// The wrong-PIN count of `nik`.
pub fn pin_attempts(conn: &Connection, nik: &str) -> rusqlite::Result<PinAttempts> {
    conn.query_row(
        "SELECT pin_failures, pin_last_failure_at, pin_latest_seen FROM accounts WHERE nik = ?1",
        params![nik],
        |r| {
            Ok(PinAttempts {
                consecutive_failures: r.get(0)?,
                last_failure_at: r.get(1)?,
                latest_seen: r.get(2)?,
            })
        },
    )
}

/// Saves the wrong-PIN count of `nik`.
pub fn save_pin_attempts(conn: &Connection, nik: &str, a: &PinAttempts) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE accounts SET pin_failures = ?2, pin_last_failure_at = ?3, pin_latest_seen = ?4 WHERE nik = ?1",
        params![nik, a.consecutive_failures, a.last_failure_at.map(ts), a.latest_seen.map(ts)],
    )?;
    Ok(())
}

/// A PIN verifier as stored: salt and hash (their sizes are the caller's to check) and the
/// version of the key that made it (1: the root secret, 2: the PIN verifiers' own key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPin {
    /// The salt.
    pub salt: Vec<u8>,
    /// The hash.
    pub hash: Vec<u8>,
    /// Which key made it.
    pub key_version: i64,
}

/// The stored PIN verifier of `nik`.
pub fn pin(conn: &Connection, nik: &str) -> rusqlite::Result<StoredPin> {
    conn.query_row(
        "SELECT pin_salt, pin_hash, pin_key_version FROM accounts WHERE nik = ?1",
        params![nik],
        |r| {
            Ok(StoredPin {
                salt: r.get(0)?,
                hash: r.get(1)?,
                key_version: r.get(2)?,
            })
        },
    )
}

/// Replaces the PIN verifier of `nik` (Ubah PIN, or the same PIN re-keyed) with one made with
/// the key of `key_version`.
pub fn set_pin(
    conn: &Connection,
    nik: &str,
    pin: &PinVerifier,
    key_version: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE accounts SET pin_salt = ?2, pin_hash = ?3, pin_key_version = ?4 WHERE nik = ?1",
        params![nik, pin.salt.to_vec(), pin.hash.to_vec(), key_version],
    )?;
    Ok(())
}
