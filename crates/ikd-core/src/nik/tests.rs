use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::i18n::{Lang, Localized};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn today() -> NaiveDate {
    date(2026, 11, 22)
}

fn parse(s: &str) -> Result<Nik, NikError> {
    Nik::parse(s, today())
}

// 35.74.01 = Kota Probolinggo, Kademangan.
const MAN: &str = "3574011708950001";
const WOMAN: &str = "3574015708950002";

#[test]
fn a_mans_nik_gives_region_birth_date_and_sex() {
    let nik = parse(MAN).expect("valid");
    assert_eq!(nik.province_name(), "Jawa Timur");
    assert_eq!(nik.regency_name(), Some("Kota Probolinggo"));
    assert_eq!(nik.district_name(), Some("Kademangan"));
    assert_eq!(nik.birth_date(), date(1995, 8, 17));
    assert_eq!(nik.sex(), Sex::Male);
    assert_eq!(nik.serial(), 1);
    assert!(nik.warnings().is_empty());
}

#[test]
fn a_womans_day_has_forty_added() {
    let nik = parse(WOMAN).expect("valid");
    assert_eq!(nik.birth_date(), date(1995, 8, 17));
    assert_eq!(nik.sex(), Sex::Female);
    assert_eq!(nik.birth_date_digits(), "570895");
}

#[test]
fn spaces_dots_and_dashes_are_ignored() {
    let a = parse("35.74.01 170895-0001").expect("valid");
    let b = parse(" 3574 0117 0895 0001 ").expect("valid");
    assert_eq!(a, b);
    assert_eq!(a.as_str(), MAN);
}

#[test]
fn two_digit_years_never_put_a_birth_in_the_future() {
    // Born 1 January 2026: already past on 22 November 2026.
    assert_eq!(
        parse("3574010101260001").expect("valid").birth_date(),
        date(2026, 1, 1)
    );
    // Born 1 December ..26: 2026-12-01 would be future, so 1926.
    assert_eq!(
        parse("3574010112260001").expect("valid").birth_date(),
        date(1926, 12, 1)
    );
    assert_eq!(
        parse("3574010101990001").expect("valid").birth_date(),
        date(1999, 1, 1)
    );
}

#[test]
fn february_29_is_checked_against_the_resolved_century() {
    // 2000 is a leap year.
    assert_eq!(
        parse("3574012902000001").expect("valid").birth_date(),
        date(2000, 2, 29)
    );
    // Neither 2025 nor 1925 is a leap year.
    assert_eq!(
        parse("3574012902250001"),
        Err(NikError::InvalidBirthDate { day: 29, month: 2 })
    );
}

#[test]
fn each_rule_has_its_own_error() {
    assert_eq!(parse(""), Err(NikError::Empty));
    assert_eq!(parse(" - . "), Err(NikError::Empty));
    assert_eq!(
        parse("35740117089500O1"),
        Err(NikError::NonDigit {
            position: 15,
            character: 'O'
        })
    );
    assert_eq!(
        parse("357401170895"),
        Err(NikError::WrongLength { found: 12 })
    );
    assert_eq!(
        parse("35740117089500011"),
        Err(NikError::WrongLength { found: 17 })
    );
    assert_eq!(
        parse("9974011708950001"),
        Err(NikError::UnknownProvince { code: 99 })
    );
    assert_eq!(parse("3500011708950001"), Err(NikError::InvalidRegencyCode));
    assert_eq!(
        parse("3574001708950001"),
        Err(NikError::InvalidDistrictCode)
    );
    assert_eq!(
        parse("3574013508950001"),
        Err(NikError::InvalidBirthDay { day: 35 })
    );
    assert_eq!(
        parse("3574010008950001"),
        Err(NikError::InvalidBirthDay { day: 0 })
    );
    assert_eq!(
        parse("3574017208950001"),
        Err(NikError::InvalidBirthDay { day: 72 })
    );
    assert_eq!(
        parse("3574011713950001"),
        Err(NikError::InvalidBirthMonth { month: 13 })
    );
    assert_eq!(
        parse("3574013104950001"),
        Err(NikError::InvalidBirthDate { day: 31, month: 4 })
    );
    assert_eq!(parse("3574011708950000"), Err(NikError::ZeroSerial));
    assert_eq!(
        Nik::parse("3574012902000001", date(2000, 1, 1)),
        Err(NikError::BirthDateInFuture)
    );
}

