//! The action tracker: did the resident make the asked movements, in order, in time?
//!
//! The first good, centred face is the baseline. For each action the face must then leave the
//! neutral zone around the baseline in the asked direction; between actions it must come back to
//! the neutral zone. A movement in another direction while an action is awaited fails the
//! attempt (a recording made for another challenge shows its own order). Only frames with one
//! good face move the tracker; every frame counts for the time limits.

use serde::{Deserialize, Serialize};

use ikd_core::i18n::{Lang, Localized, pick};
use ikd_core::liveness::{Action, Face};

use crate::analyze::FrameReport;

/// Thresholds of the tracker.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Horizontal move, in baseline face widths, that counts as moving left or right.
    pub shift: f32,
    /// Face width ratio to the baseline that counts as closer.
    pub closer: f32,
    /// Face width ratio to the baseline that counts as back.
    pub back: f32,
    /// Neutral zone: horizontal distance from the baseline, in face widths.
    pub neutral_shift: f32,
    /// Neutral zone: width ratio band around the baseline.
    pub neutral_scale: (f32, f32),
    /// Baseline: the face must be this share of the frame width at least …
    pub baseline_min_share: f32,
    /// … and at most this share.
    pub baseline_max_share: f32,
    /// Baseline: the face centre within this share of the frame width from the middle.
    pub baseline_centre: f32,
    /// Time for each action (and each return to the middle), in milliseconds.
    pub step_ms: u32,
    /// Time for the whole attempt, in milliseconds.
    pub total_ms: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            shift: 0.35,
            closer: 1.3,
            back: 0.78,
            neutral_shift: 0.18,
            neutral_scale: (0.85, 1.18),
            baseline_min_share: 0.18,
            baseline_max_share: 0.6,
            baseline_centre: 0.2,
            step_ms: 10_000,
            total_ms: 60_000,
        }
    }
}

/// Why an attempt failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum LivenessFailure {
    /// Another movement than the asked one.
    WrongAction {
        /// The action asked.
        expected: Action,
        /// The movement seen.
        seen: Action,
    },
    /// An action (or the return to the middle) took too long.
    StepTimedOut,
    /// The whole attempt took too long (includes never showing a usable face).
    TooLong,
    /// Evidence: malformed (frame count, encoding, sizes, times).
    EvidenceMalformed,
    /// Evidence: the device signature does not match.
    EvidenceSignature,
    /// Evidence: a frame's face is not where the app said, or a frame is not usable.
    EvidenceMismatch,
    /// Evidence: the frames do not show the challenge's movements.
    EvidenceIncomplete,
}

impl Localized for LivenessFailure {
    fn code(&self) -> &'static str {
        match self {
            LivenessFailure::WrongAction { .. } => "liveness_wrong_action",
            LivenessFailure::StepTimedOut => "liveness_step_timed_out",
            LivenessFailure::TooLong => "liveness_too_long",
            LivenessFailure::EvidenceMalformed => "liveness_evidence_malformed",
            LivenessFailure::EvidenceSignature => "liveness_evidence_signature",
            LivenessFailure::EvidenceMismatch => "liveness_evidence_mismatch",
            LivenessFailure::EvidenceIncomplete => "liveness_evidence_incomplete",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (id, en) = match self {
            LivenessFailure::WrongAction { .. } => (
                "Gerakan tidak sesuai urutan yang diminta. Ulangi dan ikuti petunjuk satu per satu.",
                "The movement did not follow the order asked. Try again and follow each prompt in turn.",
            ),
            LivenessFailure::StepTimedOut => (
                "Gerakan tidak terlihat cukup lama. Ulangi di tempat yang terang dan bergerak lebih jelas.",
                "The movement was not seen in time. Try again somewhere bright and move more clearly.",
            ),
            LivenessFailure::TooLong => (
                "Waktu swafoto habis. Ulangi dari awal.",
                "The selfie took too long. Start again.",
            ),
            LivenessFailure::EvidenceMalformed => (
                "Data swafoto rusak. Perbarui aplikasi lalu ulangi swafoto.",
                "The selfie data is damaged. Update the app and take the selfie again.",
            ),
            LivenessFailure::EvidenceSignature => (
                "Data swafoto tidak ditandatangani oleh perangkat ini. Ulangi swafoto.",
                "The selfie data was not signed by this device. Take the selfie again.",
            ),
            LivenessFailure::EvidenceMismatch => (
                "Foto swafoto tidak sesuai dengan hasil pemeriksaan. Ulangi swafoto.",
                "The selfie photos do not match their check. Take the selfie again.",
            ),
            LivenessFailure::EvidenceIncomplete => (
                "Foto swafoto tidak menunjukkan semua gerakan yang diminta. Ulangi swafoto.",
                "The selfie photos do not show every movement asked. Take the selfie again.",
            ),
        };
        pick(lang, id.into(), en.into())
    }
}

