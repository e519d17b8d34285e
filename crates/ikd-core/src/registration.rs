//! The life of an IKD registration, shared by the mock SIAK (which drives it) and the app (which
//! shows it in the status tracker):
//!
//! ```text
//! submitted ──central check ok──▶ awaiting_operator_scan ──operator approves──▶ approved ──▶ activated
//!     │                                   │
//!     └──central check fails──▶ rejected ◀┘ operator rejects
//!                                         │
//!                                         └──no operator within the expiry──▶ expired
//! ```
//!
//! An expired registration is final like a rejected one; the NIK may register again.
//!
//! A rejection always carries a [`RejectionReason`] with a stable code and a message the resident
//! can act on. Transitions not in the diagram are refused with [`TransitionError`].
//!
//! The app's status tracker shows the five [`TrackerStep`]s, each done, current, to do or failed
//! ([`RegistrationState::tracker_steps`]), and what to do now ([`RegistrationState::describe`]);
//! both are in `registration/tracker.rs`.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::i18n::{Lang, Localized, UnknownCode, pick};

mod tracker;

pub use tracker::{StepState, TrackerStep};

/// Why a registration was rejected: by the central SIAK checks or by the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectionReason {
    /// No resident with this NIK in the population register.
    NikNotFound,
    /// The resident has not recorded a KTP-el (biometrics taken at the office).
    KtpElNotRecorded,
    /// Under 17 and never married.
    #[serde(rename = "under_17_unmarried")]
    Under17Unmarried,
    /// More than one record for this person: not "single identity".
    DuplicateIdentity,
    /// The record is of a deceased or inactive resident.
    DeceasedOrInactive,
    /// The phone number is already used by a member of another family card (KK).
    PhoneUsedByOtherFamily,
    /// An active Digital KTP is bound to another device.
    ActiveOnOtherDevice,
    /// The moving-face selfie did not pass.
    LivenessFailed,
    /// The operator found the face or data do not match the KTP-el record.
    DataMismatch,
}

impl RejectionReason {
    /// Every reason, in a stable order.
    pub const ALL: [RejectionReason; 9] = [
        RejectionReason::NikNotFound,
        RejectionReason::KtpElNotRecorded,
        RejectionReason::Under17Unmarried,
        RejectionReason::DuplicateIdentity,
        RejectionReason::DeceasedOrInactive,
        RejectionReason::PhoneUsedByOtherFamily,
        RejectionReason::ActiveOnOtherDevice,
        RejectionReason::LivenessFailed,
        RejectionReason::DataMismatch,
    ];

    /// The reason of stable code `code` (as the server sends it).
    pub fn from_code(code: &str) -> Result<RejectionReason, UnknownCode> {
        RejectionReason::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(|| UnknownCode {
                what: "rejection reason",
                value: code.to_owned(),
            })
    }
}

