//! The UI's TypeScript types are generated from the Rust views; this test fails when they drift.
//! Regenerate with `IKD_REGENERATE_TYPES=1 cargo test -p ikd-client --test bindings`.

use std::path::PathBuf;

use serde_json::json;

#[test]
fn the_ui_typescript_types_match_the_rust_views() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/generated/types.ts");
    let generated = ikd_client::views::typescript_declarations();
    if std::env::var_os("IKD_REGENERATE_TYPES").is_some() {
        std::fs::write(&path, &generated).expect("write the generated types");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/generated/types.ts is out of date: run `IKD_REGENERATE_TYPES=1 cargo test -p ikd-client --test bindings`"
    );
    // Every view the commands return is declared.
    for name in [
        "AppInfo",
        "UiError",
        "RegistrationStatus",
        "QrView",
        "CardView",
        "OfficeView",
    ] {
        assert!(
            generated.contains(&format!("export type {name} = ")),
            "{name} missing"
        );
    }
}

/// The members of `export type {name} = "a" | "b";` in `generated`.
fn union_of(generated: &str, name: &str) -> Vec<String> {
    let head = format!("export type {name} = ");
    let line = generated
        .lines()
        .find(|l| l.starts_with(&head))
        .unwrap_or_else(|| panic!("{name} missing"));
    line[head.len()..]
        .trim_end_matches(';')
        .split(" | ")
        .map(|member| member.trim_matches('"').to_owned())
        .collect()
}

/// The JSON string of each value, checked against the code the app sent before the views were
/// typed (`code`).
fn codes<T: serde::Serialize + Copy>(
    values: &[T],
    code: impl Fn(T) -> &'static str,
) -> Vec<String> {
    values
        .iter()
        .map(|&value| {
            let json = serde_json::to_value(value).expect("json");
            let text = json.as_str().expect("a string").to_owned();
            assert_eq!(text, code(value));
            text
        })
        .collect()
}

#[test]
fn every_union_is_the_json_of_its_values() {
    use ikd_client::views::{FrameSource, LinkScreen, LivenessPhase, Stage};
    use ikd_core::activity::ActivityKind;
    use ikd_core::credential::Profile;
    use ikd_core::i18n::Lang;
    use ikd_core::liveness::Action;
    use ikd_core::offices::ChannelKind;
    use ikd_core::registration::{StateCode, StepState, TrackerStep};
    use ikd_core::wire::LivenessPurpose;

    let generated = ikd_client::views::typescript_declarations();
    let union = |name| union_of(&generated, name);
    let lang = |l| match l {
        Lang::Id => "id",
        Lang::En => "en",
    };
    assert_eq!(union("Lang"), codes(&[Lang::Id, Lang::En], lang));
    assert_eq!(union("Profile"), codes(&Profile::ALL, Profile::as_str));
    let states = [
        StateCode::Submitted,
        StateCode::AwaitingOperatorScan,
        StateCode::Approved,
        StateCode::Activated,
        StateCode::Rejected,
        StateCode::Expired,
    ];
    assert_eq!(
        union("RegistrationStateCode"),
        codes(&states, StateCode::code)
    );
    assert_eq!(
        union("TrackerStep"),
        codes(&TrackerStep::ALL, TrackerStep::key)
    );
    let steps = [
        StepState::Done,
        StepState::Current,
        StepState::Todo,
        StepState::Failed,
    ];
    assert_eq!(union("StepState"), codes(&steps, StepState::code));
    assert_eq!(
        union("ActivityKind"),
        codes(&ActivityKind::ALL, ActivityKind::code)
    );
    assert_eq!(union("Action"), codes(&Action::ALL, Action::code));
    let purposes = [LivenessPurpose::Register, LivenessPurpose::Recover];
    assert_eq!(
        union("LivenessPurpose"),
        codes(&purposes, LivenessPurpose::code)
    );
    // The channel kinds were sent as their JSON already; the screens' own enums have no other code.
    let json = |v: serde_json::Value| v.as_str().expect("a string").to_owned();
    use ChannelKind as C;
    let channels = [
        C::InPerson,
        C::Phone,
        C::Fax,
        C::Sms,
        C::WhatsApp,
        C::Email,
        C::Website,
        C::Instagram,
        C::Facebook,
        C::Twitter,
        C::Lapor,
        C::ComplaintBox,
        C::Other,
    ];
    for (name, values) in [
        ("ChannelKind", channels.map(|c| json!(c)).to_vec()),
        (
            "FrameSource",
            vec![json!(FrameSource::Camera), json!(FrameSource::Test)],
        ),
        (
            "LivenessPhase",
            [
                LivenessPhase::Baseline,
                LivenessPhase::Act,
                LivenessPhase::Centre,
                LivenessPhase::Done,
                LivenessPhase::Failed,
            ]
            .map(|p| json!(p))
            .to_vec(),
        ),
        (
            "Stage",
            [
                Stage::New,
                Stage::Registered,
                Stage::Activated,
                Stage::Recovering,
            ]
            .map(|s| json!(s))
            .to_vec(),
        ),
        (
            "LinkScreen",
            vec![json!(LinkScreen::Activate), json!(LinkScreen::Recover)],
        ),
    ] {
        assert_eq!(
            union(name),
            values.into_iter().map(json).collect::<Vec<_>>(),
            "{name}"
        );
    }
    // Ids are strings.
    assert_eq!(union("RegistrationId"), ["string"]);
    assert_eq!(union("ChallengeId"), ["string"]);
}
