//! What a registration by each resident should lead to: the categories testers sample by.
//!
//! The checks run in this order and the first that fails names the category: deceased or inactive,
//! under 17 and never married, KTP-el not recorded, duplicate identity. A resident who passes them
//! all is eligible; one under 17 who passes because of marriage is a *married minor*. The server
//! decides registrations with `ikd-core`'s rules; this module only labels the synthetic data so that
//! a tester can find a resident for each case, and its tests check it agrees with `ikd-core`.

use chrono::{Months, NaiveDate};
use ikd_core::RejectionReason;
use serde::{Deserialize, Serialize};

use super::model::{IdentityStatus, LifeStatus, Resident, text_enum};

text_enum! {
    /// The expected outcome of a registration by a resident (see the module docs for the order).
    SampleReason {
        /// May register: 17 or over, KTP-el recorded, single identity, alive.
        Eligible => "eligible",
        /// Under 17 and never married.
        Under17Unmarried => "under_17_unmarried",
        /// Eligible by age or marriage but the KTP-el was never recorded.
        KtpElNotRecorded => "ktp_el_not_recorded",
        /// Flagged as a duplicate record.
        DuplicateIdentity => "duplicate_identity",
        /// Deceased or inactive.
        DeceasedOrInactive => "deceased_or_inactive",
        /// Under 17 but married or once married, and otherwise eligible: may register.
        MarriedMinor => "married_minor",
    }
}

impl SampleReason {
    /// The `ikd-core` rejection reason this category must produce, if it is a rejection.
    pub fn rejection_reason(self) -> Option<RejectionReason> {
        match self {
            SampleReason::Eligible | SampleReason::MarriedMinor => None,
            SampleReason::Under17Unmarried => Some(RejectionReason::Under17Unmarried),
            SampleReason::KtpElNotRecorded => Some(RejectionReason::KtpElNotRecorded),
            SampleReason::DuplicateIdentity => Some(RejectionReason::DuplicateIdentity),
            SampleReason::DeceasedOrInactive => Some(RejectionReason::DeceasedOrInactive),
        }
    }
}

/// The latest birth date of someone aged 17 or over on `today` (as `ikd_core::Nik::age_on` counts).
pub fn born_on_or_before_for_17(today: NaiveDate) -> NaiveDate {
    today
        .checked_sub_months(Months::new(12 * 17))
        .unwrap_or(NaiveDate::MIN)
}

impl Resident {
    /// Whole years of age on `today` (0 before the first birthday).
    pub fn age_on(&self, today: NaiveDate) -> u32 {
        today.years_since(self.birth_date).unwrap_or(0)
    }

    /// The category of this resident's registration on `today`.
    pub fn expected_outcome(&self, today: NaiveDate) -> SampleReason {
        let adult = self.birth_date <= born_on_or_before_for_17(today);
        if self.life_status != LifeStatus::Alive {
            SampleReason::DeceasedOrInactive
        } else if !adult && !self.marital_status.has_married() {
            SampleReason::Under17Unmarried
        } else if !self.ktp_el_recorded {
            SampleReason::KtpElNotRecorded
        } else if self.identity == IdentityStatus::Duplicate {
            SampleReason::DuplicateIdentity
        } else if adult {
            SampleReason::Eligible
        } else {
            SampleReason::MarriedMinor
        }
    }
}
