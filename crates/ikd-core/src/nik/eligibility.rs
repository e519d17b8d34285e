//! Who may hold a Digital KTP: residents aged 17 or over, or married (or once married).

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::Nik;
use crate::credential::KTP_AGE;
use crate::i18n::{Lang, Localized, pick};

/// Marital status as recorded in the population register (status perkawinan).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaritalStatus {
    /// Belum kawin: never married.
    BelumKawin,
    /// Kawin: married.
    Kawin,
    /// Cerai hidup: divorced.
    CeraiHidup,
    /// Cerai mati: widowed.
    CeraiMati,
}

impl MaritalStatus {
    /// Married now or once married.
    pub fn has_married(self) -> bool {
        !matches!(self, MaritalStatus::BelumKawin)
    }

    /// The words printed on the KTP-el.
    pub fn label_id(self) -> &'static str {
        match self {
            MaritalStatus::BelumKawin => "BELUM KAWIN",
            MaritalStatus::Kawin => "KAWIN",
            MaritalStatus::CeraiHidup => "CERAI HIDUP",
            MaritalStatus::CeraiMati => "CERAI MATI",
        }
    }

    /// The words a screen shows, in `lang`: the KTP-el's in Indonesian (`BELUM KAWIN`, …), their
    /// translation in English (`NOT MARRIED`, …).
    pub fn label(self, lang: Lang) -> String {
        let en = match self {
            MaritalStatus::BelumKawin => "NOT MARRIED",
            MaritalStatus::Kawin => "MARRIED",
            MaritalStatus::CeraiHidup => "DIVORCED",
            MaritalStatus::CeraiMati => "WIDOWED",
        };
        pick(lang, self.label_id().into(), en.into())
    }
}

impl Nik {
    /// Whether the holder is [`KTP_AGE`] or older on `on`, by the birth date in the NIK.
    pub fn is_of_ktp_age(&self, on: NaiveDate) -> bool {
        self.age_on(on) >= KTP_AGE
    }

    /// The warning for a form: by the NIK the holder is under [`KTP_AGE`] on `on`. Only a
    /// warning, since the register's marital status decides ([`eligibility`]).
    pub fn age_warning(&self, on: NaiveDate) -> Option<UnderKtpAge> {
        (!self.is_of_ktp_age(on)).then_some(UnderKtpAge)
    }
}

/// By the NIK the holder is under 17: the Digital KTP needs 17 or a marriage, which the register
/// knows and the form does not (see [`Nik::age_warning`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnderKtpAge;

impl Localized for UnderKtpAge {
    fn code(&self) -> &'static str {
        "under_17"
    }

    fn message(&self, lang: Lang) -> String {
        pick(
            lang,
            "Menurut NIK, usia Anda di bawah 17 tahun. KTP Digital hanya untuk yang berusia 17 tahun ke atas atau sudah/pernah kawin.".into(),
            "According to the NIK you are under 17. The Digital KTP is for residents aged 17 or over, or who are or have been married.".into(),
        )
    }
}

/// Why a resident may hold a Digital KTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EligibleBecause {
    /// Aged 17 or over.
    Age,
    /// Under 17 but married or once married.
    Married,
}

/// The outcome of [`eligibility`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Eligibility {
    /// May register.
    Eligible {
        /// Why.
        because: EligibleBecause,
    },
    /// Under 17 and never married: may register from the 17th birthday.
    TooYoung {
        /// The 17th birthday.
        eligible_from: NaiveDate,
    },
}

impl Eligibility {
    /// Whether the resident may register.
    pub fn is_eligible(&self) -> bool {
        matches!(self, Eligibility::Eligible { .. })
    }
}

impl Localized for Eligibility {
    fn code(&self) -> &'static str {
        match self {
            Eligibility::Eligible { .. } => "eligible",
            Eligibility::TooYoung { .. } => "under_17_unmarried",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Eligibility::Eligible { .. } => pick(
                lang,
                "Memenuhi syarat usia untuk KTP Digital.".into(),
                "Meets the age requirement for the Digital KTP.".into(),
            ),
            Eligibility::TooYoung { eligible_from } => pick(
                lang,
                format!(
                    "KTP Digital hanya untuk penduduk berusia 17 tahun ke atas atau sudah/pernah kawin. Anda dapat mendaftar mulai {}.",
                    eligible_from.format("%d-%m-%Y")
                ),
                format!(
                    "The Digital KTP is for residents aged 17 or over, or married or once married. You can register from {}.",
                    eligible_from.format("%Y-%m-%d")
                ),
            ),
        }
    }
}

/// Whether the holder of `nik` may register for IKD on `on`, given the recorded marital status.
pub fn eligibility(nik: &Nik, marital_status: MaritalStatus, on: NaiveDate) -> Eligibility {
    if nik.is_of_ktp_age(on) {
        Eligibility::Eligible {
            because: EligibleBecause::Age,
        }
    } else if marital_status.has_married() {
        Eligibility::Eligible {
            because: EligibleBecause::Married,
        }
    } else {
        // A 29 February birthday reaches 17 on 1 March in a common year, as `age_on` counts it.
        let birthday = nik
            .birth_date()
            .checked_add_months(Months::new(12 * KTP_AGE))
            .unwrap_or(NaiveDate::MAX);
        let eligible_from = if nik.is_of_ktp_age(birthday) {
            birthday
        } else {
            birthday.succ_opt().unwrap_or(birthday)
        };
        Eligibility::TooYoung { eligible_from }
    }
}
