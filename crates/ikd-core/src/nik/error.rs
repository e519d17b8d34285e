//! Why a NIK is refused ([`NikError`]) and what a person should know about an accepted one
//! ([`NikWarning`]).

use thiserror::Error;

use crate::i18n::{Lang, Localized, pick};

/// Why a text is not a NIK. One variant per rule, each with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NikError {
    /// Nothing was typed.
    #[error("NIK is empty")]
    Empty,
    /// A character other than a digit, space, dot or dash.
    #[error("NIK contains {character:?} at digit position {position}")]
    NonDigit {
        /// 1-based position among the non-separator characters.
        position: usize,
        /// The offending character.
        character: char,
    },
    /// Not 16 digits.
    #[error("NIK has {found} digits, expected 16")]
    WrongLength {
        /// Digits found.
        found: usize,
    },
    /// The first two digits are not a province code.
    #[error("NIK province code {code:02} does not exist")]
    UnknownProvince {
        /// The code.
        code: u8,
    },
    /// Digits 3–4 are `00`.
    #[error("NIK regency code is 00")]
    InvalidRegencyCode,
    /// Digits 5–6 are `00`.
    #[error("NIK district code is 00")]
    InvalidDistrictCode,
    /// Digits 7–8 are not a day (1–31, or 41–71 for women).
    #[error("NIK birth day {day:02} is not 01–31 or 41–71")]
    InvalidBirthDay {
        /// The two digits as written.
        day: u32,
    },
    /// Digits 9–10 are not a month.
    #[error("NIK birth month {month:02} is not 01–12")]
    InvalidBirthMonth {
        /// The two digits as written.
        month: u32,
    },
    /// Day and month do not form a date (31 April, 29 February of a common year).
    #[error("NIK birth date {day:02}-{month:02} does not exist in that year")]
    InvalidBirthDate {
        /// Day of month (women's +40 removed).
        day: u32,
        /// Month.
        month: u32,
    },
    /// The birth date would be after the reference date in every century.
    #[error("NIK birth date is in the future")]
    BirthDateInFuture,
    /// The last four digits are `0000`.
    #[error("NIK serial number is 0000")]
    ZeroSerial,
}

impl NikError {
    /// Every error code, for documentation and tests.
    pub const CODES: &'static [&'static str] = &[
        "nik_empty",
        "nik_non_digit",
        "nik_wrong_length",
        "nik_unknown_province",
        "nik_invalid_regency",
        "nik_invalid_district",
        "nik_invalid_birth_day",
        "nik_invalid_birth_month",
        "nik_invalid_birth_date",
        "nik_birth_date_in_future",
        "nik_zero_serial",
    ];
}

impl Localized for NikError {
    fn code(&self) -> &'static str {
        match self {
            NikError::Empty => "nik_empty",
            NikError::NonDigit { .. } => "nik_non_digit",
            NikError::WrongLength { .. } => "nik_wrong_length",
            NikError::UnknownProvince { .. } => "nik_unknown_province",
            NikError::InvalidRegencyCode => "nik_invalid_regency",
            NikError::InvalidDistrictCode => "nik_invalid_district",
            NikError::InvalidBirthDay { .. } => "nik_invalid_birth_day",
            NikError::InvalidBirthMonth { .. } => "nik_invalid_birth_month",
            NikError::InvalidBirthDate { .. } => "nik_invalid_birth_date",
            NikError::BirthDateInFuture => "nik_birth_date_in_future",
            NikError::ZeroSerial => "nik_zero_serial",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            NikError::Empty => pick(
                lang,
                "Masukkan NIK (16 angka di KTP-el atau Kartu Keluarga).".into(),
                "Enter your NIK (the 16 digits on your KTP-el or family card).".into(),
            ),
            NikError::NonDigit {
                position,
                character,
            } => pick(
                lang,
                format!("NIK hanya berisi angka. Karakter ke-{position} adalah \"{character}\"."),
                format!("A NIK has digits only. Character {position} is \"{character}\"."),
            ),
            NikError::WrongLength { found } => pick(
                lang,
                format!("NIK harus 16 angka; yang Anda masukkan {found} angka."),
                format!("A NIK has 16 digits; you entered {found}."),
            ),
            NikError::UnknownProvince { code } => pick(
                lang,
                format!(
                    "Dua angka pertama NIK ({code:02}) bukan kode provinsi. Periksa kembali NIK Anda."
                ),
                format!(
                    "The first two digits of the NIK ({code:02}) are not a province code. Please check your NIK."
                ),
            ),
            NikError::InvalidRegencyCode => pick(
                lang,
                "Angka ke-3 dan ke-4 NIK (kode kabupaten/kota) tidak boleh 00.".into(),
                "Digits 3 and 4 of the NIK (the regency code) cannot be 00.".into(),
            ),
            NikError::InvalidDistrictCode => pick(
                lang,
                "Angka ke-5 dan ke-6 NIK (kode kecamatan) tidak boleh 00.".into(),
                "Digits 5 and 6 of the NIK (the district code) cannot be 00.".into(),
            ),
            NikError::InvalidBirthDay { day } => pick(
                lang,
                format!(
                    "Angka ke-7 dan ke-8 NIK ({day:02}) bukan tanggal lahir (01–31, atau 41–71 untuk perempuan)."
                ),
                format!(
                    "Digits 7 and 8 of the NIK ({day:02}) are not a birth day (01–31, or 41–71 for women)."
                ),
            ),
            NikError::InvalidBirthMonth { month } => pick(
                lang,
                format!("Angka ke-9 dan ke-10 NIK ({month:02}) bukan bulan lahir (01–12)."),
                format!("Digits 9 and 10 of the NIK ({month:02}) are not a birth month (01–12)."),
            ),
            NikError::InvalidBirthDate { day, month } => pick(
                lang,
                format!(
                    "Tanggal lahir di NIK ({day:02}-{month:02}) tidak ada pada tahun tersebut."
                ),
                format!(
                    "The birth date in the NIK ({day:02}-{month:02}) does not exist in that year."
                ),
            ),
            NikError::BirthDateInFuture => pick(
                lang,
                "Tanggal lahir di NIK berada di masa depan.".into(),
                "The birth date in the NIK is in the future.".into(),
            ),
            NikError::ZeroSerial => pick(
                lang,
                "Empat angka terakhir NIK tidak boleh 0000.".into(),
                "The last four digits of a NIK cannot be 0000.".into(),
            ),
        }
    }
}

