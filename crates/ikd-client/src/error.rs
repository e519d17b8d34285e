//! One error type for the app: each variant says what the resident can do about it, with a
//! stable code and messages in Bahasa Indonesia and English. A refusal by the server keeps the
//! server's own code and, but for the few refusals the app words itself ([`app_words`]: the
//! login refusal that does not say which of NIK or device was wrong, and the hard lock, each
//! saying what to do in this app), its messages.

use ikd_core::i18n::{Lang, Localized};
use ikd_core::wire::Problem;
use thiserror::Error;

/// Anything a flow can fail with.
#[derive(Debug, Error)]
pub enum ClientError {
    /// No network, DNS failure, or the connection was refused/reset.
    #[error("cannot reach the SIAK server: {0}")]
    Offline(String),
    /// The server took too long.
    #[error("the SIAK server did not answer in time")]
    Timeout,
    /// The server answered with a 5xx or something that is not our API.
    #[error("the SIAK server is not working (HTTP {status})")]
    ServerDown {
        /// HTTP status.
        status: u16,
    },
    /// The server refused the request, with its reason.
    #[error("refused: {} ({})", .0.code, .0.message_en)]
    Refused(Box<Problem>),
    /// A rule of the core refused local input (NIK, email, phone, PIN, …).
    #[error("{code}: {message_en}")]
    Invalid {
        /// The core's code.
        code: &'static str,
        /// Indonesian message.
        message_id: String,
        /// English message.
        message_en: String,
    },
    /// The step needs state the app does not have (not registered, not activated, no credentials).
    #[error("not possible now: {0}")]
    NotReady(&'static str),
    /// The PIN is locked on this device.
    #[error("PIN locked for {retry_after_secs} s")]
    PinLocked {
        /// Seconds left.
        retry_after_secs: u64,
    },
    /// The wrong-PIN counter in the secret store cannot be read: the PIN stays locked rather
    /// than counting from zero.
    #[error("the wrong-PIN counter cannot be read")]
    PinCounterUnreadable,
    /// Storage failed (secret store or the app's data directory).
    #[error("storage: {0}")]
    Storage(String),
}

impl ClientError {
    /// Wraps any core error a person reads.
    pub fn invalid(err: &dyn Localized) -> Self {
        ClientError::Invalid {
            code: err.code(),
            message_id: err.message(Lang::Id),
            message_en: err.message(Lang::En),
        }
    }
}

impl Localized for ClientError {
    fn code(&self) -> &'static str {
        match self {
            ClientError::Offline(_) => "offline",
            ClientError::Timeout => "timeout",
            ClientError::ServerDown { .. } => "server_down",
            // The server's code is dynamic; `refused` is the family, the UI shows `problem.code`.
            ClientError::Refused(_) => "refused",
            ClientError::Invalid { code, .. } => code,
            ClientError::NotReady(what) => what,
            ClientError::PinLocked { .. } => "pin_locked",
            ClientError::PinCounterUnreadable => "pin_counter_unreadable",
            ClientError::Storage(_) => "storage_failed",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let pick = |id, en| ikd_core::i18n::pick(lang, id, en);
        match self {
            ClientError::Offline(_) => pick(
                "Tidak ada koneksi ke server. Periksa internet Anda; KTP Digital yang sudah tersimpan tetap bisa dibuka.".into(),
                "No connection to the server. Check your internet; a Digital KTP already saved still opens.".into(),
            ),
            ClientError::Timeout => pick(
                "Server terlalu lama menjawab. Coba lagi sebentar lagi.".into(),
                "The server took too long to answer. Try again in a moment.".into(),
            ),
            ClientError::ServerDown { status } => pick(
                format!("Server SIAK sedang bermasalah (kode {status}). Coba lagi nanti."),
                format!("The SIAK server is having problems (code {status}). Try again later."),
            ),
            ClientError::Refused(p) => app_words(&p.code, lang)
                .unwrap_or_else(|| pick(p.message_id.clone(), p.message_en.clone())),
            ClientError::Invalid { message_id, message_en, .. } => pick(message_id.clone(), message_en.clone()),
            ClientError::NotReady(_) => pick(
                "Langkah ini belum bisa dilakukan. Selesaikan langkah sebelumnya dulu.".into(),
                "This step is not possible yet. Finish the previous step first.".into(),
            ),
            ClientError::PinLocked { retry_after_secs } => {
                ikd_core::pin::PinLocked { retry_after_secs: *retry_after_secs }.message(lang)
            }
            ClientError::PinCounterUnreadable => pick(
                "PIN dikunci: penghitung PIN salah di penyimpanan aman HP tidak bisa dibaca. Pakai Ganti Perangkat / Lupa PIN (swafoto dan kode email) untuk memasang KTP Digital lagi.".into(),
                "PIN locked: the phone's secure storage cannot read the wrong-PIN counter. Use Change device / Forgot PIN (a selfie and an emailed code) to set up your Digital KTP again.".into(),
            ),
            ClientError::Storage(_) => pick(
                "Penyimpanan aman di HP tidak bisa dipakai. Mulai ulang aplikasi.".into(),
                "The phone's secure storage cannot be used. Restart the app.".into(),
            ),
        }
    }
}

/// The app's own words for a server refusal whose remedy is in this app, in `lang`.
fn app_words(code: &str, lang: Lang) -> Option<String> {
    let pick = |id: &str, en: &str| ikd_core::i18n::pick(lang, id.to_owned(), en.to_owned());
    match code {
        // The server does not say whether the NIK has no account or the device is not the
        // account's (that would tell a stranger which NIKs have one).
        "login_refused" => Some(pick(
            "NIK atau ponsel ini tidak dikenali server untuk akun KTP Digital. Jika KTP Digital Anda sudah dipindahkan ke ponsel lain atau dilepas, pakai Ganti Perangkat / Lupa PIN di aplikasi ini (swafoto dan kode email), atau daftar lagi.",
            "The server does not recognise this NIK or phone for a Digital KTP account. If your Digital KTP was moved to another phone or released, use Change device / Forgot PIN in this app (a selfie and an emailed code), or register again.",
        )),
        "account_hard_locked" => Some(ikd_core::pin::PinHardLocked.message(lang)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(code: &str) -> ClientError {
        ClientError::Refused(Box::new(Problem {
            kind: format!("urn:ikd:problem:{code}"),
            title: "Unauthorized".into(),
            status: 401,
            code: code.into(),
            detail: "server words".into(),
            message_id: "kata server".into(),
            message_en: "server words".into(),
            retry_after: None,
        }))
    }

    #[test]
    fn the_uniform_login_refusal_and_the_hard_lock_say_what_to_do_in_the_app() {
        let login = refused("login_refused");
        assert!(login.message(Lang::Id).contains("Ganti Perangkat"));
        assert!(login.message(Lang::En).contains("Change device"));
        let locked = refused("account_hard_locked");
        assert!(locked.message(Lang::Id).contains("Disdukcapil"));
        assert!(locked.message(Lang::En).contains("Change device"));
        assert_eq!(refused("pin_wrong").message(Lang::En), "server words");
    }

    #[test]
    fn an_unreadable_pin_counter_says_what_to_do_in_both_languages() {
        let err = ClientError::PinCounterUnreadable;
        assert_eq!(err.code(), "pin_counter_unreadable");
        assert!(err.message(Lang::Id).contains("Ganti Perangkat"));
        assert!(err.message(Lang::En).contains("Change device"));
    }
}
