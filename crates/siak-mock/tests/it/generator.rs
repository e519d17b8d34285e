//! The generator: determinism, NIK consistency with ikd-core, families, contacts, categories.

use std::collections::{HashMap, HashSet};

use ikd_core::nik::{eligibility, regions};
use ikd_core::{Email, MaritalStatus, Nik, PhoneNumber};
use siak_mock::population::areas::areas;
use siak_mock::population::{DEFAULT_COUNT, SEED_REGENCIES};
use siak_mock::{FamilyCard, PopulationSpec, Relationship, Religion, SampleReason};

use super::{reference, residents, spec};

fn default_population() -> Vec<FamilyCard> {
    PopulationSpec::default().generate()
}

#[test]
fn the_same_seed_gives_the_same_population_and_another_seed_another() {
    let a = spec(42, 2_000).generate();
    assert_eq!(a, spec(42, 2_000).generate());
    let b = spec(43, 2_000).generate();
    let niks_a: Vec<_> = residents(&a).map(|r| &r.nik).collect();
    let niks_b: Vec<_> = residents(&b).map(|r| &r.nik).collect();
    assert_ne!(niks_a, niks_b);
}

#[test]
fn a_larger_count_extends_a_smaller_population() {
    let small = spec(7, 500).generate();
    let large = spec(7, 900).generate();
    let whole_families = small.len() - 1;
    assert_eq!(small[..whole_families], large[..whole_families]);
}

#[test]
fn the_default_population_has_the_default_count() {
    assert_eq!(
        residents(&default_population()).count(),
        DEFAULT_COUNT as usize
    );
}

#[test]
fn every_nik_parses_with_ikd_core_and_matches_the_record() {
    for family in default_population() {
        for r in &family.members {
            let nik = Nik::parse(&r.nik, reference()).expect("generated NIKs parse");
            assert_eq!(nik.birth_date(), r.birth_date, "{}", r.nik);
            assert_eq!(nik.sex(), r.sex, "{}", r.nik);
            assert_eq!(
                nik.district_code(),
                family.address.district_code,
                "{}",
                r.nik
            );
            assert!(nik.district_name().is_some(), "{}", r.nik);
            assert_eq!(
                nik.regency_name().map(str::to_uppercase).as_deref(),
                Some(family.address.regency.as_str())
            );
        }
    }
}

#[test]
fn numbers_and_contacts_are_unique_and_accepted_by_ikd_core() {
    let population = default_population();
    let mut niks = HashSet::new();
    let mut kks = HashSet::new();
    let mut emails = HashSet::new();
    let mut phone_owner: HashMap<&str, &str> = HashMap::new();
    for family in &population {
        assert!(kks.insert(&family.kk), "duplicate KK {}", family.kk);
        for r in &family.members {
            assert!(niks.insert(&r.nik), "duplicate NIK {}", r.nik);
            if let Some(email) = &r.email {
                assert_eq!(
                    Email::parse(email).map(|e| e.as_str().to_string()),
                    Ok(email.clone())
                );
                assert!(emails.insert(email), "duplicate email {email}");
            }
            if let Some(phone) = &r.phone {
                let parsed = PhoneNumber::parse(phone).expect("generated phones parse");
                assert_eq!(parsed.e164(), phone);
                let owner = phone_owner.entry(phone).or_insert(&family.kk);
                assert_eq!(*owner, family.kk, "phone {phone} used by two family cards");
            }
        }
    }
}

#[test]
fn families_share_one_kk_with_one_head_first() {
    for family in default_population() {
        assert_eq!(family.kk.len(), 16);
        assert_eq!(family.kk[..6], family.address.district_code.to_string());
        assert!(family.address.village_code.starts_with(&family.kk[..6]));
        assert_eq!(family.address.rt.len(), 3);
        assert_eq!(family.address.rw.len(), 3);
        let heads = family
            .members
            .iter()
            .filter(|m| m.relationship == Relationship::KepalaKeluarga)
            .count();
        assert_eq!(heads, 1, "{}", family.kk);
        assert_eq!(family.members[0].relationship, Relationship::KepalaKeluarga);
        assert!(family.members.iter().all(|m| m.kk == family.kk));
        let head_age = family.members[0].age_on(reference());
        for child in family
            .members
            .iter()
            .filter(|m| m.relationship == Relationship::Anak)
        {
            assert!(child.age_on(reference()) + 18 <= head_age, "{}", child.nik);
        }
    }
}

