//! PIN rules, one small function per rule (as NL Wallet's `pin/validation.rs`): exactly six
//! digits, at least two distinct digits, not six ascending or descending digits in a row, and not
//! the birth date written in the holder's NIK.

use std::fmt;

use thiserror::Error;

use crate::i18n::{Lang, Localized, pick};
use crate::nik::Nik;

/// Number of digits in a PIN.
pub const PIN_LENGTH: usize = 6;

/// A PIN of six digits. `Debug` never prints it.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(******)")
    }
}

/// Why a PIN is refused. One variant per rule.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PinError {
    /// A character that is not a digit.
    #[error("PIN must contain digits only")]
    NonDigit,
    /// Not six digits.
    #[error("PIN must be exactly 6 digits, found {found}")]
    WrongLength {
        /// Digits found.
        found: usize,
    },
    /// Fewer than two distinct digits (`111111`).
    #[error("PIN must use at least 2 different digits")]
    TooFewDistinctDigits,
    /// Six ascending digits (`123456`, `456789`).
    #[error("PIN must not be 6 ascending digits")]
    AscendingSequence,
    /// Six descending digits (`654321`).
    #[error("PIN must not be 6 descending digits")]
    DescendingSequence,
    /// The birth date in the NIK (DDMMYY, YYMMDD, or DDMMYY with the +40 for women).
    #[error("PIN must not be the birth date")]
    BirthDate,
    /// The new PIN is the current one.
    #[error("new PIN is the same as the current PIN")]
    SameAsCurrent,
}

impl Localized for PinError {
    fn code(&self) -> &'static str {
        match self {
            PinError::NonDigit => "pin_non_digit",
            PinError::WrongLength { .. } => "pin_wrong_length",
            PinError::TooFewDistinctDigits => "pin_too_few_distinct_digits",
            PinError::AscendingSequence => "pin_ascending",
            PinError::DescendingSequence => "pin_descending",
            PinError::BirthDate => "pin_birth_date",
            PinError::SameAsCurrent => "pin_same_as_current",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (id, en) = match self {
            PinError::NonDigit => ("PIN hanya berisi angka.", "The PIN has digits only."),
            PinError::WrongLength { .. } => (
                "PIN harus tepat 6 angka.",
                "The PIN must be exactly 6 digits.",
            ),
            PinError::TooFewDistinctDigits => (
                "PIN tidak boleh satu angka yang diulang (misalnya 111111). Gunakan minimal 2 angka berbeda.",
                "The PIN cannot be one digit repeated (like 111111). Use at least 2 different digits.",
            ),
            PinError::AscendingSequence => (
                "PIN tidak boleh angka berurutan naik (misalnya 123456).",
                "The PIN cannot be digits counting up (like 123456).",
            ),
            PinError::DescendingSequence => (
                "PIN tidak boleh angka berurutan turun (misalnya 654321).",
                "The PIN cannot be digits counting down (like 654321).",
            ),
            PinError::BirthDate => (
                "PIN tidak boleh tanggal lahir Anda; orang lain mudah menebaknya.",
                "The PIN cannot be your birth date; others could guess it easily.",
            ),
            PinError::SameAsCurrent => (
                "PIN baru harus berbeda dari PIN lama.",
                "The new PIN must differ from the current PIN.",
            ),
        };
        pick(lang, id.into(), en.into())
    }
}

impl Pin {
    /// Checks only the format (six digits): for entering an existing PIN.
    pub fn parse(input: &str) -> Result<Pin, PinError> {
        must_be_digits(input)?;
        must_have_six_digits(input)?;
        Ok(Pin(input.to_owned()))
    }

    /// Checks every rule for a PIN being chosen by the holder of `nik`.
    pub fn parse_new(input: &str, nik: &Nik) -> Result<Pin, PinError> {
        let pin = Pin::parse(input)?;
        must_have_two_distinct_digits(input)?;
        must_not_ascend(input)?;
        must_not_descend(input)?;
        must_not_be_birth_date(input, nik)?;
        Ok(pin)
    }

    /// Checks a new PIN against every rule and against the current PIN.
    pub fn parse_change(input: &str, nik: &Nik, current: &Pin) -> Result<Pin, PinError> {
        let pin = Pin::parse_new(input, nik)?;
        if &pin == current {
            return Err(PinError::SameAsCurrent);
        }
        Ok(pin)
    }

    /// The six digits, for hashing or key derivation only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

fn must_be_digits(pin: &str) -> Result<(), PinError> {
    if pin.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(PinError::NonDigit)
    }
}

fn must_have_six_digits(pin: &str) -> Result<(), PinError> {
    match pin.len() {
        PIN_LENGTH => Ok(()),
        found => Err(PinError::WrongLength { found }),
    }
}