/// Something true of an accepted NIK that a person or operator should know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NikWarning {
    /// The province code named another province before a renumbering; which one the NIK
    /// means depends on when it was first registered, which the NIK does not say.
    ProvinceCodeReassigned {
        /// The code.
        code: u8,
        /// Today's name.
        current_name: &'static str,
        /// The name before the change.
        former_name: &'static str,
        /// Year of the change.
        changed_in: u16,
    },
    /// The regency code is not in today's table (it may be an older code of first registration).
    RegencyNotInCurrentTable {
        /// `PPRR`.
        code: u16,
    },
    /// The district code is not in today's table (it may be an older code of first registration).
    DistrictNotInCurrentTable {
        /// `PPRRDD`.
        code: u32,
    },
}

impl Localized for NikWarning {
    fn code(&self) -> &'static str {
        match self {
            NikWarning::ProvinceCodeReassigned { .. } => "province_code_reassigned",
            NikWarning::RegencyNotInCurrentTable { .. } => "regency_not_in_current_table",
            NikWarning::DistrictNotInCurrentTable { .. } => "district_not_in_current_table",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            NikWarning::ProvinceCodeReassigned {
                code,
                current_name,
                former_name,
                changed_in,
            } => pick(
                lang,
                format!(
                    "Kode provinsi {code} sekarang berarti {current_name}, tetapi sebelum {changed_in} berarti {former_name}. NIK memakai kode saat pertama terdaftar, jadi wilayah yang tertulis bisa berbeda."
                ),
                format!(
                    "Province code {code} means {current_name} today but meant {former_name} before {changed_in}. A NIK keeps the code of first registration, so the region shown may differ."
                ),
            ),
            NikWarning::RegencyNotInCurrentTable { code } => pick(
                lang,
                format!(
                    "Kode kabupaten/kota {}.{:02} tidak ada di daftar wilayah saat ini. Ini bisa kode lama dari pendaftaran pertama; provinsi tetap diperiksa.",
                    code / 100,
                    code % 100
                ),
                format!(
                    "Regency code {}.{:02} is not in today's list of regions. It may be an older code from first registration; the province was still checked.",
                    code / 100,
                    code % 100
                ),
            ),
            NikWarning::DistrictNotInCurrentTable { code } => pick(
                lang,
                format!(
                    "Kode kecamatan {}.{:02}.{:02} tidak ada di daftar wilayah saat ini. Ini bisa kode lama dari pendaftaran pertama.",
                    code / 10000,
                    code / 100 % 100,
                    code % 100
                ),
                format!(
                    "District code {}.{:02}.{:02} is not in today's list of regions. It may be an older code from first registration.",
                    code / 10000,
                    code / 100 % 100,
                    code % 100
                ),
            ),
        }
    }
}
