//! Wrong PINs, counted on the server with the core's [`LockoutPolicy::server`]: short locks first,
//! then a hard lock after [`ikd_core::pin::SERVER_HARD_LOCK_AFTER`] wrong PINs in a row. A hard
//! lock ends every session of the account and mails the resident; only a completed device change
//! (`recovery`, which re-binds the account with a new PIN) or an operator's
//! `POST /v1/operator/accounts/{nik}/unlock` ends it (an office operator only for the residents of
//! its regency; audited).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use ikd_core::pin::{PinHardLocked, PinLocked};
use ikd_core::protocol::{PinProof, PinVerifier};
use ikd_core::{LockoutPolicy, Nik, PinGate};
use rusqlite::Transaction;

use super::operator::Operator;
use super::problem::{ApiError, Problem};
use super::state::{AppState, conflict};
use crate::mail::{Mail, Mailer, Notice};
use crate::secrets::PurposeKeys;
use crate::store::activity::{self, ActivityKind};
use crate::store::audit::AuditAction;
use crate::store::{accounts, sessions};

/// 423: the account is hard-locked (`account_hard_locked`), with what to do.
pub fn hard_locked() -> ApiError {
    ApiError::localized(StatusCode::LOCKED, &PinHardLocked)
}

fn refused(gate: PinGate) -> ApiError {
    match gate {
        PinGate::HardLocked => hard_locked(),
        PinGate::Locked {
            retry_after_secs, ..
        } => ApiError::localized(
            StatusCode::TOO_MANY_REQUESTS,
            &PinLocked { retry_after_secs },
        )
        .retry_after(retry_after_secs),
        PinGate::Open {
            attempts_before_lock,
        } => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "pin_wrong",
            format!("PIN salah. Sisa percobaan sebelum dikunci sementara: {attempts_before_lock}."),
            format!("Wrong PIN. Attempts left before a temporary lock: {attempts_before_lock}."),
        ),
    }
}

/// Checks `proof` against the account's PIN with server-side counting; a verifier still keyed
/// with the root secret is re-keyed with the PIN verifiers' own key when the proof matches. A locked or hard-locked
/// account is refused before the PIN is looked at. On a wrong PIN the count is committed before
/// the error is returned; the wrong PIN that reaches the hard lock also ends every session of
/// the account and mails the resident (recorded in the same transaction, sent after it).
pub fn check_pin<'c>(
    tx: Transaction<'c>,
    nik: &str,
    proof: &PinProof,
    keys: &PurposeKeys,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<Transaction<'c>, ApiError> {
    let policy = LockoutPolicy::server();
    let mut attempts = accounts::pin_attempts(&tx, nik)?;
    if let gate @ (PinGate::Locked { .. } | PinGate::HardLocked) = policy.gate(&attempts, now) {
        return Err(refused(gate));
    }
    let stored = accounts::pin(&tx, nik)?;
    let verifier = PinVerifier {
        salt: stored
            .salt
            .try_into()
            .map_err(|_| ApiError::internal(&"stored PIN salt has the wrong size"))?,
        hash: stored
            .hash
            .try_into()
            .map_err(|_| ApiError::internal(&"stored PIN hash has the wrong size"))?,
    };
    let key = keys
        .version(stored.key_version)
        .ok_or_else(|| ApiError::internal(&"stored PIN verifier has an unknown key version"))?;
    if verifier.matches(proof, key) {
        attempts.record_success(now);
        accounts::save_pin_attempts(&tx, nik, &attempts)?;
        if stored.key_version != PurposeKeys::CURRENT {
            // The proof is at hand: re-key the verifier made with the root secret.
            let rekeyed = PinVerifier::derive(proof, verifier.salt, keys.current());
            accounts::set_pin(&tx, nik, &rekeyed, PurposeKeys::CURRENT)?;
        }
        return Ok(tx);
    }
    attempts.record_failure(now);
    accounts::save_pin_attempts(&tx, nik, &attempts)?;
    activity::log(&tx, nik, now, ActivityKind::PinWrong)?;
    let gate = policy.gate(&attempts, now);
    let mail = if gate == PinGate::HardLocked {
        sessions::end_all(&tx, nik)?;
        activity::log(&tx, nik, now, ActivityKind::PinLocked)?;
        let to = accounts::email(&tx, nik)?
            .ok_or_else(|| ApiError::internal(&"a PIN without an account"))?;
        let mail = Mail::notice(&to, nik, Notice::AccountHardLocked { at: now });
        mailer.record(&tx, &mail, now)?;
        Some(mail)
    } else {
        None
    };
    tx.commit()?;
    if let Some(mail) = mail {
        mailer.deliver_later(mail);
    }
    Err(refused(gate))
}

/// Ends the hard lock of the account of `nik` (the resident came to the office): the wrong-PIN
/// count starts again. The device, the PIN and the credentials stay as they were.
#[utoipa::path(post, path = "/v1/operator/accounts/{nik}/unlock", tag = "operator", security(("operator" = [])),
    params(("nik" = String, Path, description = "The account's NIK")),
    responses(
        (status = 204, description = "Unlocked"),
        (status = 400, description = "Not a NIK", body = Problem),
        (status = 401, description = "No operator session", body = Problem),
        (status = 404, description = "No account for this NIK, or one outside the operator's region (`account_not_found`)", body = Problem),
        (status = 409, description = "The account is not hard-locked (`account_not_hard_locked`)", body = Problem),
    ))]
pub async fn unlock(
    State(app): State<AppState>,
    op: Operator,
    Path(nik): Path<String>,
) -> Result<StatusCode, ApiError> {
    let now = app.now();
    let nik = Nik::parse(&nik, now.date_naive()).map_err(|e| ApiError::bad_request(&e))?;
    app.db(move |store| {
        let tx = store.connection_mut().transaction()?;
        let in_scope = op.office.covers(&nik);
        let nik = nik.as_str();
        if !in_scope || accounts::email(&tx, nik)?.is_none() {
            return Err(ApiError::not_found(
                "account_not_found",
                "Tidak ada akun KTP Digital untuk NIK ini.",
                "There is no Digital KTP account for this NIK.",
            ));
        }
        let mut attempts = accounts::pin_attempts(&tx, nik)?;
        if !LockoutPolicy::server().is_hard_locked(&attempts) {
            return Err(conflict(
                "account_not_hard_locked",
                "Akun ini tidak sedang dikunci karena PIN salah.",
                "This account is not locked for wrong PINs.",
            ));
        }
        attempts.record_success(now);
        accounts::save_pin_attempts(&tx, nik, &attempts)?;
        op.audit(&tx, AuditAction::Unlock, nik, nik, now)?;
        tx.commit()?;
        tracing::info!(operator = %op.username, nik, "account unlocked at the office");
        Ok(StatusCode::NO_CONTENT)
    })
    .await
}