impl Localized for RejectionReason {
    fn code(&self) -> &'static str {
        match self {
            RejectionReason::NikNotFound => "nik_not_found",
            RejectionReason::KtpElNotRecorded => "ktp_el_not_recorded",
            RejectionReason::Under17Unmarried => "under_17_unmarried",
            RejectionReason::DuplicateIdentity => "duplicate_identity",
            RejectionReason::DeceasedOrInactive => "deceased_or_inactive",
            RejectionReason::PhoneUsedByOtherFamily => "phone_used_by_other_family",
            RejectionReason::ActiveOnOtherDevice => "active_on_other_device",
            RejectionReason::LivenessFailed => "liveness_failed",
            RejectionReason::DataMismatch => "data_mismatch",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (id, en) = match self {
            RejectionReason::NikNotFound => (
                "NIK tidak ditemukan di database kependudukan. Periksa NIK Anda atau hubungi Disdukcapil.",
                "This NIK is not in the population register. Check your NIK or contact your Disdukcapil office.",
            ),
            RejectionReason::KtpElNotRecorded => (
                "Anda belum melakukan perekaman KTP-el. Lakukan perekaman di kantor Disdukcapil atau kecamatan terlebih dahulu.",
                "Your KTP-el has not been recorded yet. Record it at a Disdukcapil or district office first.",
            ),
            RejectionReason::Under17Unmarried => (
                "KTP Digital hanya untuk penduduk berusia 17 tahun ke atas atau sudah/pernah kawin.",
                "The Digital KTP is for residents aged 17 or over, or married or once married.",
            ),
            RejectionReason::DuplicateIdentity => (
                "Data Anda tercatat lebih dari satu kali (bukan identitas tunggal). Datangi Disdukcapil untuk perbaikan data.",
                "Your data is recorded more than once (not a single identity). Visit your Disdukcapil office to correct it.",
            ),
            RejectionReason::DeceasedOrInactive => (
                "Data kependudukan dengan NIK ini tidak aktif. Hubungi Disdukcapil.",
                "The population record for this NIK is not active. Contact your Disdukcapil office.",
            ),
            RejectionReason::PhoneUsedByOtherFamily => (
                "Nomor HP ini sudah dipakai anggota Kartu Keluarga lain. Satu nomor hanya untuk anggota satu KK.",
                "This phone number is already used by a member of another family card. One number serves one family card only.",
            ),
            RejectionReason::ActiveOnOtherDevice => (
                "KTP Digital Anda masih aktif di perangkat lain. Lepas perangkat lama terlebih dahulu.",
                "Your Digital KTP is still active on another device. Release the old device first.",
            ),
            RejectionReason::LivenessFailed => (
                "Swafoto bergerak tidak lolos pemeriksaan. Ulangi di tempat terang dan ikuti petunjuk gerakan.",
                "The moving-face selfie did not pass. Try again in good light and follow the movement prompts.",
            ),
            RejectionReason::DataMismatch => (
                "Petugas menemukan wajah atau data tidak sesuai dengan KTP-el. Datangi Disdukcapil dengan KTP-el Anda.",
                "The operator found that the face or data do not match the KTP-el. Visit your Disdukcapil office with your KTP-el.",
            ),
        };
        pick(lang, id.into(), en.into())
    }
}

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "reason")]
pub enum RegistrationState {
    /// Received; the central checks have not finished.
    Submitted,
    /// Passed the central checks; waits for an operator to scan the registration QR.
    AwaitingOperatorScan,
    /// Approved: an activation code was sent by email.
    Approved,
    /// Activated on the resident's device.
    Activated,
    /// Rejected; the resident was told why.
    Rejected(RejectionReason),
    /// No operator scanned it in time (the server's pending expiry); the resident may register
    /// again.
    Expired,
}

/// A [`RegistrationState`] without its rejection reason: the `state` key of its JSON form, and
/// what the app's status tracker shows as the state. Its JSON form is [`StateCode::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "RegistrationStateCode")
)]
#[serde(rename_all = "snake_case")]
pub enum StateCode {
    /// [`RegistrationState::Submitted`].
    Submitted,
    /// [`RegistrationState::AwaitingOperatorScan`].
    AwaitingOperatorScan,
    /// [`RegistrationState::Approved`].
    Approved,
    /// [`RegistrationState::Activated`].
    Activated,
    /// [`RegistrationState::Rejected`], whatever the reason.
    Rejected,
    /// [`RegistrationState::Expired`].
    Expired,
}

impl StateCode {
    /// Stable code (`submitted`, `awaiting_operator_scan`, `approved`, `activated`, `rejected`,
    /// `expired`).
    pub fn code(self) -> &'static str {
        match self {
            StateCode::Submitted => "submitted",
            StateCode::AwaitingOperatorScan => "awaiting_operator_scan",
            StateCode::Approved => "approved",
            StateCode::Activated => "activated",
            StateCode::Rejected => "rejected",
            StateCode::Expired => "expired",
        }
    }
}

/// The JSON form of a state: the keys `state` and, when rejected, `reason`.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for RegistrationState {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        let codes = [
            RegistrationState::Submitted,
            RegistrationState::AwaitingOperatorScan,
            RegistrationState::Approved,
            RegistrationState::Activated,
            RegistrationState::Rejected(RejectionReason::DataMismatch),
            RegistrationState::Expired,
        ]
        .map(RegistrationState::code);
        let state = ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("Where the registration stands."))
            .enum_values(Some(codes));
        let reason = ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("Rejection code, when rejected."))
            .enum_values(Some(RejectionReason::ALL.map(|r| r.code())));
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("state", state)
            .property("reason", reason)
            .required("state")
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for RegistrationState {}

/// Something that happens to a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event", content = "reason")]
pub enum RegistrationEvent {
    /// The central SIAK checks passed.
    CentralCheckPassed,
    /// The central SIAK checks failed.
    CentralCheckFailed(RejectionReason),
    /// The operator approved after scanning the registration QR.
    OperatorApproved,
    /// The operator rejected.
    OperatorRejected(RejectionReason),
    /// The resident activated with the emailed code.
    Activated,
    /// No operator scanned it within the server's pending expiry.
    Expired,
}

/// An event that cannot happen in the current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("registration in state {from} cannot take event {event}")]
pub struct TransitionError {
    /// Code of the state.
    pub from: &'static str,
    /// Code of the event.
    pub event: &'static str,
}

