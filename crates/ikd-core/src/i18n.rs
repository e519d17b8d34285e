//! User-facing text in Bahasa Indonesia (first) and English (second).
//!
//! Every error a person can read implements [`Localized`]: a stable machine `code` (snake_case,
//! never changes once published: the UI, the server's problem+json bodies and tests rely on it) and
//! a message per language. Messages say what is wrong and what to do, in plain words.

use serde::{Deserialize, Serialize};

/// A language the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
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

/// Picks the message for `lang` out of an (Indonesian, English) pair.
pub fn pick(lang: Lang, id: String, en: String) -> String {
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
}
