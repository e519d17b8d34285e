//! An operator logging in, for the JSON API and the console alike: throttled per client address
//! and per user name ([`super::login_throttle`]), the password checked with argon2id on the CPU
//! pool ([`AppState::cpu`]) between two short store calls (read, then write the outcome), never
//! under the store lock. A user name that does not exist costs the same hash and counts like a
//! wrong password, so neither time nor throttle tells names apart. A hash of before (PBKDF2) is
//! replaced by an argon2id one at its first successful login. Every outcome is audited; the
//! wrong password that begins a user name's throttle mails the operator's office.

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, TimeDelta, Utc};

use super::client::ClientAddr;
use super::login_throttle::{THROTTLE_AFTER, THROTTLE_WINDOW, retry_after, throttled};
use super::problem::ApiError;
use super::session::token_hash;
use super::state::AppState;
use crate::mail::Mail;
use crate::operator_accounts::DEV_PASSWORD;
use crate::operator_password::{self, Verdict};
use crate::secrets::Purpose;
use crate::store::audit::{self, AuditAction, NewAudit};
use crate::store::operators::{self, StoredPassword};

/// An operator session ends after this long without a request (each request extends it).
pub const IDLE_TIMEOUT: TimeDelta = TimeDelta::minutes(15);
/// An operator session ends this long after login, however busy.
pub const SESSION_CAP: TimeDelta = TimeDelta::hours(12);
/// The longest user name kept in the throttle counts and the audit trail (longer ones cannot
/// exist; `operator_accounts` allows 64).
const MAX_USERNAME: usize = 64;

/// 401 `operator_login_failed`.
pub fn login_failed() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "operator_login_failed",
        "Nama pengguna atau kata sandi salah.",
        "Wrong user name or password.",
    )
}

/// What the first store call found.
struct Found {
    stored: Option<StoredPassword>,
    office_code: Option<String>,
}

/// Logs `username` in with `password` from `from`: the new session token, or 401
/// `operator_login_failed`, or 429 `operator_login_throttled` (with `Retry-After`).
pub async fn log_in(
    app: &AppState,
    username: &str,
    password: &str,
    from: ClientAddr,
) -> Result<String, ApiError> {
    let now = app.now();
    if let Some(secs) = app.login_addresses().throttled(from.0, now) {
        return Err(throttled(secs));
    }
    let name: String = username.chars().take(MAX_USERNAME).collect();
    let found = {
        let name = name.clone();
        app.db(move |store| {
            let conn = store.connection();
            if let Some((failures, start)) =
                operators::login_failures(conn, &name, now - THROTTLE_WINDOW)?
                && let Some(secs) = retry_after(failures, start, now)
            {
                return Err(throttled(secs));
            }
            Ok(Found {
                stored: operators::password(conn, &name)?,
                office_code: operators::office_code(conn, &name)?,
            })
        })
        .await?
    };
    let key = app.secrets().key(Purpose::OperatorPassword);
    let dev = app.dev_mode();
    let (password, stored) = (password.to_owned(), found.stored);
    let (verdict, rehash) = app
        .cpu(move || {
            let Some(stored) = stored else {
                return (operator_password::verify_unknown(&password, &key), None);
            };
            let allowed = dev || (stored.set_by_administrator && password != DEV_PASSWORD);
            let verdict = operator_password::verify(&stored, &password, &key);
            let verdict = if allowed { verdict } else { Verdict::Wrong };
            let rehash = (verdict == Verdict::MatchLegacy)
                .then(|| operator_password::hash(&password, &key).ok())
                .flatten();
            (verdict, rehash)
        })
        .await?;
    let audit_base = Audit {
        username: name,
        office_code: found.office_code,
        from,
        now,
    };
    if verdict.matched() {
        let token = B64.encode(app.random::<32>()?);
        let hash = token_hash(&token);
        app.db(move |store| {
            let tx = store.connection_mut().transaction()?;
            let a = &audit_base;
            operators::clear_login_failures(&tx, &a.username)?;
            if let Some(phc) = rehash {
                operators::rehash(&tx, &a.username, phc.as_bytes())?;
            }
            operators::open_session(
                &tx,
                &hash,
                &a.username,
                now + IDLE_TIMEOUT,
                now + SESSION_CAP,
            )?;
            a.record(&tx, AuditAction::Login)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
        return Ok(token);
    }
    let address_throttled = app.login_addresses().fail(from.0, now);
    let mailer = app.mailer().clone();
    let mail = app
        .db(move |store| {
            let tx = store.connection_mut().transaction()?;
            let a = &audit_base;
            let (failures, start) =
                operators::record_login_failure(&tx, &a.username, now, now - THROTTLE_WINDOW)?;
            a.record(&tx, AuditAction::LoginFailed)?;
            if address_throttled {
                tracing::warn!(client = %a.from, "operator logins from this address throttled");
                a.record(&tx, AuditAction::Throttled)?;
            }
            let mut mail = None;
            if failures == THROTTLE_AFTER {
                tracing::warn!(username = %a.username, "operator logins of this user name throttled");
                if !address_throttled {
                    a.record(&tx, AuditAction::Throttled)?;
                }
                match operators::email(&tx, &a.username)? {
                    Some(to) => {
                        let m = Mail::operator_throttled(&to, &a.username, start + THROTTLE_WINDOW);
                        mailer.record(&tx, &m, now)?;
                        mail = Some(m);
                    }
                    None => tracing::warn!(username = %a.username, "no office address to tell"),
                }
            }
            tx.commit()?;
            Ok(mail)
        })
        .await?;
    if let Some(mail) = mail {
        app.mailer().deliver(mail).await;
    }
    Err(login_failed())
}

/// Who an audit record of a login names.
struct Audit {
    username: String,
    office_code: Option<String>,
    from: ClientAddr,
    now: DateTime<Utc>,
}

impl Audit {
    fn record(&self, conn: &rusqlite::Connection, action: AuditAction) -> rusqlite::Result<()> {
        audit::record(
            conn,
            NewAudit {
                username: &self.username,
                office_code: self.office_code.as_deref(),
                action,
                subject: None,
                nik: None,
                client_addr: &self.from.to_string(),
                at: self.now,
            },
        )
    }
}
