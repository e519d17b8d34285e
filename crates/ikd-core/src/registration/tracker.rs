//! The registration as the app's status tracker shows it: five steps in order, each done,
//! current, to do or failed, and a line on what the resident does now.

use serde::Serialize;

use super::{RegistrationState, RejectionReason};
use crate::i18n::{Lang, pick};

/// A step of the app's status tracker, in order. Its JSON form is [`TrackerStep::key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TrackerStep {
    /// The registration was sent.
    Submitted,
    /// The central SIAK checks the data.
    CentralCheck,
    /// A Disdukcapil officer scans the registration QR.
    OperatorScan,
    /// Approved: the activation code is mailed.
    Approved,
    /// The account is active.
    Activated,
}

impl TrackerStep {
    /// Every step, in order.
    pub const ALL: [TrackerStep; 5] = [
        TrackerStep::Submitted,
        TrackerStep::CentralCheck,
        TrackerStep::OperatorScan,
        TrackerStep::Approved,
        TrackerStep::Activated,
    ];

    /// Stable key (`submitted`, `central_check`, `operator_scan`, `approved`, `activated`).
    pub fn key(self) -> &'static str {
        match self {
            TrackerStep::Submitted => "submitted",
            TrackerStep::CentralCheck => "central_check",
            TrackerStep::OperatorScan => "operator_scan",
            TrackerStep::Approved => "approved",
            TrackerStep::Activated => "activated",
        }
    }

    /// The step's label in `lang`.
    pub fn label(self, lang: Lang) -> String {
        let (id, en) = match self {
            TrackerStep::Submitted => ("Pendaftaran terkirim", "Registration sent"),
            TrackerStep::CentralCheck => (
                "Verifikasi data oleh SIAK Terpusat",
                "Data checked by the central SIAK",
            ),
            TrackerStep::OperatorScan => (
                "Petugas Disdukcapil memindai kode QR Anda",
                "A Disdukcapil officer scans your QR code",
            ),
            TrackerStep::Approved => (
                "Disetujui: kode aktivasi dikirim ke email",
                "Approved: activation code sent by email",
            ),
            TrackerStep::Activated => ("Akun aktif", "Account active"),
        };
        pick(lang, id.into(), en.into())
    }
}

/// Where a tracker step stands. Its JSON form is [`StepState::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// Behind the registration.
    Done,
    /// Under way.
    Current,
    /// Still ahead.
    Todo,
    /// Where the registration was rejected.
    Failed,
}

impl StepState {
    /// Stable code (`done`, `current`, `todo`, `failed`).
    pub fn code(self) -> &'static str {
        match self {
            StepState::Done => "done",
            StepState::Current => "current",
            StepState::Todo => "todo",
            StepState::Failed => "failed",
        }
    }
}

impl RejectionReason {
    /// The tracker step a rejection for this reason stops at: the operator's reasons at the
    /// operator's scan, the others at the central check.
    pub fn tracker_step(self) -> TrackerStep {
        match self {
            RejectionReason::DataMismatch | RejectionReason::LivenessFailed => {
                TrackerStep::OperatorScan
            }
            _ => TrackerStep::CentralCheck,
        }
    }
}

impl RegistrationState {
    /// The tracker step under way (or where it was rejected); `None` once every step is done.
    pub fn tracker_step(self) -> Option<TrackerStep> {
        match self {
            RegistrationState::Submitted => Some(TrackerStep::CentralCheck),
            RegistrationState::AwaitingOperatorScan => Some(TrackerStep::OperatorScan),
            RegistrationState::Approved => Some(TrackerStep::Activated),
            RegistrationState::Activated => None,
            RegistrationState::Rejected(reason) => Some(reason.tracker_step()),
            RegistrationState::Expired => Some(TrackerStep::OperatorScan),
        }
    }

    /// Every tracker step with where it stands: those before [`RegistrationState::tracker_step`]
    /// done, that one current (failed when rejected or expired), the rest to do.
    pub fn tracker_steps(self) -> [(TrackerStep, StepState); 5] {
        let current = self.tracker_step();
        TrackerStep::ALL.map(|step| {
            let state = match current {
                None => StepState::Done,
                Some(c) if step < c => StepState::Done,
                Some(c) if step == c => match self {
                    RegistrationState::Rejected(_) | RegistrationState::Expired => {
                        StepState::Failed
                    }
                    _ => StepState::Current,
                },
                Some(_) => StepState::Todo,
            };
            (step, state)
        })
    }