/// Where the tracker is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Phase {
    /// Waiting for a good, centred face to start from.
    Baseline,
    /// Waiting for action `step` (0-based).
    Act {
        /// Index into the challenge's actions.
        step: usize,
    },
    /// Waiting for the face to come back to the middle before action `next`.
    Centre {
        /// The action that comes after.
        next: usize,
    },
    /// Every action was made in order.
    Done,
    /// The attempt failed.
    Failed(LivenessFailure),
}

impl Phase {
    /// What the capture screen asks the resident in this phase of a challenge of `actions`.
    pub fn prompt(&self, actions: &[Action], lang: Lang) -> String {
        match self {
            Phase::Baseline => pick(
                lang,
                "Posisikan wajah di tengah bingkai dan diam sebentar.".into(),
                "Hold your face in the middle of the frame for a moment.".into(),
            ),
            Phase::Act { step } => actions
                .get(*step)
                .map_or_else(|| Phase::Done.prompt(actions, lang), |a| a.prompt(lang)),
            Phase::Centre { .. } => pick(
                lang,
                "Bagus. Kembali ke tengah.".into(),
                "Good. Come back to the middle.".into(),
            ),
            Phase::Done => pick(
                lang,
                "Selesai. Semua gerakan terlihat.".into(),
                "Done. Every movement was seen.".into(),
            ),
            Phase::Failed(failure) => failure.message(lang),
        }
    }
}

/// Tracks one attempt.
#[derive(Debug, Clone)]
pub struct Tracker {
    actions: Vec<Action>,
    rules: Rules,
    phase: Phase,
    baseline: Option<Face>,
    frame_width: f32,
    started_ms: Option<u32>,
    phase_ms: u32,
    last_ms: Option<u32>,
}

impl Tracker {
    /// A tracker for a challenge's actions.
    pub fn new(actions: Vec<Action>, rules: Rules) -> Self {
        Tracker {
            actions,
            rules,
            phase: Phase::Baseline,
            baseline: None,
            frame_width: 0.0,
            started_ms: None,
            phase_ms: 0,
            last_ms: None,
        }
    }

    /// The current phase.
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The actions tracked.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// Actions completed so far.
    pub fn completed(&self) -> usize {
        match self.phase {
            Phase::Baseline => 0,
            Phase::Act { step } => step,
            Phase::Centre { next } => next,
            Phase::Done => self.actions.len(),
            Phase::Failed(_) => 0,
        }
    }

    /// Whether the attempt is over (done or failed).
    pub fn finished(&self) -> bool {
        matches!(self.phase, Phase::Done | Phase::Failed(_))
    }

    /// Milliseconds since the first frame.
    pub fn elapsed_ms(&self) -> u32 {
        match (self.started_ms, self.last_ms) {
            (Some(s), Some(l)) => l.saturating_sub(s),
            _ => 0,
        }
    }

