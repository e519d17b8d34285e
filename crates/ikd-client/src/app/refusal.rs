//! The app's own refusals (not the core's nor the server's): a stable code and the words in both
//! languages, in one table.

use ikd_core::i18n::{Lang, Localized, pick};

/// A refusal by the app itself.
pub(super) struct AppRefusal {
    code: &'static str,
    id: &'static str,
    en: &'static str,
}

impl Localized for AppRefusal {
    fn code(&self) -> &'static str {
        self.code
    }
    fn message(&self, lang: Lang) -> String {
        pick(lang, self.id.into(), self.en.into())
    }
}

/// The PIN typed twice differs.
pub(super) const PIN_MISMATCH: AppRefusal = AppRefusal {
    code: "pin_confirmation_mismatch",
    id: "PIN yang diulang tidak sama. Ketik PIN yang sama dua kali.",
    en: "The repeated PIN is different. Type the same PIN twice.",
};

/// A language tag other than `id` or `en`.
pub(super) const UNKNOWN_LANG: AppRefusal = AppRefusal {
    code: "lang_unknown",
    id: "Bahasa tidak dikenal. Pilih Bahasa Indonesia (id) atau English (en).",
    en: "Unknown language. Choose Bahasa Indonesia (id) or English (en).",
};

/// A disclosure profile other than `age17`, `basic` or `full`.
pub(super) const UNKNOWN_PROFILE: AppRefusal = AppRefusal {
    code: "profile_unknown",
    id: "Pilihan data yang ditampilkan tidak dikenal (age17, basic atau full).",
    en: "Unknown disclosure choice (age17, basic or full).",
};

/// A mail link for a registration or device change of another phone.
pub(super) const LINK_OTHER_PHONE: AppRefusal = AppRefusal {
    code: "link_other_phone",
    id: "Tautan ini untuk pendaftaran atau ganti perangkat di ponsel lain. Buka email di ponsel yang Anda pakai mendaftar, atau ketik kodenya di sana.",
    en: "This link is for a registration or device change on another phone. Open the email on the phone you used, or type the code there.",
};

/// An activation link on a phone already activated.
pub(super) const LINK_ALREADY_ACTIVE: AppRefusal = AppRefusal {
    code: "link_already_active",
    id: "KTP Digital sudah aktif di ponsel ini; kode aktivasi tidak diperlukan lagi.",
    en: "The Digital KTP is already active on this phone; the activation code is no longer needed.",
};

/// A liveness frame or finish without an attempt.
pub(super) const LIVENESS_NOT_STARTED: AppRefusal = AppRefusal {
    code: "liveness_not_started",
    id: "Swafoto belum dimulai. Mulai lagi dari awal.",
    en: "The selfie has not started. Start again.",
};

/// A liveness finish before every action was seen.
pub(super) const LIVENESS_NOT_FINISHED: AppRefusal = AppRefusal {
    code: "liveness_not_finished",
    id: "Gerakan swafoto belum selesai. Ikuti petunjuk sampai selesai, atau ulangi.",
    en: "The selfie movements are not finished. Follow the prompts to the end, or start again.",
};