#[test]
fn every_error_code_is_listed_and_has_both_languages() {
    let errors = [
        parse(""),
        parse("x"),
        parse("1"),
        parse("9974011708950001"),
        parse("3500011708950001"),
        parse("3574001708950001"),
        parse("3574013508950001"),
        parse("3574011713950001"),
        parse("3574013104950001"),
        Nik::parse("3574012902000001", date(2000, 1, 1)),
        parse("3574011708950000"),
    ];
    let mut codes: Vec<&str> = errors
        .iter()
        .map(|r| r.as_ref().expect_err("invalid").code())
        .collect();
    for e in errors.iter().filter_map(|r| r.as_ref().err()) {
        assert_ne!(e.message(Lang::Id), e.message(Lang::En));
        assert!(!e.message(Lang::Id).is_empty());
    }
    codes.sort_unstable();
    let mut all = NikError::CODES.to_vec();
    all.sort_unstable();
    assert_eq!(codes, all);
}

#[test]
fn age_counts_whole_years() {
    let nik = parse(MAN).expect("valid");
    assert_eq!(nik.age_on(date(2012, 8, 16)), 16);
    assert_eq!(nik.age_on(date(2012, 8, 17)), 17);
    assert_eq!(nik.age_on(date(1990, 1, 1)), 0);
}

#[test]
fn seventeen_or_married_may_register() {
    // Born 17 August 2010.
    let nik = parse("3574011708100001").expect("valid");
    assert_eq!(
        eligibility(&nik, MaritalStatus::BelumKawin, date(2027, 8, 16)),
        Eligibility::TooYoung {
            eligible_from: date(2027, 8, 17)
        }
    );
    assert!(eligibility(&nik, MaritalStatus::BelumKawin, date(2027, 8, 17)).is_eligible());
    assert_eq!(
        eligibility(&nik, MaritalStatus::Kawin, date(2026, 1, 1)),
        Eligibility::Eligible {
            because: EligibleBecause::Married
        }
    );
    assert!(eligibility(&nik, MaritalStatus::CeraiMati, date(2026, 1, 1)).is_eligible());
    assert!(eligibility(&nik, MaritalStatus::CeraiHidup, date(2026, 1, 1)).is_eligible());
}

#[test]
fn leap_day_births_become_eligible_on_the_day_age_reaches_17() {
    // Born 29 February 2008; 2025 is a common year.
    let nik = parse("3574012902080001").expect("valid");
    let Eligibility::TooYoung { eligible_from } =
        eligibility(&nik, MaritalStatus::BelumKawin, date(2025, 1, 1))
    else {
        panic!("should be too young")
    };
    assert_eq!(nik.age_on(eligible_from), 17);
    assert_eq!(nik.age_on(eligible_from.pred_opt().expect("date")), 16);
}

#[test]
fn old_papua_codes_are_flagged_not_guessed() {
    let nik = parse("9171011708950001").expect("valid");
    assert_eq!(nik.province_name(), "Papua");
    let codes: Vec<_> = nik.warnings().iter().map(|w| w.code()).collect();
    assert!(codes.contains(&"province_code_reassigned"), "{codes:?}");
}

#[test]
fn a_pre_2012_kalimantan_utara_regency_code_is_a_warning_not_an_error() {
    // 64.05 was Bulungan under Kalimantan Timur; since 2012 Bulungan is 65.01.
    let nik = parse("6405011708950001").expect("still a valid NIK");
    assert_eq!(nik.province_name(), "Kalimantan Timur");
    assert_eq!(nik.regency_name(), None);
    let codes: Vec<_> = nik.warnings().iter().map(|w| w.code()).collect();
    assert_eq!(
        codes,
        ["province_code_reassigned", "regency_not_in_current_table"]
    );
}

#[test]
fn an_unknown_district_is_a_warning() {
    let nik = parse("3574991708950001").expect("valid");
    let codes: Vec<_> = nik.warnings().iter().map(|w| w.code()).collect();
    assert_eq!(codes, ["district_not_in_current_table"]);
    assert!(nik.warnings()[0].message(Lang::En).contains("35.74.99"));
}

