//! Disclosure profiles: how much of the KTP-el a presentation reveals.
//!
//! The resident chooses the profile; nothing here may widen what a profile reveals.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::i18n::{Lang, Localized, pick};

/// What a credential discloses, from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Only "aged 17 or over" (the KTP age) and an opaque holder id.
    Age17,
    /// NIK, name, birth date and sex.
    Basic,
    /// Every field printed on the KTP-el.
    Full,
}

impl Profile {
    /// All profiles, least revealing first.
    pub const ALL: [Profile; 3] = [Profile::Age17, Profile::Basic, Profile::Full];

    /// The wire name: `age17`, `basic` or `full`.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Age17 => "age17",
            Profile::Basic => "basic",
            Profile::Full => "full",
        }
    }

    /// A short description for people.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Profile::Age17, Lang::Id) => "Usia 17+ saja",
            (Profile::Age17, Lang::En) => "Age 17+ only",
            (Profile::Basic, Lang::Id) => "Data dasar (NIK, nama, tanggal lahir, jenis kelamin)",
            (Profile::Basic, Lang::En) => "Basic (NIK, name, birth date, sex)",
            (Profile::Full, Lang::Id) => "Seluruh data KTP-el",
            (Profile::Full, Lang::En) => "All KTP-el data",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A profile name that is not `age17`, `basic` or `full`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown disclosure profile {found:?}")]
pub struct ProfileParseError {
    /// The text that was given (cut to 32 characters).
    pub found: String,
}

impl Localized for ProfileParseError {
    fn code(&self) -> &'static str {
        "unknown_profile"
    }

    fn message(&self, lang: Lang) -> String {
        pick(
            lang,
            format!(
                "Profil \"{}\" tidak dikenal. Pilih age17, basic, atau full.",
                self.found
            ),
            format!(
                "Unknown profile \"{}\". Choose age17, basic or full.",
                self.found
            ),
        )
    }
}

impl FromStr for Profile {
    type Err = ProfileParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Profile::ALL
            .into_iter()
            .find(|p| p.as_str() == text)
            .ok_or_else(|| ProfileParseError {
                found: text.chars().take(32).collect(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_round_trip_through_text_and_json() {
        for profile in Profile::ALL {
            assert_eq!(profile.as_str().parse::<Profile>(), Ok(profile));
            let json = serde_json::to_string(&profile).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", profile.as_str()));
        }
    }

    #[test]
    fn unknown_profile_is_a_typed_error() {
        let err = "Full".parse::<Profile>().err();
        assert_eq!(err.as_ref().map(Localized::code), Some("unknown_profile"));
    }
}