    /// What the resident does now, in `lang` (the status tracker's line under the steps).
    pub fn describe(self, lang: Lang) -> String {
        let (id, en) = match self {
            RegistrationState::Submitted => (
                "Data Anda sedang diperiksa. Halaman ini diperbarui sendiri.",
                "Your data is being checked. This page updates by itself.",
            ),
            RegistrationState::AwaitingOperatorScan => (
                "Tunjukkan kode QR ini kepada petugas Disdukcapil (datang langsung atau lewat panggilan video sambil menunjukkan KTP-el).",
                "Show this QR code to a Disdukcapil officer (in person, or by video call while showing your KTP-el).",
            ),
            RegistrationState::Approved => (
                "Disetujui. Buka email Anda dan masukkan kode aktivasi.",
                "Approved. Open your email and enter the activation code.",
            ),
            RegistrationState::Activated => ("Akun sudah aktif.", "The account is active."),
            RegistrationState::Rejected(_) => (
                "Pendaftaran ditolak. Baca alasannya; setelah diperbaiki Anda dapat mendaftar lagi.",
                "The registration was rejected. Read the reason; once it is fixed you can register again.",
            ),
            RegistrationState::Expired => (
                "Pendaftaran kedaluwarsa — daftar lagi. Tidak ada petugas yang memindai kode QR Anda dalam batas waktu.",
                "Registration expired — register again. No officer scanned your QR code in time.",
            ),
        };
        pick(lang, id.into(), en.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RegistrationState as S;

    fn steps(state: S) -> Vec<(&'static str, &'static str)> {
        state
            .tracker_steps()
            .iter()
            .map(|(step, at)| (step.key(), at.code()))
            .collect()
    }

    #[test]
    fn the_json_form_of_a_step_and_its_state_is_their_code() {
        for step in TrackerStep::ALL {
            assert_eq!(
                serde_json::to_string(&step).expect("json"),
                format!("\"{}\"", step.key())
            );
        }
        for at in [
            StepState::Done,
            StepState::Current,
            StepState::Todo,
            StepState::Failed,
        ] {
            assert_eq!(
                serde_json::to_string(&at).expect("json"),
                format!("\"{}\"", at.code())
            );
        }
    }

    #[test]
    fn the_tracker_steps_of_every_state() {
        assert_eq!(
            steps(S::Submitted),
            [
                ("submitted", "done"),
                ("central_check", "current"),
                ("operator_scan", "todo"),
                ("approved", "todo"),
                ("activated", "todo"),
            ]
        );
        assert_eq!(
            steps(S::AwaitingOperatorScan),
            [
                ("submitted", "done"),
                ("central_check", "done"),
                ("operator_scan", "current"),
                ("approved", "todo"),
                ("activated", "todo"),
            ]
        );
        assert_eq!(
            steps(S::Approved),
            [
                ("submitted", "done"),
                ("central_check", "done"),
                ("operator_scan", "done"),
                ("approved", "done"),
                ("activated", "current"),
            ]
        );
        assert!(steps(S::Activated).iter().all(|(_, at)| *at == "done"));
        assert_eq!(
            steps(S::Expired),
            [
                ("submitted", "done"),
                ("central_check", "done"),
                ("operator_scan", "failed"),
                ("approved", "todo"),
                ("activated", "todo"),
            ]
        );
        assert_eq!(S::Activated.tracker_step(), None);
        for reason in RejectionReason::ALL {
            let failed_at = if matches!(
                reason,
                RejectionReason::DataMismatch | RejectionReason::LivenessFailed
            ) {
                "operator_scan"
            } else {
                "central_check"
            };
            let failed: Vec<_> = steps(S::Rejected(reason))
                .into_iter()
                .filter(|(_, at)| *at == "failed")
                .map(|(key, _)| key)
                .collect();
            assert_eq!(failed, [failed_at], "{reason:?}");
        }
    }
}
