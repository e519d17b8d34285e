//! What the app's screens receive: plain, already-localised data. The web UI renders these and
//! nothing else; every decision (is this NIK valid, which step is current, is the data stale) is
//! taken here or in the core. The TypeScript declarations in `ui/src/generated/types.ts` are
//! generated from these types (see `typescript_declarations`) and a test keeps them equal.
//!
//! A value from a fixed set is typed, so the TypeScript has a union where the JSON has a code:
//! the core's enums and ids (`ikd-core`'s `ts` feature declares them: `Lang`, `Profile`,
//! `RegistrationStateCode`, `TrackerStep`, `StepState`, `ActivityKind`, `ChannelKind`, `Action`,
//! `LivenessPurpose`, and the ids as `string`) or the screens' own (`Stage`, `LivenessPhase`,
//! `FrameSource`, `LinkScreen`). Labels, messages, free text and error codes (an open set) are
//! strings. The selfie's views are in `views/liveness.rs`.

mod liveness;

use ikd_core::activity::ActivityKind;
use ikd_core::credential::Profile;
use ikd_core::i18n::Lang;
use ikd_core::liveness::Action;
use ikd_core::offices::ChannelKind;
use ikd_core::registration::{StateCode, StepState, TrackerStep};
use ikd_core::wire::LivenessPurpose;
use ikd_core::{ChallengeId, RegistrationId};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use liveness::{
    FaceBox, FrameSource, LivenessPhase, LivenessProgress, LivenessResult, LivenessSession,
    LivenessStep,
};

/// A message a person reads: a stable code and the text in the app's current language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Message {
    /// Stable code (`nik_wrong_length`, `offline`, …).
    pub code: String,
    /// The text in the current language.
    pub message: String,
}

/// The one error every command can fail with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UiError {
    /// Stable code: the core's or the server's own (`pin_wrong`, `nik_not_found`, …) or one of
    /// `offline`, `timeout`, `server_down`, `pin_locked`, `pin_counter_unreadable`, `locked`,
    /// `storage_failed`.
    pub code: String,
    /// What happened and what to do, in the current language.
    pub message: String,
    /// Seconds to wait before trying again (PIN lockout).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u32>,
}

impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for UiError {}

/// Where the resident is in the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Nothing sent yet (the form may hold a draft).
    New,
    /// A registration was sent; follow its status, then activate.
    Registered,
    /// Active on this device: unlock with the PIN.
    Activated,
    /// A device change or PIN reset passed its liveness check and waits for the emailed code.
    Recovering,
}

/// What the form held when the resident left it (never lost by going back).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Draft {
    /// NIK as typed.
    pub nik: String,
    /// Email as typed.
    pub email: String,
    /// Phone as typed.
    pub phone: String,
}

/// The app at start-up: which screen to open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    /// Where the resident is.
    pub stage: Stage,
    /// `id` or `en`.
    pub lang: Lang,
    /// The SIAK server this app talks to.
    pub server: String,
    /// The half-done registration form.
    pub draft: Draft,
    /// The registration being followed.
    pub registration_id: Option<RegistrationId>,
    /// Whether the PIN was entered since the app last went to the background.
    pub unlocked: bool,
    /// The device change waiting for its emailed code (stage `recovering`).
    pub recovery: Option<RecoveryView>,
    /// App version.
    pub version: String,
}

/// One checked field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FieldCheck {
    /// Nothing typed yet (no error shown).
    pub empty: bool,
    /// Valid.
    pub ok: bool,
    /// The value as it will be sent (`+6281234567890`, a NIK without separators).
    pub value: Option<String>,
    /// Why it is not valid.
    pub error: Option<Message>,
}

/// The NIK field, with what the NIK says about its holder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NikCheck {
    /// The field itself.
    pub field: FieldCheck,
    /// Province of first registration.
    pub province: Option<String>,
    /// Regency or city.
    pub regency: Option<String>,
    /// District.
    pub district: Option<String>,
    /// Birth date, `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// Sex, in the current language.
    pub sex: Option<String>,
    /// Age today.
    pub age: Option<u32>,
    /// Things to know that do not stop the registration (an old region code, under 17 — the
    /// server decides with the marital status).
    pub warnings: Vec<Message>,
}

/// The registration form, checked as the resident types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RegistrationCheck {
    /// NIK.
    pub nik: NikCheck,
    /// Email.
    pub email: FieldCheck,
    /// Phone.
    pub phone: FieldCheck,
    /// All three valid: the form can be sent.
    pub ready: bool,
}

