//! Contact details a resident registers with: an email address (where the activation code is
//! sent) and an Indonesian mobile number. Both are parsed once into newtypes.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::i18n::{Lang, Localized, pick};

/// A checked email address, trimmed, with the domain lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

/// Why a text is not an email address we can send to.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EmailError {
    /// Nothing typed.
    #[error("email is empty")]
    Empty,
    /// Longer than RFC 5321 allows (254 characters).
    #[error("email is longer than 254 characters")]
    TooLong,
    /// No `@`.
    #[error("email has no @")]
    MissingAt,
    /// The part after `@` is not a domain with a dot (e.g. `gmail.com`).
    #[error("email domain is not valid")]
    InvalidDomain,
    /// Anything else the address syntax does not allow.
    #[error("email is not valid: {0}")]
    Invalid(String),
}

impl Localized for EmailError {
    fn code(&self) -> &'static str {
        match self {
            EmailError::Empty => "email_empty",
            EmailError::TooLong => "email_too_long",
            EmailError::MissingAt => "email_missing_at",
            EmailError::InvalidDomain => "email_invalid_domain",
            EmailError::Invalid(_) => "email_invalid",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (id, en) = match self {
            EmailError::Empty => ("Masukkan alamat email Anda.", "Enter your email address."),
            EmailError::TooLong => (
                "Alamat email terlalu panjang (maksimal 254 karakter).",
                "The email address is too long (254 characters at most).",
            ),
            EmailError::MissingAt => (
                "Alamat email harus berisi @, misalnya nama@gmail.com.",
                "An email address needs an @, for example name@gmail.com.",
            ),
            EmailError::InvalidDomain => (
                "Bagian setelah @ bukan domain yang benar, misalnya gmail.com.",
                "The part after @ is not a valid domain, for example gmail.com.",
            ),
            EmailError::Invalid(_) => (
                "Alamat email tidak valid. Periksa ejaannya.",
                "The email address is not valid. Please check its spelling.",
            ),
        };
        pick(lang, id.into(), en.into())
    }
}

impl Email {
    /// Parses an address typed by a person.
    pub fn parse(input: &str) -> Result<Email, EmailError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err(EmailError::MissingAt);
        };
        let domain = domain.to_ascii_lowercase();
        let labels_ok = domain.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
        if !domain.contains('.') || !labels_ok {
            return Err(EmailError::InvalidDomain);
        }
        let address = format!("{local}@{domain}");
        email_address::EmailAddress::parse_with_options(
            &address,
            email_address::Options::default()
                .without_display_text()
                .without_domain_literal(),
        )
        .map_err(|e| EmailError::Invalid(e.to_string()))?;
        Ok(Email(address))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Email::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An Indonesian mobile number in E.164 form (`+628…`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

/// Why a text is not an Indonesian mobile number.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PhoneError {
    /// Nothing typed.
    #[error("phone number is empty")]
    Empty,
    /// A character that is not a digit or `+ ( ) - . space`.
    #[error("phone number contains {0:?}")]
    InvalidCharacter(char),
    /// A country code other than +62.
    #[error("phone number is not Indonesian (+62)")]
    NotIndonesian,
    /// A landline or other number whose subscriber part does not start with 8.
    #[error("phone number is not a mobile number (must start with 08 or +628)")]
    NotMobile,
    /// Too few or too many digits for an Indonesian mobile number.
    #[error("phone number has {digits} digits after 0; a mobile number has 9 to 12")]
    WrongLength {
        /// Digits after the trunk prefix `0`.
        digits: usize,
    },
}

impl Localized for PhoneError {
    fn code(&self) -> &'static str {
        match self {
            PhoneError::Empty => "phone_empty",
            PhoneError::InvalidCharacter(_) => "phone_invalid_character",
            PhoneError::NotIndonesian => "phone_not_indonesian",
            PhoneError::NotMobile => "phone_not_mobile",
            PhoneError::WrongLength { .. } => "phone_wrong_length",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            PhoneError::Empty => pick(
                lang,
                "Masukkan nomor HP yang aktif.".into(),
                "Enter an active mobile number.".into(),
            ),
            PhoneError::InvalidCharacter(c) => pick(
                lang,
                format!("Nomor HP hanya berisi angka; \"{c}\" tidak boleh."),
                format!("A mobile number has digits only; \"{c}\" is not allowed."),
            ),
            PhoneError::NotIndonesian => pick(
                lang,
                "Gunakan nomor HP Indonesia (+62 atau 08…).".into(),
                "Use an Indonesian mobile number (+62 or 08…).".into(),
            ),
            PhoneError::NotMobile => pick(
                lang,
                "Nomor ini bukan nomor HP. Nomor HP diawali 08 atau +628.".into(),
                "This is not a mobile number. Mobile numbers start with 08 or +628.".into(),
            ),
            PhoneError::WrongLength { digits } => pick(
                lang,
                format!(
                    "Nomor HP terdiri dari 10–13 angka diawali 08; yang Anda masukkan {} angka.",
                    digits + 1
                ),
                format!(
                    "A mobile number has 10–13 digits starting with 08; you entered {}.",
                    digits + 1
                ),
            ),
        }
    }
}

