//! The NIK (Nomor Induk Kependudukan), the 16-digit population number on every KTP-el.
//!
//! Layout: `PP RR DD DDMMYY SSSS`: province, regency (kabupaten/kota) and district (kecamatan) of
//! first registration, the birth date (day + 40 for women) and a serial number. [`Nik::parse`] is
//! the only way to get a [`Nik`] ("parse, don't validate"): everything downstream trusts it.
//!
//! Region codes are those of first registration, so a code missing from today's table is a
//! warning, not an error (see [`NikWarning`]). The province must exist. A NIK can disagree with
//! the holder's true birth date: the client warns, the server (the population register) decides.

mod eligibility;
mod error;
pub mod regions;
#[rustfmt::skip]
mod regions_table;

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, UnknownCode, pick};

pub use eligibility::{Eligibility, EligibleBecause, MaritalStatus, UnderKtpAge, eligibility};
pub use error::{NikError, NikWarning};
pub use regions_table::SOURCE_VERSION as REGION_TABLE_VERSION;

/// Sex as encoded in the NIK (day + 40 for women).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    /// Laki-laki.
    Male,
    /// Perempuan.
    Female,
}

impl Sex {
    /// The word printed on the KTP-el.
    pub fn label_id(self) -> &'static str {
        match self {
            Sex::Male => "LAKI-LAKI",
            Sex::Female => "PEREMPUAN",
        }
    }

    /// The word a screen shows, in `lang` (`Laki-laki`, `Female`, …).
    pub fn label(self, lang: Lang) -> String {
        match self {
            Sex::Male => pick(lang, "Laki-laki".into(), "Male".into()),
            Sex::Female => pick(lang, "Perempuan".into(), "Female".into()),
        }
    }

    /// The sex of a population-register record as the server sends it: the KTP-el's word
    /// (`LAKI-LAKI`, `PEREMPUAN`), the register's code (`male`, `female`) or the family card's
    /// letter (`L`, `P`). Anything else is an [`UnknownCode`].
    pub fn from_record(value: &str) -> Result<Sex, UnknownCode> {
        match value {
            "L" | "male" | "LAKI-LAKI" => Ok(Sex::Male),
            "P" | "female" | "PEREMPUAN" => Ok(Sex::Female),
            other => Err(UnknownCode {
                what: "sex",
                value: other.to_owned(),
            }),
        }
    }
}

impl std::str::FromStr for Sex {
    type Err = UnknownCode;

    /// As [`Sex::from_record`].
    fn from_str(value: &str) -> Result<Sex, UnknownCode> {
        Sex::from_record(value)
    }
}

/// A parsed, checked NIK.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nik {
    digits: [u8; 16],
    birth_date: NaiveDate,
}

impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Nik").field(&self.as_str()).finish()
    }
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Characters people type between the groups of a NIK; they are ignored.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == '.' || c == '-'
}

