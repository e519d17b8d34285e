//! Property tests of the generator over random seeds and small counts.

use std::collections::HashSet;

use ikd_core::Nik;
use proptest::prelude::*;
use siak_mock::{Relationship, SampleReason};

use super::{reference, residents, spec};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_seed_gives_a_consistent_population(seed in any::<u64>(), count in 100u32..400) {
        let population = spec(seed, count).generate();
        prop_assert_eq!(residents(&population).count(), count as usize);
        let mut niks = HashSet::new();
        let mut outcomes = HashSet::new();
        for family in &population {
            prop_assert_eq!(family.members[0].relationship, Relationship::KepalaKeluarga);
            for r in &family.members {
                let nik = Nik::parse(&r.nik, reference()).map_err(|e| {
                    TestCaseError::fail(format!("{}: {e:?}", r.nik))
                })?;
                prop_assert_eq!(nik.birth_date(), r.birth_date);
                prop_assert_eq!(nik.sex(), r.sex);
                prop_assert_eq!(nik.district_code(), family.address.district_code);
                prop_assert_eq!(&r.kk, &family.kk);
                prop_assert!(niks.insert(r.nik.clone()));
                outcomes.insert(r.expected_outcome(reference()));
            }
        }
        for reason in SampleReason::ALL {
            prop_assert!(outcomes.contains(reason), "no {}", reason);
        }
    }

    #[test]
    fn any_count_is_met_exactly(seed in any::<u64>(), count in 0u32..120) {
        prop_assert_eq!(residents(&spec(seed, count).generate()).count(), count as usize);
    }
}

proptest! {
    #[test]
    fn the_sql_age_cutoff_agrees_with_whole_years(today in 0u32..40_000, born in 0u32..40_000) {
        use chrono::{Days, NaiveDate};
        let start = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or(NaiveDate::MIN);
        let today = start + Days::new(u64::from(today));
        let born = start + Days::new(u64::from(born));
        prop_assume!(born <= today);
        let adult = today.years_since(born).unwrap_or(0) >= 17;
        prop_assert_eq!(born <= siak_mock::population::born_on_or_before_for_17(today), adult);
    }
}