    /// The movement a face shows relative to the baseline, if any.
    fn movement(&self, base: &Face, face: &Face) -> Option<Action> {
        let scale = face.w as f32 / base.w as f32;
        let dx = (face.cx() - base.cx()) / base.w as f32;
        if scale >= self.rules.closer {
            Some(Action::MoveCloser)
        } else if scale <= self.rules.back {
            Some(Action::MoveBack)
        } else if dx >= self.rules.shift {
            // The camera's picture is not mirrored: the resident's left is the image's right.
            Some(Action::MoveLeft)
        } else if dx <= -self.rules.shift {
            Some(Action::MoveRight)
        } else {
            None
        }
    }

    fn neutral(&self, base: &Face, face: &Face) -> bool {
        let scale = face.w as f32 / base.w as f32;
        let dx = (face.cx() - base.cx()) / base.w as f32;
        dx.abs() < self.rules.neutral_shift
            && scale > self.rules.neutral_scale.0
            && scale < self.rules.neutral_scale.1
    }

    /// The phase a frame would lead to (without the time limits), or `None` when it changes
    /// nothing.
    fn next_phase(&self, frame_width: u32, report: &FrameReport) -> Option<Phase> {
        let face = report.good_face()?;
        match (&self.phase, self.baseline) {
            (Phase::Baseline, _) => {
                let w = frame_width as f32;
                let share = face.w as f32 / w;
                let centred = (face.cx() / w - 0.5).abs() < self.rules.baseline_centre;
                let sized = (self.rules.baseline_min_share..=self.rules.baseline_max_share)
                    .contains(&share);
                (centred && sized).then_some(Phase::Act { step: 0 })
            }
            (Phase::Act { step }, Some(base)) => {
                let expected = self.actions[*step];
                match self.movement(&base, &face)? {
                    seen if seen == expected && step + 1 == self.actions.len() => Some(Phase::Done),
                    seen if seen == expected => Some(Phase::Centre { next: step + 1 }),
                    seen => Some(Phase::Failed(LivenessFailure::WrongAction {
                        expected,
                        seen,
                    })),
                }
            }
            (Phase::Centre { next }, Some(base)) => self
                .neutral(&base, &face)
                .then_some(Phase::Act { step: *next }),
            _ => None,
        }
    }

    /// Whether this frame would move the tracker to another phase (the app keeps such frames as
    /// evidence).
    pub fn would_advance(&self, frame_width: u32, report: &FrameReport) -> bool {
        !self.finished() && self.next_phase(frame_width, report).is_some()
    }

