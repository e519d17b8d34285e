//! User-facing text in Bahasa Indonesia (first) and English (second).
//!
//! Every error a person can read implements [`Localized`]: a stable machine `code` (snake_case,
//! never changes once published: the UI, the server's problem+json bodies and tests rely on it) and
//! a message per language. Messages say what is wrong and what to do, in plain words.
//!
//! [`pick`] is the one bilingual helper every crate uses. The words of a domain type live beside
//! it (`RegistrationState::describe`, `Sex::label`, `ActivityKind::label`, …); the few screen
//! texts of rules kept elsewhere — the PIN rules as listed, the notice on data shown offline —
//! are here.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A language the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Bahasa Indonesia, the default.
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// Parses a BCP 47-ish tag (`id`, `id-ID`, `en`, `en-GB`, …); anything else is `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "id" | "in" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// An error or notice that a person reads.
pub trait Localized {
    /// Stable machine-readable code, e.g. `nik_wrong_length`.
    fn code(&self) -> &'static str;
    /// The message in the given language.
    fn message(&self, lang: Lang) -> String;
}

/// Picks the one for `lang` out of an (Indonesian, English) pair: the one bilingual helper of the
/// workspace (messages, labels, static texts alike).
pub fn pick<T>(lang: Lang, id: T, en: T) -> T {
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

/// A localized message rendered for both languages, ready to serialise to a UI or an HTTP body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedMessage {
    /// Stable code.
    pub code: String,
    /// Message in Bahasa Indonesia.
    pub message_id: String,
    /// Message in English.
    pub message_en: String,
}

impl LocalizedMessage {
    /// Renders `err` in both languages.
    pub fn of(err: &dyn Localized) -> Self {
        LocalizedMessage {
            code: err.code().to_owned(),
            message_id: err.message(Lang::Id),
            message_en: err.message(Lang::En),
        }
    }
}

/// A code read from a record or the server that this version does not know (a sex, an
/// activity kind, a registration state). The caller decides what to show: the value as it came,
/// or an error.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown {what} {value:?}")]
pub struct UnknownCode {
    /// What the value should have been (`sex`, `activity kind`, …).
    pub what: &'static str,
    /// The value as it came.
    pub value: String,
}

/// The PIN rules of [`crate::pin`] (`Pin::parse_new`), as the PIN screens list them.
pub fn pin_rules(lang: Lang) -> Vec<String> {
    let rules: [(&str, &str); 4] = [
        ("Tepat 6 angka.", "Exactly 6 digits."),
        (
            "Paling sedikit 2 angka berbeda (bukan 111111).",
            "At least 2 different digits (not 111111).",
        ),
        (
            "Bukan urutan naik atau turun (bukan 123456 atau 654321).",
            "Not an ascending or descending run (not 123456 or 654321).",
        ),
        (
            "Bukan tanggal lahir Anda (seperti tertulis di NIK).",
            "Not your birth date (as written in the NIK).",
        ),
    ];
    rules
        .into_iter()
        .map(|(id, en)| pick(lang, id.into(), en.into()))
        .collect()
}

/// The notice over a Digital KTP shown from saved data because the server could not be reached:
/// until when the saved credentials are valid, or that none are saved yet.
pub fn stale_notice(valid_until: Option<DateTime<Utc>>, lang: Lang) -> String {
    match valid_until {
        Some(until) => pick(
            lang,
            format!(
                "Tidak terhubung ke server: KTP Digital ditampilkan dari data tersimpan (berlaku sampai {}). Akan diperbarui saat ada koneksi.",
                until.format("%d-%m-%Y %H:%M UTC")
            ),
            format!(
                "Not connected to the server: the Digital KTP is shown from saved data (valid until {}). It refreshes when the connection returns.",
                until.format("%Y-%m-%d %H:%M UTC")
            ),
        ),
        None => pick(
            lang,
            "Tidak terhubung ke server dan belum ada KTP Digital tersimpan. Sambungkan ke internet.".into(),
            "Not connected to the server and no Digital KTP is saved yet. Connect to the internet.".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_map_to_the_two_languages() {
        assert_eq!(Lang::from_tag("id-ID"), Some(Lang::Id));
        assert_eq!(Lang::from_tag("in"), Some(Lang::Id));
        assert_eq!(Lang::from_tag("en_GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn the_stale_notice_dates_follow_each_language() {
        let until = DateTime::parse_from_rfc3339("2030-01-02T03:04:00Z")
            .expect("date")
            .with_timezone(&Utc);
        assert!(stale_notice(Some(until), Lang::Id).contains("02-01-2030 03:04 UTC"));
        assert!(stale_notice(Some(until), Lang::En).contains("2030-01-02 03:04 UTC"));
        assert_ne!(stale_notice(None, Lang::Id), stale_notice(None, Lang::En));
        assert_eq!(pin_rules(Lang::Id).len(), pin_rules(Lang::En).len());
    }
}
