//! Issued credentials: which profile, key and device each was issued for, and their revocation.

use chrono::{DateTime, Utc};
use ikd_core::credential::Profile;
use rusqlite::{Connection, OptionalExtension, params};

use super::ts;

/// An issued credential.
#[derive(Debug, Clone, Copy)]
pub struct NewCredential<'a> {
    /// Credential id (base64url).
    pub id: &'a str,
    /// NIK.
    pub nik: &'a str,
    /// Disclosure profile.
    pub profile: Profile,
    /// Issuer key id (base64url).
    pub kid: &'a str,
    /// Device key it is bound to (base64url).
    pub device_key: &'a str,
    /// Issued at.
    pub issued_at: DateTime<Utc>,
    /// Valid until.
    pub valid_until: DateTime<Utc>,
}

/// What the issuer knows about an issued credential now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialStatus {
    /// The resident it was issued to.
    pub nik: String,
    /// Revoked.
    pub revoked: bool,
    /// The account is active.
    pub account_active: bool,
    /// The device the account is on now.
    pub current_device: Option<String>,
    /// The device the credential is bound to.
    pub bound_device: String,
}

impl CredentialStatus {
    /// Not revoked, the account active, and still on the device the credential is bound to.
    pub fn is_active(&self) -> bool {
        !self.revoked
            && self.account_active
            && self.current_device.as_deref() == Some(self.bound_device.as_str())
    }
}

/// Records an issued credential.
pub fn insert(conn: &Connection, c: NewCredential<'_>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO credentials (id, nik, profile, kid, device_key, issued_at, valid_until) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![c.id, c.nik, c.profile.as_str(), c.kid, c.device_key, ts(c.issued_at), ts(c.valid_until)],
    )?;
    Ok(())
}

/// The status of credential `id`, if it was issued here.
pub fn status(conn: &Connection, id: &str) -> rusqlite::Result<Option<CredentialStatus>> {
    conn.query_row(
        "SELECT c.nik, c.revoked_at, a.state, a.device_key, c.device_key FROM credentials c
         LEFT JOIN accounts a ON a.nik = c.nik WHERE c.id = ?1",
        params![id],
        |r| {
            Ok(CredentialStatus {
                nik: r.get(0)?,
                revoked: r.get::<_, Option<String>>(1)?.is_some(),
                account_active: r.get::<_, Option<String>>(2)?.as_deref() == Some("active"),
                current_device: r.get(3)?,
                bound_device: r.get(4)?,
            })
        },
    )
    .optional()
}

/// Revokes every credential of `nik` not yet revoked.
pub fn revoke_all(conn: &Connection, nik: &str, at: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE credentials SET revoked_at = ?2 WHERE nik = ?1 AND revoked_at IS NULL",
        params![nik, ts(at)],
    )?;
    Ok(())
}