impl Localized for TransitionError {
    fn code(&self) -> &'static str {
        "registration_invalid_transition"
    }

    fn message(&self, lang: Lang) -> String {
        pick(
            lang,
            format!(
                "Pendaftaran berstatus \"{}\" tidak dapat diproses dengan cara ini.",
                self.from
            ),
            format!(
                "A registration in state \"{}\" cannot be processed this way.",
                self.from
            ),
        )
    }
}

impl RegistrationState {
    /// The state of codes `state` and `reason` as the server sends them
    /// ([`RegistrationState::code`], and [`RejectionReason::code`] for a rejection).
    pub fn from_codes(state: &str, reason: Option<&str>) -> Result<RegistrationState, UnknownCode> {
        match (state, reason) {
            ("submitted", _) => Ok(RegistrationState::Submitted),
            ("awaiting_operator_scan", _) => Ok(RegistrationState::AwaitingOperatorScan),
            ("approved", _) => Ok(RegistrationState::Approved),
            ("activated", _) => Ok(RegistrationState::Activated),
            ("expired", _) => Ok(RegistrationState::Expired),
            ("rejected", Some(reason)) => {
                RejectionReason::from_code(reason).map(RegistrationState::Rejected)
            }
            (other, _) => Err(UnknownCode {
                what: "registration state",
                value: other.to_owned(),
            }),
        }
    }

    /// The state without its rejection reason.
    pub fn state_code(self) -> StateCode {
        match self {
            RegistrationState::Submitted => StateCode::Submitted,
            RegistrationState::AwaitingOperatorScan => StateCode::AwaitingOperatorScan,
            RegistrationState::Approved => StateCode::Approved,
            RegistrationState::Activated => StateCode::Activated,
            RegistrationState::Rejected(_) => StateCode::Rejected,
            RegistrationState::Expired => StateCode::Expired,
        }
    }

    /// Stable code of the state.
    pub fn code(self) -> &'static str {
        self.state_code().code()
    }

    /// No further event can change it.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            RegistrationState::Activated
                | RegistrationState::Rejected(_)
                | RegistrationState::Expired
        )
    }

    /// The state after `event`, or why it cannot happen.
    pub fn apply(self, event: RegistrationEvent) -> Result<RegistrationState, TransitionError> {
        use RegistrationEvent as E;
        use RegistrationState as S;
        match (self, event) {
            (S::Submitted, E::CentralCheckPassed) => Ok(S::AwaitingOperatorScan),
            (S::Submitted, E::CentralCheckFailed(r)) => Ok(S::Rejected(r)),
            (S::AwaitingOperatorScan, E::OperatorApproved) => Ok(S::Approved),
            (S::AwaitingOperatorScan, E::OperatorRejected(r)) => Ok(S::Rejected(r)),
            (S::Approved, E::Activated) => Ok(S::Activated),
            (S::AwaitingOperatorScan, E::Expired) => Ok(S::Expired),
            (from, event) => Err(TransitionError {
                from: from.code(),
                event: event.code(),
            }),
        }
    }
}