fn must_have_two_distinct_digits(pin: &str) -> Result<(), PinError> {
    let first = pin.as_bytes()[0];
    if pin.bytes().any(|d| d != first) {
        Ok(())
    } else {
        Err(PinError::TooFewDistinctDigits)
    }
}

fn steps(pin: &str) -> impl Iterator<Item = i16> + '_ {
    pin.as_bytes()
        .windows(2)
        .map(|w| i16::from(w[1]) - i16::from(w[0]))
}

fn must_not_ascend(pin: &str) -> Result<(), PinError> {
    if steps(pin).all(|s| s == 1) {
        Err(PinError::AscendingSequence)
    } else {
        Ok(())
    }
}

fn must_not_descend(pin: &str) -> Result<(), PinError> {
    if steps(pin).all(|s| s == -1) {
        Err(PinError::DescendingSequence)
    } else {
        Ok(())
    }
}

fn must_not_be_birth_date(pin: &str, nik: &Nik) -> Result<(), PinError> {
    let date = nik.birth_date();
    let ddmmyy = date.format("%d%m%y").to_string();
    let yymmdd = date.format("%y%m%d").to_string();
    let as_in_nik = nik.birth_date_digits();
    if [ddmmyy.as_str(), yymmdd.as_str(), as_in_nik].contains(&pin) {
        Err(PinError::BirthDate)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use proptest::prelude::*;

    use super::*;

    fn nik() -> Nik {
        // A woman born 17 August 1995: the NIK reads 570895.
        Nik::parse(
            "3574015708950002",
            NaiveDate::from_ymd_opt(2026, 11, 22).expect("date"),
        )
        .expect("valid NIK")
    }

    #[test]
    fn pin_should_be_six_digits() {
        assert_eq!(Pin::parse("12345"), Err(PinError::WrongLength { found: 5 }));
        assert_eq!(
            Pin::parse("1234567"),
            Err(PinError::WrongLength { found: 7 })
        );
        assert_eq!(Pin::parse("12a456"), Err(PinError::NonDigit));
        assert_eq!(Pin::parse("１２３４５６"), Err(PinError::NonDigit));
        assert!(
            Pin::parse("111111").is_ok(),
            "format-only parse accepts any 6 digits"
        );
    }

    #[test]
    fn pin_should_contain_at_least_two_distinct_digits() {
        assert_eq!(
            Pin::parse_new("000000", &nik()),
            Err(PinError::TooFewDistinctDigits)
        );
        assert!(Pin::parse_new("000001", &nik()).is_ok());
    }

    #[test]
    fn pin_should_not_contain_ascending_digits() {
        assert_eq!(
            Pin::parse_new("123456", &nik()),
            Err(PinError::AscendingSequence)
        );
        assert_eq!(
            Pin::parse_new("456789", &nik()),
            Err(PinError::AscendingSequence)
        );
        assert!(Pin::parse_new("123457", &nik()).is_ok());
    }

    #[test]
    fn pin_should_not_contain_descending_digits() {
        assert_eq!(
            Pin::parse_new("654321", &nik()),
            Err(PinError::DescendingSequence)
        );
        assert_eq!(
            Pin::parse_new("987654", &nik()),
            Err(PinError::DescendingSequence)
        );
        assert!(Pin::parse_new("987653", &nik()).is_ok());
    }

    #[test]
    fn pin_should_not_be_the_birth_date_in_any_written_form() {
        assert_eq!(Pin::parse_new("170895", &nik()), Err(PinError::BirthDate));
        assert_eq!(Pin::parse_new("950817", &nik()), Err(PinError::BirthDate));
        assert_eq!(Pin::parse_new("570895", &nik()), Err(PinError::BirthDate));
        assert!(Pin::parse_new("170896", &nik()).is_ok());
    }

    #[test]
    fn new_pin_should_differ_from_the_current_one() {
        let current = Pin::parse("284619").expect("format");
        assert_eq!(
            Pin::parse_change("284619", &nik(), &current),
            Err(PinError::SameAsCurrent)
        );
        assert!(Pin::parse_change("284610", &nik(), &current).is_ok());
    }

    #[test]
    fn debug_never_shows_the_pin() {
        let pin = Pin::parse("284619").expect("format");
        assert!(!format!("{pin:?}").contains("284619"));
    }

    proptest! {
        #[test]
        fn accepted_pins_follow_every_rule(s in "[0-9]{6}") {
            if let Ok(pin) = Pin::parse_new(&s, &nik()) {
                let b = pin.expose().as_bytes();
                prop_assert!(b.iter().any(|&d| d != b[0]));
                prop_assert!(!b.windows(2).all(|w| w[1] == w[0] + 1));
                prop_assert!(!b.windows(2).all(|w| w[0] == w[1] + 1));
                prop_assert!(!["170895", "950817", "570895"].contains(&pin.expose()));
            }
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,12}") {
            let _ = Pin::parse_new(&s, &nik());
        }
    }
}
