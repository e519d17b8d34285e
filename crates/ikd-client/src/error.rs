//! One error type for the app: each variant says what the resident can do about it, with a
//! stable code and messages in Bahasa Indonesia and English. A refusal by the server keeps the
//! server's own code and messages.

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
            ClientError::Refused(p) => pick(p.message_id.clone(), p.message_en.clone()),
            ClientError::Invalid { message_id, message_en, .. } => pick(message_id.clone(), message_en.clone()),
            ClientError::NotReady(_) => pick(
                "Langkah ini belum bisa dilakukan. Selesaikan langkah sebelumnya dulu.".into(),
                "This step is not possible yet. Finish the previous step first.".into(),
            ),
            ClientError::PinLocked { retry_after_secs } => {
                ikd_core::pin::PinLocked { retry_after_secs: *retry_after_secs }.message(lang)
            }
            ClientError::Storage(_) => pick(
                "Penyimpanan aman di HP tidak bisa dipakai. Mulai ulang aplikasi.".into(),
                "The phone's secure storage cannot be used. Restart the app.".into(),
            ),
        }
    }
}