impl RegistrationEvent {
    /// Stable code of the event.
    pub fn code(self) -> &'static str {
        match self {
            RegistrationEvent::CentralCheckPassed => "central_check_passed",
            RegistrationEvent::CentralCheckFailed(_) => "central_check_failed",
            RegistrationEvent::OperatorApproved => "operator_approved",
            RegistrationEvent::OperatorRejected(_) => "operator_rejected",
            RegistrationEvent::Activated => "activated",
            RegistrationEvent::Expired => "expired",
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use RegistrationEvent as E;
    use RegistrationState as S;

    #[test]
    fn the_happy_path_ends_activated() {
        let end = [E::CentralCheckPassed, E::OperatorApproved, E::Activated]
            .into_iter()
            .try_fold(S::Submitted, S::apply);
        assert_eq!(end, Ok(S::Activated));
    }

    #[test]
    fn central_and_operator_rejections_keep_their_reason() {
        assert_eq!(
            S::Submitted.apply(E::CentralCheckFailed(RejectionReason::KtpElNotRecorded)),
            Ok(S::Rejected(RejectionReason::KtpElNotRecorded))
        );
        assert_eq!(
            S::AwaitingOperatorScan.apply(E::OperatorRejected(RejectionReason::DataMismatch)),
            Ok(S::Rejected(RejectionReason::DataMismatch))
        );
    }

    #[test]
    fn only_a_registration_waiting_for_its_operator_expires_and_then_nothing_moves_it() {
        assert_eq!(S::AwaitingOperatorScan.apply(E::Expired), Ok(S::Expired));
        assert!(S::Expired.is_final());
        for e in [E::OperatorApproved, E::Activated, E::Expired] {
            assert!(S::Expired.apply(e).is_err(), "{e:?}");
        }
        for s in [S::Submitted, S::Approved, S::Activated] {
            assert!(s.apply(E::Expired).is_err(), "{s:?}");
        }
    }

    #[test]
    fn an_operator_cannot_skip_the_central_check_nor_activate_twice() {
        assert_eq!(
            S::Submitted.apply(E::OperatorApproved),
            Err(TransitionError {
                from: "submitted",
                event: "operator_approved"
            })
        );
        assert!(S::Activated.apply(E::Activated).is_err());
        assert!(
            S::Rejected(RejectionReason::NikNotFound)
                .apply(E::OperatorApproved)
                .is_err()
        );
    }

    #[test]
    fn the_json_form_is_stable() {
        let json =
            serde_json::to_string(&S::Rejected(RejectionReason::DuplicateIdentity)).expect("json");
        assert_eq!(
            json,
            r#"{"state":"rejected","reason":"duplicate_identity"}"#
        );
        assert_eq!(
            serde_json::to_string(&S::AwaitingOperatorScan).expect("json"),
            r#"{"state":"awaiting_operator_scan"}"#
        );
    }

    #[test]
    fn every_reason_has_a_distinct_code_and_both_languages() {
        let mut codes: Vec<_> = RejectionReason::ALL.iter().map(|r| r.code()).collect();
        codes.dedup();
        assert_eq!(codes.len(), RejectionReason::ALL.len());
        for r in RejectionReason::ALL {
            assert_ne!(r.message(Lang::Id), r.message(Lang::En));
            let json = serde_json::to_string(&r).expect("json");
            assert_eq!(json, format!("\"{}\"", r.code()));
        }
    }

    #[test]
    fn states_read_back_from_their_codes_and_unknown_ones_are_refused() {
        let mut states = vec![
            S::Submitted,
            S::AwaitingOperatorScan,
            S::Approved,
            S::Activated,
            S::Expired,
        ];
        states.extend(RejectionReason::ALL.map(S::Rejected));
        for state in states {
            let reason = match state {
                S::Rejected(r) => Some(r.code()),
                _ => None,
            };
            assert_eq!(S::from_codes(state.code(), reason), Ok(state));
            let json = serde_json::to_value(state).expect("json");
            assert_eq!(json["state"], state.code());
            assert_eq!(
                serde_json::to_value(state.state_code()).expect("json"),
                state.code()
            );
            assert_ne!(state.describe(Lang::Id), state.describe(Lang::En));
        }
        assert!(S::from_codes("paused", None).is_err());
        assert!(S::from_codes("rejected", None).is_err());
        let unknown = S::from_codes("rejected", Some("too_tall")).expect_err("unknown reason");
        assert_eq!(unknown.value, "too_tall");
        for step in TrackerStep::ALL {
            assert_ne!(step.label(Lang::Id), step.label(Lang::En));
        }
    }

    fn event() -> impl Strategy<Value = RegistrationEvent> {
        let reason = proptest::sample::select(RejectionReason::ALL.to_vec());
        prop_oneof![
            Just(E::CentralCheckPassed),
            reason.clone().prop_map(E::CentralCheckFailed),
            Just(E::OperatorApproved),
            reason.prop_map(E::OperatorRejected),
            Just(E::Activated),
            Just(E::Expired),
        ]
    }

    proptest! {
        #[test]
        fn final_states_never_change_and_activation_needs_approval(events in proptest::collection::vec(event(), 0..12)) {
            let mut state = S::Submitted;
            let mut approved = false;
            for e in events {
                match state.apply(e) {
                    Ok(next) => {
                        prop_assert!(!state.is_final());
                        if next == S::Approved { approved = true; }
                        if next == S::Activated { prop_assert!(approved); }
                        state = next;
                    }
                    Err(err) => prop_assert_eq!(err.from, state.code()),
                }
            }
        }

        #[test]
        fn state_codes_parse_only_to_the_state_they_name(state in "[a-z_]{0,24}", reason in proptest::option::of("[a-z_0-9]{0,24}")) {
            if let Ok(parsed) = S::from_codes(&state, reason.as_deref()) {
                prop_assert_eq!(parsed.code(), state.as_str());
                if let S::Rejected(r) = parsed {
                    prop_assert_eq!(Some(r.code()), reason.as_deref());
                }
            }
        }
    }
}