/// A PIN being chosen (typed twice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PinCheck {
    /// The first entry against the PIN rules.
    pub pin: FieldCheck,
    /// The second entry matches the first.
    pub confirm: FieldCheck,
    /// Both fine.
    pub ready: bool,
    /// The rules, in the current language, for the screen to list.
    pub rules: Vec<String>,
}

/// A step of the registration status tracker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StatusStep {
    /// `submitted`, `central_check`, `operator_scan`, `approved`, `activated`.
    pub key: TrackerStep,
    /// In the current language.
    pub label: String,
    /// `done`, `current`, `todo` or `failed`.
    pub state: StepState,
}

/// The registration as the status tracker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RegistrationStatus {
    /// Registration id.
    pub registration_id: RegistrationId,
    /// `submitted`, `awaiting_operator_scan`, `approved`, `activated` or `rejected`.
    pub state: StateCode,
    /// Steps in order.
    pub steps: Vec<StatusStep>,
    /// What to do now, in the current language.
    pub next: String,
    /// Why it was rejected.
    pub reason: Option<Message>,
    /// When it was submitted (RFC 3339).
    pub submitted_at: String,
}

/// The registration QR the operator scans while the registration waits for them: made on the
/// phone for the current 30-second window, remade when the window turns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RegistrationQrView {
    /// The QR text (`IKDREG2:…`), shown under the QR for reading aloud or pasting.
    pub text: String,
    /// The QR as SVG.
    pub svg: String,
    /// Seconds until the window turns and the QR must be remade (1–30).
    pub seconds_left: u32,
    /// When the window turns (RFC 3339).
    pub expires_at: String,
}

/// What an unlock achieved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UnlockView {
    /// The server was reached and data refreshed.
    pub online: bool,
    /// The card is shown from data saved earlier.
    pub stale: bool,
    /// The saved credentials are valid until (RFC 3339).
    pub valid_until: Option<String>,
    /// A notice for the resident (offline, data from …), in the current language.
    pub notice: Option<String>,
}

/// A labelled field of the card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CardField {
    /// Field key (`nik`, `name`, …).
    pub key: String,
    /// Label in the current language.
    pub label: String,
    /// Value as printed on the KTP-el.
    pub value: String,
}

/// The Digital KTP card (from the saved `full` credential; works offline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CardView {
    /// NIK.
    pub nik: String,
    /// Name.
    pub name: String,
    /// Every field in KTP-el order.
    pub fields: Vec<CardField>,
    /// The saved credentials are valid until (RFC 3339).
    pub valid_until: String,
    /// Shown from data that could not be refreshed.
    pub stale: bool,
    /// A notice when stale, in the current language.
    pub notice: Option<String>,
}

/// A disclosure profile the resident can choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProfileOption {
    /// `age17`, `basic` or `full`.
    pub id: Profile,
    /// In the current language.
    pub label: String,
}

/// A QR to show, fresh for 90 seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct QrView {
    /// Profile shown.
    pub profile: Profile,
    /// The QR text (`IKD1:…`).
    pub text: String,
    /// The QR as SVG.
    pub svg: String,
    /// QR version (size).
    pub version: i16,
    /// Made at (RFC 3339).
    pub created_at: String,
    /// Expires at (RFC 3339).
    pub expires_at: String,
    /// Seconds it is valid for.
    pub valid_secs: u32,
    /// Refresh this many seconds after it was made (before a verifier could see it expire).
    pub refresh_after_secs: u32,
    /// Shown from saved data that could not be refreshed.
    pub stale: bool,
}

/// A member of the family card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FamilyMemberView {
    /// NIK.
    pub nik: String,
    /// Name.
    pub name: String,
    /// Relationship as on the KK.
    pub relationship: String,
    /// Sex in the current language.
    pub sex: String,
    /// Birth date `YYYY-MM-DD`.
    pub birth_date: String,
}

/// Data Keluarga.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FamilyView {
    /// KK number.
    pub kk: String,
    /// Members in card order.
    pub members: Vec<FamilyMemberView>,
}

/// One line of Histori Aktivitas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ActivityView {
    /// When (RFC 3339).
    pub at: String,
    /// Event code.
    pub kind: ActivityKind,
    /// What happened, in the current language.
    pub title: String,
    /// Who verified or decided, profile shown, reason.
    pub detail: Option<String>,
}

/// A way to reach the office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChannelView {
    /// `phone`, `whatsapp`, `email`, `website`, …
    pub kind: ChannelKind,
    /// As printed.
    pub label: String,
    /// Link to open (`tel:`, `mailto:`, `https:`).
    pub href: Option<String>,
}

