//! Who may hold a Digital KTP: residents aged 17 or over, or married (or once married).

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::Nik;
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
    if nik.age_on(on) >= 17 {
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
            .checked_add_months(Months::new(12 * 17))
            .unwrap_or(NaiveDate::MAX);
        let eligible_from = if nik.age_on(birthday) >= 17 {
            birthday
        } else {
            birthday.succ_opt().unwrap_or(birthday)
        };
        Eligibility::TooYoung { eligible_from }
    }
}
