//! Serde round trips of the typed wire messages: the JSON keeps the keys and strings it always
//! had, and a value this version does not know is refused, never defaulted.

use chrono::{NaiveDate, TimeZone, Utc};
use ikd_core::activity::ActivityKind;
use ikd_core::credential::Profile;
use ikd_core::wire::{ActivityEntry, FamilyMember, RegistrationView, VerificationStatus};
use ikd_core::{Nik, RegistrationId, RegistrationState, RejectionReason, Sex};
use proptest::prelude::*;
use serde_json::{Value, json};

const ID: &str = "0123456789abcdef0123456789abcdef";

fn view(state: RegistrationState) -> RegistrationView {
    RegistrationView {
        registration_id: ID.parse().expect("id"),
        state,
        reason_message_id: None,
        reason_message_en: None,
        created_at: Utc
            .with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
            .single()
            .expect("time"),
    }
}

#[test]
fn a_registration_keeps_its_state_and_reason_keys() {
    let rejected = serde_json::to_value(view(RegistrationState::Rejected(
        RejectionReason::Under17Unmarried,
    )))
    .expect("json");
    assert_eq!(rejected["registration_id"], ID);
    assert_eq!(rejected["state"], "rejected");
    assert_eq!(rejected["reason"], "under_17_unmarried");
    let waiting =
        serde_json::to_value(view(RegistrationState::AwaitingOperatorScan)).expect("json");
    assert_eq!(waiting["state"], "awaiting_operator_scan");
    assert_eq!(waiting.get("reason"), None);
    // The registration QR is made on the phone only: the server's view has nothing to make it.
    assert_eq!(waiting.get("registration_qr"), None);
    // The form of earlier servers, with `"reason": null`, reads the same.
    let mut old = waiting.clone();
    old["reason"] = Value::Null;
    let back: RegistrationView = serde_json::from_value(old).expect("old form");
    assert_eq!(back.state, RegistrationState::AwaitingOperatorScan);
}

#[test]
fn a_registration_the_app_cannot_read_is_refused() {
    let good = serde_json::to_value(view(RegistrationState::Approved)).expect("json");
    let cases: [(&str, Value); 4] = [
        ("state", json!("paused")),
        ("state", json!("rejected")),
        ("registration_id", json!("00")),
        ("registration_id", json!(42)),
    ];
    for (key, value) in cases {
        let mut bad = good.clone();
        bad[key] = value.clone();
        assert!(
            serde_json::from_value::<RegistrationView>(bad).is_err(),
            "{key} = {value}"
        );
    }
    let mut unknown_reason = good.clone();
    unknown_reason["state"] = json!("rejected");
    unknown_reason["reason"] = json!("too_tall");
    assert!(serde_json::from_value::<RegistrationView>(unknown_reason).is_err());
}

#[test]
fn a_family_member_reads_and_writes_the_ktp_words_and_a_checked_nik() {
    let json = json!({"nik": "3574014708950002", "name": "SITI", "relationship": "ISTRI",
                      "sex": "PEREMPUAN", "birth_date": "1995-08-07"});
    let member: FamilyMember = serde_json::from_value(json.clone()).expect("member");
    assert_eq!(member.sex, Sex::Female);
    assert_eq!(
        member.nik.birth_date(),
        NaiveDate::from_ymd_opt(1995, 8, 7).expect("date")
    );
    assert_eq!(serde_json::to_value(&member).expect("json"), json);
    for (key, value) in [("sex", "X"), ("nik", "12"), ("nik", "3574014708950000")] {
        let mut bad = json.clone();
        bad[key] = json!(value);
        assert!(
            serde_json::from_value::<FamilyMember>(bad).is_err(),
            "{key} = {value}"
        );
    }
}

#[test]
fn an_activity_entry_and_a_verification_status_refuse_unknown_values() {
    let entry = ActivityEntry {
        at: Utc
            .with_ymd_and_hms(2026, 1, 2, 3, 4, 5)
            .single()
            .expect("time"),
        kind: ActivityKind::Verified,
        profile: Some(Profile::Age17),
        verifier: Some("Bank".into()),
        detail: None,
    };
    let json = serde_json::to_value(&entry).expect("json");
    assert_eq!(json["kind"], "verified");
    assert_eq!(json["profile"], "age17");
    let back: ActivityEntry = serde_json::from_value(json.clone()).expect("back");
    assert_eq!((back.kind, back.profile), (entry.kind, entry.profile));
    for (key, value) in [("kind", "moon_landing"), ("profile", "everything")] {
        let mut bad = json.clone();
        bad[key] = json!(value);
        assert!(
            serde_json::from_value::<ActivityEntry>(bad).is_err(),
            "{key}"
        );
    }
    for (status, text) in [
        (VerificationStatus::Active, "\"active\""),
        (VerificationStatus::Revoked, "\"revoked\""),
        (VerificationStatus::Unknown, "\"unknown\""),
    ] {
        assert_eq!(serde_json::to_string(&status).expect("json"), text);
        assert_eq!(
            serde_json::from_str::<VerificationStatus>(text).expect("back"),
            status
        );
    }
    assert!(serde_json::from_str::<VerificationStatus>("\"maybe\"").is_err());
}

fn state() -> impl Strategy<Value = RegistrationState> {
    let reason = proptest::sample::select(RejectionReason::ALL.to_vec());
    prop_oneof![
        Just(RegistrationState::Submitted),
        Just(RegistrationState::AwaitingOperatorScan),
        Just(RegistrationState::Approved),
        Just(RegistrationState::Activated),
        reason.prop_map(RegistrationState::Rejected),
    ]
}

proptest! {
    #[test]
    fn every_registration_view_round_trips(state in state(), bytes in any::<[u8; 16]>(), kind in proptest::sample::select(ActivityKind::ALL.to_vec())) {
        let mut v = view(state);
        v.registration_id = RegistrationId::from_bytes(bytes);
        let json = serde_json::to_string(&v).expect("json");
        let back: RegistrationView = serde_json::from_str(&json).expect("back");
        prop_assert_eq!(back.registration_id, v.registration_id);
        prop_assert_eq!(back.state, state);
        let text = serde_json::to_string(&kind).expect("json");
        prop_assert_eq!(serde_json::from_str::<ActivityKind>(&text).expect("back"), kind);
    }
}

#[test]
fn a_nik_is_written_as_its_digits() {
    let nik = Nik::parse(
        "3574014708950002",
        NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
    )
    .expect("nik");
    assert_eq!(
        serde_json::to_value(&nik).expect("json"),
        "3574014708950002"
    );
}