#[test]
fn marital_status_and_ktp_el_fit_the_age() {
    for r in residents(&default_population()) {
        let age = r.age_on(reference());
        if age < 16 {
            assert_eq!(r.marital_status, MaritalStatus::BelumKawin, "{}", r.nik);
            assert!(!r.ktp_el_recorded, "{}", r.nik);
        }
        if r.relationship == Relationship::Anak && age < 17 {
            assert!(!r.marital_status.has_married(), "{}", r.nik);
        }
    }
}

#[test]
fn each_outcome_exists_in_a_population_of_one_hundred() {
    let population = spec(1, 100).generate();
    let found: HashSet<SampleReason> = residents(&population)
        .map(|r| r.expected_outcome(reference()))
        .collect();
    for reason in SampleReason::ALL {
        assert!(found.contains(reason), "no {reason} among 100 residents");
    }
}

#[test]
fn the_outcome_agrees_with_ikd_core_eligibility() {
    for r in residents(&default_population()) {
        for today in [reference(), reference() + chrono::Months::new(15)] {
            let nik = Nik::parse(&r.nik, today).expect("generated NIKs parse");
            let eligible = eligibility(&nik, r.marital_status, today).is_eligible();
            let outcome = r.expected_outcome(today);
            if outcome != SampleReason::DeceasedOrInactive {
                assert_eq!(
                    eligible,
                    outcome != SampleReason::Under17Unmarried,
                    "{}",
                    r.nik
                );
            }
        }
    }
}

#[test]
fn eligible_adults_live_in_every_province_and_seed_regency() {
    let population = default_population();
    let mut provinces = HashSet::new();
    let mut regencies = HashSet::new();
    for family in &population {
        for r in &family.members {
            if r.expected_outcome(reference()) == SampleReason::Eligible {
                provinces.insert(&r.nik[..2]);
                regencies.insert(r.nik[..4].parse::<u16>().unwrap_or_default());
            }
        }
    }
    let all: HashSet<u8> = areas()
        .districts()
        .iter()
        .map(|d| d.province_code())
        .collect();
    assert_eq!(provinces.len(), all.len());
    assert_eq!(all.len(), 38);
    for regency in SEED_REGENCIES {
        assert!(
            regencies.contains(&regency),
            "no eligible resident in {regency}"
        );
    }
}

#[test]
fn most_residents_of_bali_are_hindu() {
    let population = default_population();
    let bali: Vec<_> = residents(&population)
        .filter(|r| r.nik.starts_with("51"))
        .collect();
    let hindu = bali
        .iter()
        .filter(|r| r.religion == Religion::Hindu)
        .count();
    assert!(
        bali.len() > 50 && hindu * 10 > bali.len() * 6,
        "{hindu} of {}",
        bali.len()
    );
}

#[test]
fn the_area_table_holds_every_village_under_a_known_district() {
    let table = areas();
    let villages: usize = table.districts().iter().map(|d| d.villages.len()).sum();
    assert_eq!(villages, 83_762);
    assert_eq!(table.districts().len(), 7_285);
    for district in table.districts() {
        assert!(
            regions::district_name(district.code).is_some(),
            "{}",
            district.code
        );
        for village in &district.villages {
            assert_eq!(village.code / 10_000, u64::from(district.code));
            assert!(!village.name.is_empty());
        }
    }
    let lookup = table.village(3_574_011_001).map(|v| v.code);
    assert_eq!(lookup, Some(3_574_011_001));
}