/// Layanan & Pengaduan: the resident's own Disdukcapil office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OfficeView {
    /// Office name.
    pub name: String,
    /// Address.
    pub address: Option<String>,
    /// Opening hours.
    pub hours: Option<String>,
    /// How long the KTP Digital service takes, in the current language.
    pub service_level: String,
    /// Whether this is the national fallback (the resident's office is not in the app's list).
    pub national: bool,
    /// Complaint and information channels.
    pub channels: Vec<ChannelView>,
}

/// A device change or PIN reset started on this phone: waiting for the emailed code, then (once
/// the code is confirmed) for the server's waiting period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RecoveryView {
    /// Where the code was sent, partly hidden (`bu***@example.id`).
    pub email_hint: String,
    /// Minutes until the code expires.
    pub expires_in_minutes: u32,
    /// Once the code is confirmed: the wait before the account moves here.
    pub waiting: Option<DeviceChangeWait>,
}

/// Where a confirmed device change stands, for the new phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WaitState {
    /// Waiting: the old phone, the mailed link or an office may still cancel it.
    Waiting,
    /// The wait is over (or an office approved it): the new PIN completes it.
    Ready,
    /// Cancelled for good: start again or visit an office.
    Cancelled,
}

/// The waiting period of a confirmed device change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DeviceChangeWait {
    /// Where it stands.
    pub state: WaitState,
    /// When it may complete, `YYYY-MM-DD HH:MM` UTC.
    pub completes_at: String,
    /// Hours left, rounded up (0 when ready).
    pub hours_left: u32,
}

/// A device change waiting on this (old) phone's account: the home screen's banner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DeviceChangeNotice {
    /// When the new phone may take the account over, `YYYY-MM-DD HH:MM` UTC.
    pub completes_at: String,
    /// Hours left, rounded up.
    pub hours_left: u32,
}

/// Which screen a link from the SIAK's mail opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LinkScreen {
    /// Activation (code + new PIN) of the registration on this phone.
    Activate,
    /// Confirmation (code + new PIN) of the device change on this phone.
    Recover,
}

/// A mail link the app accepted: the screen to open and the code to fill in (still checked by
/// the server, where it is single use).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LinkView {
    /// The screen to open.
    pub screen: LinkScreen,
    /// The code, shown as `ABCD-EFGH`.
    pub code: String,
}

/// Every declaration above, as one TypeScript module (the UI imports it).
pub fn typescript_declarations() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let decls = [
        Lang::decl(&cfg),
        Profile::decl(&cfg),
        RegistrationId::decl(&cfg),
        ChallengeId::decl(&cfg),
        StateCode::decl(&cfg),
        TrackerStep::decl(&cfg),
        StepState::decl(&cfg),
        ActivityKind::decl(&cfg),
        ChannelKind::decl(&cfg),
        Action::decl(&cfg),
        LivenessPurpose::decl(&cfg),
        Message::decl(&cfg),
        UiError::decl(&cfg),
        Stage::decl(&cfg),
        Draft::decl(&cfg),
        AppInfo::decl(&cfg),
        FieldCheck::decl(&cfg),
        NikCheck::decl(&cfg),
        RegistrationCheck::decl(&cfg),
        PinCheck::decl(&cfg),
        StatusStep::decl(&cfg),
        RegistrationStatus::decl(&cfg),
        RegistrationQrView::decl(&cfg),
        UnlockView::decl(&cfg),
        CardField::decl(&cfg),
        CardView::decl(&cfg),
        ProfileOption::decl(&cfg),
        QrView::decl(&cfg),
        FamilyMemberView::decl(&cfg),
        FamilyView::decl(&cfg),
        ActivityView::decl(&cfg),
        ChannelView::decl(&cfg),
        OfficeView::decl(&cfg),
        LivenessStep::decl(&cfg),
        FrameSource::decl(&cfg),
        LivenessSession::decl(&cfg),
        FaceBox::decl(&cfg),
        LivenessPhase::decl(&cfg),
        LivenessProgress::decl(&cfg),
        RecoveryView::decl(&cfg),
        WaitState::decl(&cfg),
        DeviceChangeWait::decl(&cfg),
        DeviceChangeNotice::decl(&cfg),
        LivenessResult::decl(&cfg),
        LinkScreen::decl(&cfg),
        LinkView::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from crates/ikd-client/src/views.rs by ts-rs. Do not edit: run\n\
         // `IKD_REGENERATE_TYPES=1 cargo test -p ikd-client --test bindings` after changing the Rust types.\n\n",
    );
    for decl in decls {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
