//! The synthetic population of the register: residents and family cards (KK, Kartu Keluarga).
//!
//! The population is a pure function of a [`PopulationSpec`] (seed, number of residents and
//! reference date): the same spec gives byte-identical records on every machine. The reference
//! date plays "today" for ages, so a population does not change as the calendar moves; it defaults
//! to [`DEFAULT_REFERENCE_DATE`] (2026-01-01). Ages and marital statuses are as of that date.
//!
//! Every population starts with fixed showcase families in the five seed regencies (Kota
//! Probolinggo 35.74, Kabupaten Labuhanbatu Utara 12.23, Kota Payakumbuh 13.76, Kabupaten Deli
//! Serdang 12.07, Kota Denpasar 51.71), so each [`SampleReason`] exists in any population of 100
//! residents or more; then random families, one in each province first, a tenth in the seed
//! regencies, the rest anywhere in Indonesia.

pub mod areas;
mod attributes;
mod dice;
mod generator;
mod model;
mod names;
mod outcome;
mod plan;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use generator::{Generator, SEED_REGENCIES};
pub use model::{
    Address, BloodType, Citizenship, FamilyCard, IdentityStatus, LifeStatus, Relationship,
    Religion, Resident, marital_from_text, marital_text, sex_from_text, sex_text,
};
pub use outcome::{SampleReason, born_on_or_before_for_17};

/// Seed used when none is given (17 August 1945, Proclamation Day).
pub const DEFAULT_SEED: u64 = 17_081_945;
/// Number of residents when none is given.
pub const DEFAULT_COUNT: u32 = 10_000;
/// The "today" of a default population: 1 January 2026.
pub const DEFAULT_REFERENCE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2026, 1, 1) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

/// What determines a population.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopulationSpec {
    /// Seed of the random stream.
    pub seed: u64,
    /// Exact number of residents.
    pub count: u32,
    /// The date ages are computed for.
    pub reference_date: NaiveDate,
}

impl Default for PopulationSpec {
    fn default() -> PopulationSpec {
        PopulationSpec {
            seed: DEFAULT_SEED,
            count: DEFAULT_COUNT,
            reference_date: DEFAULT_REFERENCE_DATE,
        }
    }
}

impl PopulationSpec {
    /// The stream of family cards of this population.
    pub fn families(self) -> Generator {
        Generator::new(self)
    }

    /// The whole population in memory (for tests and small counts; the store streams instead).
    pub fn generate(self) -> Vec<FamilyCard> {
        self.families().collect()
    }
}