fn valid_nik() -> impl Strategy<Value = (String, NaiveDate, Sex)> {
    let districts = regions_table::DISTRICTS;
    (
        0..districts.len(),
        date(1926, 12, 1).num_days_from_ce()..=today().num_days_from_ce(),
        any::<bool>(),
        1u16..=9999,
    )
        .prop_map(move |(i, days, female, serial)| {
            let birth = NaiveDate::from_num_days_from_ce_opt(days).expect("in range");
            let day = birth.day() + if female { 40 } else { 0 };
            let s = format!(
                "{:06}{:02}{:02}{:02}{:04}",
                districts[i].0,
                day,
                birth.month(),
                birth.year() % 100,
                serial
            );
            (s, birth, if female { Sex::Female } else { Sex::Male })
        })
}

proptest! {
    #[test]
    fn valid_niks_round_trip(
        (s, birth, sex) in valid_nik(),
        seps in proptest::collection::vec(prop_oneof![Just(""), Just(" "), Just("."), Just("-")], 16)
    ) {
        let spaced: String = s.chars().zip(seps).flat_map(|(c, sep)| {
            std::iter::once(c).chain(sep.chars())
        }).collect();
        let nik = parse(&spaced).expect("generated NIK is valid");
        prop_assert_eq!(nik.as_str(), s.as_str());
        prop_assert_eq!(nik.birth_date(), birth);
        prop_assert_eq!(nik.sex(), sex);
        prop_assert!(nik.district_name().is_some());
        prop_assert!(nik.birth_date() <= today());
    }

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,40}") {
        let _ = parse(&s);
    }

    #[test]
    fn arbitrary_16_digit_strings_parse_or_fail_with_a_listed_code(s in "[0-9]{16}") {
        match parse(&s) {
            Ok(nik) => prop_assert_eq!(nik.as_str(), s.as_str()),
            Err(e) => prop_assert!(NikError::CODES.contains(&e.code())),
        }
    }
}

#[test]
fn a_record_sex_reads_every_spelling_the_server_sends_and_refuses_the_rest() {
    for value in ["L", "male", "LAKI-LAKI"] {
        assert_eq!(Sex::from_record(value), Ok(Sex::Male), "{value}");
    }
    for value in ["P", "female", "PEREMPUAN"] {
        assert_eq!(value.parse::<Sex>(), Ok(Sex::Female), "{value}");
    }
    let unknown = Sex::from_record("X").expect_err("not a sex");
    assert_eq!((unknown.what, unknown.value.as_str()), ("sex", "X"));
    assert!(
        Sex::from_record("laki-laki").is_err(),
        "records are upper case"
    );
    assert_eq!(Sex::Female.label(Lang::Id), "Perempuan");
    assert_eq!(Sex::Male.label(Lang::En), "Male");
}

#[test]
fn marital_status_labels_are_the_ktp_el_words_and_their_translation() {
    assert_eq!(MaritalStatus::CeraiHidup.label(Lang::Id), "CERAI HIDUP");
    assert_eq!(MaritalStatus::CeraiMati.label(Lang::En), "WIDOWED");
    assert_eq!(MaritalStatus::BelumKawin.label(Lang::En), "NOT MARRIED");
}

#[test]
fn under_17_by_the_nik_is_a_warning_until_the_17th_birthday() {
    // Born 17 August 2010.
    let nik = parse("3574011708100001").expect("valid");
    let warning = nik.age_warning(date(2027, 8, 16)).expect("still 16");
    assert_eq!(warning.code(), "under_17");
    assert!(warning.message(Lang::Id).contains("di bawah 17 tahun"));
    assert_eq!(nik.age_warning(date(2027, 8, 17)), None);
    assert!(nik.is_of_ktp_age(date(2027, 8, 17)));
}

proptest! {
    #[test]
    fn a_record_sex_parses_only_the_known_spellings(value in "[A-Za-z-]{0,10}") {
        let known = ["L", "male", "LAKI-LAKI", "P", "female", "PEREMPUAN"];
        match Sex::from_record(&value) {
            Ok(sex) => {
                prop_assert!(known.contains(&value.as_str()));
                prop_assert_eq!(Sex::from_record(sex.label_id()), Ok(sex));
            }
            Err(e) => {
                prop_assert!(!known.contains(&value.as_str()));
                prop_assert_eq!(e.value, value);
            }
        }
    }
}