    /// Takes one frame taken `t_ms` after the capture started. Returns whether the phase changed
    /// because of this frame's face (a key frame). Times must not go backwards; a frame that goes
    /// back in time is ignored.
    pub fn observe(&mut self, t_ms: u32, frame_width: u32, report: &FrameReport) -> bool {
        if self.finished() || self.last_ms.is_some_and(|last| t_ms < last) {
            return false;
        }
        let started = *self.started_ms.get_or_insert(t_ms);
        if self.last_ms.is_none() {
            self.phase_ms = t_ms;
        }
        self.last_ms = Some(t_ms);
        if t_ms.saturating_sub(started) > self.rules.total_ms {
            self.phase = Phase::Failed(LivenessFailure::TooLong);
            return false;
        }
        let waiting_on_step = !matches!(self.phase, Phase::Baseline);
        if waiting_on_step && t_ms.saturating_sub(self.phase_ms) > self.rules.step_ms {
            self.phase = Phase::Failed(LivenessFailure::StepTimedOut);
            return false;
        }
        let Some(next) = self.next_phase(frame_width, report) else {
            return false;
        };
        if matches!(self.phase, Phase::Baseline) {
            self.baseline = report.good_face();
            self.frame_width = frame_width as f32;
        }
        let key = !matches!(next, Phase::Failed(_));
        self.phase = next;
        self.phase_ms = t_ms;
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phase_has_a_prompt_in_both_languages() {
        let actions = [Action::MoveLeft, Action::MoveCloser];
        let phases = [
            Phase::Baseline,
            Phase::Act { step: 0 },
            Phase::Act { step: 1 },
            Phase::Centre { next: 1 },
            Phase::Done,
        ];
        for phase in phases {
            let (id, en) = (
                phase.prompt(&actions, Lang::Id),
                phase.prompt(&actions, Lang::En),
            );
            assert!(!id.is_empty() && id != en, "{phase:?}: {id} / {en}");
        }
        assert_eq!(
            Phase::Act { step: 1 }.prompt(&actions, Lang::Id),
            Action::MoveCloser.prompt(Lang::Id)
        );
    }

    fn report(face: Option<Face>) -> FrameReport {
        FrameReport {
            face,
            faces: usize::from(face.is_some()),
            brightness: 120.0,
            sharpness: 10.0,
            issue: if face.is_some() {
                None
            } else {
                Some(crate::FrameIssue::NoFace)
            },
        }
    }

    /// A face of width `w` centred at `cx` (frame 320 wide).
    fn face(cx: f32, w: u32) -> Option<Face> {
        Some(Face {
            x: (cx - w as f32 / 2.0) as i32,
            y: 60,
            w,
            h: w,
        })
    }

    fn run(actions: &[Action], faces: &[Option<Face>]) -> Tracker {
        let mut t = Tracker::new(actions.to_vec(), Rules::default());
        for (i, f) in faces.iter().enumerate() {
            t.observe(i as u32 * 200, 320, &report(*f));
        }
        t
    }

    const CENTRE: f32 = 160.0;

    #[test]
    fn the_asked_movements_in_order_pass() {
        let t = run(
            &[Action::MoveLeft, Action::MoveCloser, Action::MoveBack],
            &[
                face(CENTRE, 80),
                face(CENTRE + 40.0, 80),
                face(CENTRE, 80),
                face(CENTRE, 110),
                face(CENTRE, 80),
                face(CENTRE, 60),
            ],
        );
        assert_eq!(t.phase(), &Phase::Done);
    }

    #[test]
    fn a_movement_in_another_direction_fails() {
        let t = run(
            &[Action::MoveLeft, Action::MoveRight],
            &[face(CENTRE, 80), face(CENTRE - 40.0, 80)],
        );
        assert_eq!(
            t.phase(),
            &Phase::Failed(LivenessFailure::WrongAction {
                expected: Action::MoveLeft,
                seen: Action::MoveRight
            })
        );
    }

    #[test]
    fn the_face_must_come_back_to_the_middle_between_actions() {
        // Left, then straight on to the right without passing the middle: right is not taken.
        let t = run(
            &[Action::MoveLeft, Action::MoveRight],
            &[
                face(CENTRE, 80),
                face(CENTRE + 40.0, 80),
                face(CENTRE - 40.0, 80),
            ],
        );
        assert_eq!(t.phase(), &Phase::Centre { next: 1 });
    }

    #[test]
    fn a_face_held_still_times_out() {
        let still = vec![face(CENTRE, 80); 60];
        let t = run(&[Action::MoveLeft, Action::MoveBack], &still);
        assert_eq!(t.phase(), &Phase::Failed(LivenessFailure::StepTimedOut));
    }

    #[test]
    fn no_face_at_all_runs_out_of_time() {
        let t = run(&[Action::MoveLeft, Action::MoveBack], &vec![None; 400]);
        assert_eq!(t.phase(), &Phase::Failed(LivenessFailure::TooLong));
    }

    #[test]
    fn an_off_centre_or_tiny_face_is_no_baseline() {
        let t = run(
            &[Action::MoveLeft, Action::MoveBack],
            &[face(40.0, 80), face(CENTRE, 40)],
        );
        assert_eq!(t.phase(), &Phase::Baseline);
    }

    #[test]
    fn frames_going_back_in_time_are_ignored() {
        let mut t = Tracker::new(vec![Action::MoveLeft, Action::MoveBack], Rules::default());
        assert!(t.observe(1000, 320, &report(face(CENTRE, 80))));
        assert!(!t.observe(500, 320, &report(face(CENTRE + 40.0, 80))));
        assert_eq!(t.phase(), &Phase::Act { step: 0 });
    }
}
