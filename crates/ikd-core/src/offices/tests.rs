//! The offices' data checked against the region table and the link rules.

use chrono::NaiveDate;

use super::*;
use crate::contact::{Email as EmailAddress, PhoneNumber};
use crate::nik::regions::regency_name;

/// National short numbers, dialled as they are (not E.164).
const SHORT_NUMBERS: &[&str] = &["1500537", "1708"];

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn every_office() -> impl Iterator<Item = &'static Office> {
    all().iter().chain(std::iter::once(national()))
}

/// Lower-case, without spaces: the cards write "Labuhan Batu", the table "Labuhanbatu".
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[test]
fn the_five_regencies_map_to_their_own_office_named_as_in_the_region_table() {
    let expected = [
        ("3574", "Kota Probolinggo"),
        ("1223", "Kabupaten Labuhanbatu Utara"),
        ("1376", "Kota Payakumbuh"),
        ("1207", "Kabupaten Deli Serdang"),
        ("5171", "Kota Denpasar"),
    ];
    assert_eq!(all().len(), expected.len());
    for (code, table_name) in expected {
        let office = office_for_regency(code);
        assert_eq!(office.regency_code, Some(code));
        assert!(!office.is_national());
        let number: u16 = code.parse().expect("four digits");
        assert_eq!(regency_name(number), Some(table_name), "{code}");
        let prefix = "Dinas Kependudukan dan Pencatatan Sipil ";
        let regency = office.name.strip_prefix(prefix).expect("office name");
        assert_eq!(squash(regency), squash(table_name), "{code}");
    }
}

#[test]
fn offices_are_sorted_unique_and_complete() {
    assert!(
        all()
            .windows(2)
            .all(|w| w[0].regency_code < w[1].regency_code)
    );
    for office in every_office() {
        assert!(!office.channels.is_empty(), "{}", office.name);
        assert!(!office.service_level_id.is_empty() && !office.service_level_en.is_empty());
        assert_eq!(office.cost(Lang::Id), "Tidak dipungut biaya");
        assert_eq!(office.cost(Lang::En), "Free of charge");
    }
    assert!(
        all()
            .iter()
            .all(|o| o.regency_code.is_some_and(|c| c.len() == 4))
    );
}

#[test]
fn an_unknown_regency_gets_the_national_office() {
    let office = office_for_regency("1101");
    assert!(office.is_national());
    assert!(std::ptr::eq(office, national()));
    assert!(office_for_regency("").is_national());
    assert!(office_for_regency("35.74").is_national());
    assert!(
        national()
            .channels
            .iter()
            .any(|c| c.href == Some("https://www.lapor.go.id"))
    );
}

fn check_phone_href(number: &str, label: &str) {
    if SHORT_NUMBERS.contains(&number) {
        assert_eq!(digits(label), number, "{label}");
        return;
    }
    let national = number
        .strip_prefix("+62")
        .unwrap_or_else(|| panic!("{number} is not +62"));
    assert!(
        !national.is_empty() && national.chars().all(|c| c.is_ascii_digit()),
        "{number}"
    );
    assert!(!national.starts_with('0'), "{number}");
    // The link dials exactly what the card prints.
    let printed = digits(label);
    assert_eq!(
        printed.strip_prefix('0'),
        Some(national),
        "{label} vs {number}"
    );
}

#[test]
fn every_href_has_the_right_scheme_and_phone_links_are_e164() {
    for office in every_office() {
        for c in office.channels {
            let Some(href) = c.href else {
                continue;
            };
            assert!(
                href.is_ascii() && !href.contains(char::is_whitespace),
                "{href}"
            );
            match c.kind {
                ChannelKind::Phone => {
                    check_phone_href(href.strip_prefix("tel:").expect(href), c.label)
                }
                ChannelKind::Sms => {
                    check_phone_href(href.strip_prefix("sms:").expect(href), c.label)
                }
                ChannelKind::WhatsApp => {
                    let n = href.strip_prefix("https://wa.me/62").expect(href);
                    assert!(n.chars().all(|c| c.is_ascii_digit()), "{href}");
                    let phone = PhoneNumber::parse(c.label).expect("a mobile number");
                    assert_eq!(format!("https://wa.me/{}", &phone.e164()[1..]), href);
                }
                ChannelKind::Email => {
                    let address = href.strip_prefix("mailto:").expect(href);
                    assert_eq!(EmailAddress::parse(address).expect(href).as_str(), address);
                    assert_eq!(c.label, address);
                }
                ChannelKind::Instagram => {
                    let handle = href.strip_prefix("https://www.instagram.com/").expect(href);
                    assert_eq!(handle, c.label.trim_start_matches('@').to_ascii_lowercase());
                }
                ChannelKind::Facebook => {
                    assert!(href.starts_with("https://www.facebook.com/"), "{href}");
                }
                ChannelKind::Twitter => assert!(href.starts_with("https://x.com/"), "{href}"),
                ChannelKind::Website => {
                    let host = href
                        .strip_prefix("https://")
                        .or_else(|| href.strip_prefix("http://"))
                        .expect(href);
                    assert!(host.ends_with(".go.id"), "{href}");
                    assert!(c.label.starts_with(host), "{} vs {href}", c.label);
                }
                ChannelKind::Lapor => {
                    if let Some(n) = href.strip_prefix("sms:") {
                        check_phone_href(n, c.label);
                    } else {
                        assert!(
                            href == "https://www.lapor.go.id" || href == "https://x.com/lapor1708",
                            "{href}"
                        );
                    }
                }
                ChannelKind::InPerson
                | ChannelKind::Fax
                | ChannelKind::ComplaintBox
                | ChannelKind::Other => {
                    panic!("{:?} {} has no link to give", c.kind, c.label)
                }
            }
        }
    }
}

#[test]
fn a_probolinggo_nik_gets_the_probolinggo_office() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("valid date");
    // 35.74.01 = Kota Probolinggo, Kademangan; born 17 August 1995.
    let nik = Nik::parse("3574011708950001", today).expect("valid NIK");
    let office = office_for(&nik);
    assert_eq!(office.regency_code, Some("3574"));
    assert_eq!(
        office.name,
        "Dinas Kependudukan dan Pencatatan Sipil Kota Probolinggo"
    );
    assert_eq!(office.service_level(Lang::Id).split(' ').next(), Some("1"));
    // A NIK from a regency without a card (Aceh Selatan) falls back to the national office.
    let aceh = Nik::parse("1101011708950001", today).expect("valid NIK");
    assert!(office_for(&aceh).is_national());
}

#[test]
fn serialises_kinds_in_snake_case() {
    let json = serde_json::to_value(office_for_regency("1223")).expect("serialise");
    assert_eq!(json["regency_code"], "1223");
    assert_eq!(json["channels"][0]["kind"], "in_person");
    assert_eq!(json["channels"][4]["kind"], "whatsapp");
    assert_eq!(json["channels"][7]["href"], serde_json::Value::Null);
    assert_eq!(
        ChannelKind::ComplaintBox.label(Lang::En),
        "Suggestion/complaint box"
    );
}