impl Nik {
    /// Parses a NIK typed by a person or read from a record.
    ///
    /// Spaces, dots and dashes are ignored. `today` resolves the two-digit birth year: the century
    /// is the latest one that does not put the birth date after `today`.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Nik, NikError> {
        let mut digits = [0u8; 16];
        let mut len = 0usize;
        for (position, c) in input.chars().filter(|&c| !is_separator(c)).enumerate() {
            if !c.is_ascii_digit() {
                return Err(NikError::NonDigit {
                    position: position + 1,
                    character: c,
                });
            }
            if len < 16 {
                digits[len] = c as u8;
            }
            len += 1;
        }
        if len == 0 {
            return Err(NikError::Empty);
        }
        if len != 16 {
            return Err(NikError::WrongLength { found: len });
        }
        let num = |range: std::ops::Range<usize>| {
            digits[range]
                .iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
        };
        let province = num(0..2) as u8;
        if regions::province_name(province).is_none() {
            return Err(NikError::UnknownProvince { code: province });
        }
        if num(2..4) == 0 {
            return Err(NikError::InvalidRegencyCode);
        }
        if num(4..6) == 0 {
            return Err(NikError::InvalidDistrictCode);
        }
        let raw_day = num(6..8);
        let day = match raw_day {
            1..=31 => raw_day,
            41..=71 => raw_day - 40,
            _ => return Err(NikError::InvalidBirthDay { day: raw_day }),
        };
        let month = num(8..10);
        if !(1..=12).contains(&month) {
            return Err(NikError::InvalidBirthMonth { month });
        }
        let yy = num(10..12) as i32;
        let birth_date = resolve_birth_date(yy, month, day, today)?;
        if num(12..16) == 0 {
            return Err(NikError::ZeroSerial);
        }
        Ok(Nik { digits, birth_date })
    }

    /// The 16 digits.
    pub fn as_str(&self) -> &str {
        // The digits are ASCII by construction.
        std::str::from_utf8(&self.digits).unwrap_or_default()
    }

    fn num(&self, range: std::ops::Range<usize>) -> u32 {
        self.digits[range]
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
    }

    /// Province code (`PP`).
    pub fn province_code(&self) -> u8 {
        self.num(0..2) as u8
    }

    /// Regency (kabupaten/kota) code as `PPRR`.
    pub fn regency_code(&self) -> u16 {
        self.num(0..4) as u16
    }

    /// District (kecamatan) code as `PPRRDD`.
    pub fn district_code(&self) -> u32 {
        self.num(0..6)
    }

    /// The six birth-date digits exactly as written in the NIK (`DDMMYY`, day + 40 for women).
    pub fn birth_date_digits(&self) -> &str {
        &self.as_str()[6..12]
    }

    /// The serial number (last four digits, never 0000).
    pub fn serial(&self) -> u16 {
        self.num(12..16) as u16
    }

    /// Birth date encoded in the NIK.
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// Sex encoded in the NIK.
    pub fn sex(&self) -> Sex {
        if self.num(6..8) > 40 {
            Sex::Female
        } else {
            Sex::Male
        }
    }

    /// Age in whole years on `date` (0 before the first birthday; dates before birth give 0).
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        date.years_since(self.birth_date).unwrap_or(0)
    }

    /// Today's province name (always known: the province is checked by [`Nik::parse`]).
    pub fn province_name(&self) -> &'static str {
        regions::province_name(self.province_code()).unwrap_or_default()
    }

    /// Today's regency name, if the code is in today's table.
    pub fn regency_name(&self) -> Option<&'static str> {
        regions::regency_name(self.regency_code())
    }

    /// Today's district name, if the code is in today's table.
    pub fn district_name(&self) -> Option<&'static str> {
        regions::district_name(self.district_code())
    }

    /// Things a person should know about this NIK that do not make it invalid.
    pub fn warnings(&self) -> Vec<NikWarning> {
        let mut warnings = Vec::new();
        if let Some(change) = regions::province_code_change(self.province_code()) {
            warnings.push(NikWarning::ProvinceCodeReassigned {
                code: change.code,
                current_name: self.province_name(),
                former_name: change.former_name,
                changed_in: change.changed_in,
            });
        }
        if self.regency_name().is_none() {
            warnings.push(NikWarning::RegencyNotInCurrentTable {
                code: self.regency_code(),
            });
        } else if self.district_name().is_none() {
            warnings.push(NikWarning::DistrictNotInCurrentTable {
                code: self.district_code(),
            });
        }
        warnings
    }
}

/// Picks the century for a two-digit year so that the birth date is not after `today`.
fn resolve_birth_date(
    yy: i32,
    month: u32,
    day: u32,
    today: NaiveDate,
) -> Result<NaiveDate, NikError> {
    let century = today.year() - today.year().rem_euclid(100);
    let mut any_valid = false;
    for year in [century + yy, century - 100 + yy] {
        if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
            any_valid = true;
            if date <= today {
                return Ok(date);
            }
        }
    }
    if any_valid {
        // Only possible when the resolved date is still in the future (a `today` more than
        // a century in the past); treat it as an impossible birth date.
        Err(NikError::BirthDateInFuture)
    } else {
        Err(NikError::InvalidBirthDate { day, month })
    }
}

impl Serialize for Nik {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