impl PhoneNumber {
    /// Parses `08…`, `+62 8…`, `62 8…` or `8…` (with spaces, dashes, dots or brackets).
    pub fn parse(input: &str) -> Result<PhoneNumber, PhoneError> {
        let trimmed = input.trim();
        let mut digits = String::with_capacity(16);
        for (i, c) in trimmed.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '-' | '.' | '(' | ')' => {}
                other => return Err(PhoneError::InvalidCharacter(other)),
            }
            if digits.len() > 20 {
                return Err(PhoneError::WrongLength {
                    digits: digits.len(),
                });
            }
        }
        if digits.is_empty() {
            return Err(PhoneError::Empty);
        }
        let international = trimmed.starts_with('+') || trimmed.starts_with("00");
        let national = if let Some(rest) = digits.strip_prefix("0062") {
            rest
        } else if let Some(rest) = digits.strip_prefix("62") {
            rest
        } else if international {
            return Err(PhoneError::NotIndonesian);
        } else if let Some(rest) = digits.strip_prefix('0') {
            rest
        } else {
            &digits
        };
        if !national.starts_with('8') {
            return Err(PhoneError::NotMobile);
        }
        if !(9..=12).contains(&national.len()) {
            return Err(PhoneError::WrongLength {
                digits: national.len(),
            });
        }
        Ok(PhoneNumber(format!("+62{national}")))
    }

    /// E.164 form, e.g. `+6281234567890`.
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// National form as people write it, e.g. `0812-3456-7890`.
    pub fn national(&self) -> String {
        let n = &self.0[3..];
        format!("0{}-{}-{}", &n[..3], &n[3..7], &n[7..])
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PhoneNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn emails_are_trimmed_and_domains_lower_cased() {
        let e = Email::parse("  Siti.Aminah@Gmail.COM ").expect("valid");
        assert_eq!(e.as_str(), "Siti.Aminah@gmail.com");
    }

    #[test]
    fn each_email_rule_has_its_own_error() {
        assert_eq!(Email::parse(" "), Err(EmailError::Empty));
        assert_eq!(Email::parse("siti.gmail.com"), Err(EmailError::MissingAt));
        assert_eq!(Email::parse("siti@gmail"), Err(EmailError::InvalidDomain));
        assert_eq!(
            Email::parse("siti@gmail..com"),
            Err(EmailError::InvalidDomain)
        );
        assert_eq!(
            Email::parse("siti@-gmail.com"),
            Err(EmailError::InvalidDomain)
        );
        assert_eq!(
            Email::parse(&format!("{}@x.id", "a".repeat(260))),
            Err(EmailError::TooLong)
        );
        assert_eq!(
            Email::parse("si ti@gmail.com").map_err(|e| e.code()),
            Err("email_invalid")
        );
        assert_eq!(
            Email::parse("@gmail.com").map_err(|e| e.code()),
            Err("email_invalid")
        );
    }

    #[test]
    fn every_indonesian_mobile_form_gives_the_same_e164() {
        for s in [
            "0812-3456-7890",
            "+62 812 3456 7890",
            "6281234567890",
            "(0812) 3456.7890",
            "81234567890",
            "0062 812 3456 7890",
        ] {
            assert_eq!(
                PhoneNumber::parse(s).expect(s).e164(),
                "+6281234567890",
                "{s}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("+6281234567890")
                .expect("valid")
                .national(),
            "0812-3456-7890"
        );
    }

    #[test]
    fn each_phone_rule_has_its_own_error() {
        assert_eq!(PhoneNumber::parse(""), Err(PhoneError::Empty));
        assert_eq!(
            PhoneNumber::parse("0812a"),
            Err(PhoneError::InvalidCharacter('a'))
        );
        assert_eq!(
            PhoneNumber::parse("+60 12 345 6789"),
            Err(PhoneError::NotIndonesian)
        );
        assert_eq!(
            PhoneNumber::parse("021 5551234"),
            Err(PhoneError::NotMobile)
        );
        assert_eq!(
            PhoneNumber::parse("0812345"),
            Err(PhoneError::WrongLength { digits: 6 })
        );
        assert_eq!(
            PhoneNumber::parse("08123456789012"),
            Err(PhoneError::WrongLength { digits: 13 })
        );
        assert_eq!(
            PhoneNumber::parse("+62+812"),
            Err(PhoneError::InvalidCharacter('+'))
        );
    }

    #[test]
    fn errors_read_in_both_languages() {
        let e = PhoneError::NotMobile;
        assert!(e.message(Lang::Id).contains("bukan nomor HP"));
        assert!(e.message(Lang::En).contains("not a mobile number"));
    }

    proptest! {
        #[test]
        fn phone_forms_round_trip(n in "8[1-9][0-9]{7,10}") {
            let e164 = format!("+62{n}");
            for s in [format!("0{n}"), format!("62{n}"), e164.clone(), format!("+62 {} {}", &n[..3], &n[3..])] {
                let parsed = PhoneNumber::parse(&s).expect("valid");
                prop_assert_eq!(parsed.e164(), e164.as_str());
            }
            let p = PhoneNumber::parse(&e164).expect("valid");
            prop_assert_eq!(PhoneNumber::parse(&p.national()).expect("valid"), p);
        }

        #[test]
        fn arbitrary_phone_text_never_panics(s in "\\PC{0,30}") {
            if let Ok(p) = PhoneNumber::parse(&s) {
                prop_assert!(p.e164().starts_with("+628"));
            }
        }

        #[test]
        fn arbitrary_email_text_never_panics(s in "\\PC{0,60}") {
            if let Ok(e) = Email::parse(&s) {
                prop_assert_eq!(Email::parse(e.as_str()).expect("reparse"), e);
            }
        }
    }
}
