//! Liveness: the wire side of the moving-face selfie ("swafoto bergerak wajah") of registration
//! and of the self-service device change.
//!
//! The server issues a random challenge: a short sequence of head movements
//! ([`Action`]: move the face left, right, closer, back; drawn by [`challenge_actions`]). The app
//! answers with [`LivenessEvidence`]: the key frames as JPEGs, the [`Face`] box it found in each,
//! signed by the device key over [`evidence_digest`] ([`sign_evidence`]).
//!
//! Only what the messages and the device proof need lives here. Decoding frames, detecting faces,
//! the tracker that judges the movements, the capture on the device, the server's re-check
//! (`verify_evidence`) and the synthetic camera are in the `ikd-liveness` crate, so that the core
//! (and everything that needs only a NIK check or a QR verification) does not pull in image
//! decoding or the face detector.
//!
//! Frames are as the camera delivers them (not mirrored): the resident's left is the image's
//! right. What this cannot stop is written in `docs/liveness.md`.

mod evidence;
mod face;

pub use evidence::{
    EvidenceFrame, LivenessEvidence, MAX_EVIDENCE_FRAMES, MAX_JPEG_BYTES, evidence_digest,
    sign_evidence,
};
pub use face::Face;

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, pick};

/// One movement the resident is asked to make, as the resident sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Action {
    /// Move the face to the resident's left (the image's right).
    MoveLeft,
    /// Move the face to the resident's right (the image's left).
    MoveRight,
    /// Bring the face closer to the phone.
    MoveCloser,
    /// Move the face away from the phone.
    MoveBack,
}

impl Action {
    /// Every action, in a fixed order.
    pub const ALL: [Action; 4] = [
        Action::MoveLeft,
        Action::MoveRight,
        Action::MoveCloser,
        Action::MoveBack,
    ];

    /// Stable code (`move_left`, …).
    pub fn code(self) -> &'static str {
        match self {
            Action::MoveLeft => "move_left",
            Action::MoveRight => "move_right",
            Action::MoveCloser => "move_closer",
            Action::MoveBack => "move_back",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }

    /// What the app tells the resident to do.
    pub fn prompt(self, lang: Lang) -> String {
        let (id, en) = match self {
            Action::MoveLeft => (
                "Geser wajah perlahan ke kiri Anda",
                "Slowly move your face to your left",
            ),
            Action::MoveRight => (
                "Geser wajah perlahan ke kanan Anda",
                "Slowly move your face to your right",
            ),
            Action::MoveCloser => (
                "Dekatkan wajah ke ponsel",
                "Bring your face closer to the phone",
            ),
            Action::MoveBack => (
                "Jauhkan wajah dari ponsel",
                "Move your face away from the phone",
            ),
        };
        pick(lang, id.into(), en.into())
    }
}

/// Shortest and longest challenge.
pub const MIN_ACTIONS: usize = 2;
/// Longest challenge.
pub const MAX_ACTIONS: usize = 4;

/// Draws a challenge's actions from `random` (at least [`MAX_ACTIONS`] + 1 random bytes from the
/// caller's secure source): 2–4 actions, never the same one twice in a row, so there are
/// 12 + 36 + 108 = 156 possible challenges.
pub fn challenge_actions(random: &[u8; MAX_ACTIONS + 1]) -> Vec<Action> {
    let len = MIN_ACTIONS + usize::from(random[0]) % (MAX_ACTIONS - MIN_ACTIONS + 1);
    let mut actions: Vec<Action> = Vec::with_capacity(len);
    for &r in &random[1..=len] {
        let choices: Vec<Action> = Action::ALL
            .into_iter()
            .filter(|a| actions.last() != Some(a))
            .collect();
        actions.push(choices[usize::from(r) % choices.len()]);
    }
    actions
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn challenges_have_2_to_4_actions_never_repeated_in_a_row(random in any::<[u8; 5]>()) {
            let actions = challenge_actions(&random);
            prop_assert!((MIN_ACTIONS..=MAX_ACTIONS).contains(&actions.len()));
            prop_assert!(actions.windows(2).all(|w| w[0] != w[1]));
        }
    }

    #[test]
    fn every_challenge_shape_can_be_drawn() {
        let mut seen = std::collections::HashSet::new();
        for a in 0..=255u8 {
            for b in 0..4u8 {
                for c in 0..3u8 {
                    for d in 0..3u8 {
                        for e in 0..3u8 {
                            seen.insert(challenge_actions(&[a, b, c, d, e]));
                        }
                    }
                }
            }
        }
        assert_eq!(seen.len(), 12 + 36 + 108);
    }

    #[test]
    fn action_codes_round_trip_and_prompts_are_in_both_languages() {
        for a in Action::ALL {
            assert_eq!(Action::from_code(a.code()), Some(a));
            assert_ne!(a.prompt(Lang::Id), a.prompt(Lang::En));
        }
        assert_eq!(Action::from_code("look_up"), None);
    }
}
