//! The emailed one-time codes (activation, device change): stored as a keyed hash, single use,
//! expiring, burnt after a number of wrong tries. One check for both kinds, each in its own words.
//! New hashes are keyed with the emailed codes' own key ([`Purpose::EmailedCode`]); a code stored
//! before that (key version 1) is checked with the root secret until it expires.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use ikd_core::protocol::ActivationCode;
use ring::hmac;
use rusqlite::Transaction;

use super::problem::ApiError;
use crate::secrets::{Purpose, PurposeKeys, Secrets};
use crate::store::codes::{self, CodeTable, StoredCode};

/// Keyed hash of a new code, as stored, and the version of the key that made it.
pub fn code_hash(secrets: &Secrets, code: &ActivationCode) -> (Vec<u8>, i64) {
    let key = hmac::Key::new(hmac::HMAC_SHA256, &secrets.key(Purpose::EmailedCode));
    let hash = hmac::sign(&key, code.as_str().as_bytes()).as_ref().to_vec();
    (hash, PurposeKeys::CURRENT)
}

/// An error's code and its Indonesian and English words.
pub type Words = (&'static str, &'static str, &'static str);

/// A kind of emailed code: where it is stored and what a resident is told.
#[derive(Debug)]
pub struct CodeKind {
    /// Where the codes are stored.
    pub table: CodeTable,
    /// Wrong codes allowed; the last one burns the code.
    pub max_tries: i64,
    /// Already used (409).
    pub used: Words,
    /// Burnt by earlier wrong tries (410).
    pub burnt: Words,
    /// Burnt by this wrong try (410, the same code as `burnt`).
    pub burnt_now: Words,
    /// Expired (410).
    pub expired: Words,
    /// Wrong (400); the tries left are added to both texts.
    pub wrong: Words,
}

fn error(status: StatusCode, (code, id, en): Words) -> ApiError {
    ApiError::new(status, code, id, en)
}

impl CodeKind {
    /// Redeems `code` for row `id` at `now`: checks it, and marks it used in `tx`, which is handed
    /// back for the caller's work (committing it commits the use). A wrong code is counted, burns
    /// the code at the limit, and that count is committed with `tx` before the error is returned.
    pub fn redeem<'c>(
        &self,
        tx: Transaction<'c>,
        id: &str,
        code: &ActivationCode,
        keys: &PurposeKeys,
        now: DateTime<Utc>,
    ) -> Result<Transaction<'c>, ApiError> {
        let stored = codes::load(&tx, self.table, id)?.ok_or_else(|| {
            ApiError::internal(&format!("{} {id} has no code", self.table.table()))
        })?;
        let tx = self.check(tx, id, &stored, code, keys, now)?;
        codes::mark_used(&tx, self.table, id, now)?;
        Ok(tx)
    }

    /// Checks `code` against `stored` (the code of row `id`) at `now`; see [`CodeKind::redeem`].
    fn check<'c>(
        &self,
        tx: Transaction<'c>,
        id: &str,
        stored: &StoredCode,
        code: &ActivationCode,
        keys: &PurposeKeys,
        now: DateTime<Utc>,
    ) -> Result<Transaction<'c>, ApiError> {
        if stored.used {
            return Err(error(StatusCode::CONFLICT, self.used));
        }
        if stored.burnt {
            return Err(error(StatusCode::GONE, self.burnt));
        }
        if now > stored.expires_at {
            return Err(error(StatusCode::GONE, self.expired));
        }
        let key = keys.version(stored.key_version).ok_or_else(|| {
            ApiError::internal(&format!("{} {id}: unknown key version", self.table.table()))
        })?;
        let key = hmac::Key::new(hmac::HMAC_SHA256, key);
        if hmac::verify(&key, code.as_str().as_bytes(), &stored.hash).is_ok() {
            return Ok(tx);
        }
        let tries = stored.tries + 1;
        codes::count_wrong(&tx, self.table, id, tries, self.max_tries, now)?;
        tx.commit()?;
        let left = self.max_tries - tries;
        Err(if left <= 0 {
            error(StatusCode::GONE, self.burnt_now)
        } else {
            let (code, id, en) = self.wrong;
            ApiError::new(
                StatusCode::BAD_REQUEST,
                code,
                format!("{id} Sisa percobaan: {left}."),
                format!("{en} Tries left: {left}."),
            )
        })
    }
}
