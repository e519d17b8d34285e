//! The liveness capture as the screens see it: a server challenge, frames in (RGBA from the
//! webview's canvas), progress out, and at the end the signed evidence sent with the
//! registration or the device change.
//!
//! With the `test-camera` feature (debug builds only) and `IKD_TEST_CAMERA=1`, the frames the UI
//! sends are replaced by a synthetic live face that follows the challenge, so the end-to-end test
//! can pass through liveness without a camera.

use chrono::{DateTime, Utc};
use ikd_core::ChallengeId;
use ikd_core::wire::LivenessPurpose;
use ikd_core::{Email, Nik};
use ikd_liveness::{Action, Capture, FRAME_HEIGHT, FRAME_WIDTH, FaceDetector, Phase, Rules};

use super::App;
use super::form::message;
use super::refusal::{LIVENESS_NOT_FINISHED, LIVENESS_NOT_STARTED};
use crate::error::ClientError;
use crate::resident::Applicant;
use crate::storage::SecretStore;
use crate::views::*;

#[cfg(all(feature = "test-camera", not(debug_assertions)))]
compile_error!("the synthetic test camera must never be in a release build");

/// Whose selfie it is, parsed once when the attempt starts.
pub(super) enum Subject {
    /// A registration: the whole form.
    Register(Applicant),
    /// A device change: the NIK and the account's email.
    Recover {
        /// The NIK.
        nik: Nik,
        /// The account's email.
        email: Email,
    },
}

impl Subject {
    fn nik(&self) -> &Nik {
        match self {
            Subject::Register(applicant) => &applicant.nik,
            Subject::Recover { nik, .. } => nik,
        }
    }

    fn purpose(&self) -> LivenessPurpose {
        match self {
            Subject::Register(_) => LivenessPurpose::Register,
            Subject::Recover { .. } => LivenessPurpose::Recover,
        }
    }
}

/// One liveness attempt.
pub(super) struct Attempt {
    subject: Subject,
    challenge_id: ChallengeId,
    actions: Vec<Action>,
    capture: Capture,
    #[cfg(feature = "test-camera")]
    camera: Option<ikd_liveness::synthetic::Sequence>,
}

/// Whether the synthetic test camera replaces the camera: only in a debug build with the
/// `test-camera` feature, and only when `IKD_TEST_CAMERA=1` asks for it at run time.
fn test_camera() -> bool {
    cfg!(feature = "test-camera") && std::env::var_os("IKD_TEST_CAMERA").is_some_and(|v| v == "1")
}

fn source() -> FrameSource {
    if test_camera() {
        FrameSource::Test
    } else {
        FrameSource::Camera
    }
}

impl<S: SecretStore> App<S> {
    /// Asks the server for a challenge for `subject` and keeps the attempt.
    pub(super) async fn begin(&self, subject: Subject) -> Result<LivenessSession, UiError> {
        let purpose = subject.purpose();
        let challenge = self
            .resident
            .liveness_challenge(subject.nik(), purpose)
            .await
            .map_err(|e| self.err(e))?;
        let lang = self.lang();
        let session = LivenessSession {
            purpose,
            challenge_id: challenge.challenge_id,
            steps: challenge
                .actions
                .iter()
                .map(|a| LivenessStep {
                    action: *a,
                    prompt: a.prompt(lang),
                })
                .collect(),
            frame_width: FRAME_WIDTH,
            frame_height: FRAME_HEIGHT,
            source: source(),
            limit_secs: challenge.limit_secs,
        };
        let attempt = Attempt {
            subject,
            #[cfg(feature = "test-camera")]
            camera: test_camera().then(|| {
                ikd_liveness::synthetic::Sequence::new(
                    ikd_liveness::synthetic::Kind::BonaFide,
                    &challenge.actions,
                    u64::from_str_radix(&challenge.challenge_id.to_string()[..8], 16).unwrap_or(1),
                )
            }),
            challenge_id: challenge.challenge_id,
            capture: Capture::new(
                challenge.actions.clone(),
                FaceDetector::default(),
                Rules::default(),
            ),
            actions: challenge.actions,
        };
        *self
            .session
            .attempt()
            .ok_or_else(|| self.refusal(&LIVENESS_NOT_STARTED))? = Some(attempt);
        Ok(session)
    }

    /// Starts the selfie of a registration: checks the form (kept as the draft), then asks the
    /// server for a challenge.
    pub async fn liveness_start(
        &self,
        nik: &str,
        email: &str,
        phone: &str,
        now: DateTime<Utc>,
    ) -> Result<LivenessSession, UiError> {
        self.save_draft(Draft {
            nik: nik.to_owned(),
            email: email.to_owned(),
            phone: phone.to_owned(),
        })?;
        let applicant =
            Applicant::parse(nik, email, phone, now.date_naive()).map_err(|e| self.err(e))?;
        self.begin(Subject::Register(applicant)).await
    }

    /// One camera frame (`frame_width` × `frame_height` RGBA, taken `t_ms` after the first):
    /// what it shows and where the attempt stands.
    pub fn liveness_frame(&self, rgba: &[u8], t_ms: u32) -> Result<LivenessProgress, UiError> {
        let lang = self.lang();
        let mut guard = self
            .session
            .attempt()
            .ok_or_else(|| self.refusal(&LIVENESS_NOT_STARTED))?;
        let attempt = guard
            .as_mut()
            .ok_or_else(|| self.refusal(&LIVENESS_NOT_STARTED))?;
        #[cfg(feature = "test-camera")]
        let synthetic = attempt.camera.as_mut().map(|camera| camera.frame_at(t_ms));
        #[cfg(not(feature = "test-camera"))]
        let synthetic = None;
        let frame = match synthetic {
            Some(frame) => frame,
            None => ikd_liveness::GrayFrame::from_rgba(FRAME_WIDTH, FRAME_HEIGHT, rgba)
                .map_err(|e| self.err(ClientError::invalid(&e)))?,
        };
        let report = attempt.capture.push(t_ms, &frame);
        let phase = attempt.capture.phase();
        let tracker = attempt.capture.tracker();
        let (code, action, failure) = match phase {
            Phase::Baseline => (LivenessPhase::Baseline, None, None),
            Phase::Act { step } => (
                LivenessPhase::Act,
                attempt.actions.get(*step).copied(),
                None,
            ),
            Phase::Centre { .. } => (LivenessPhase::Centre, None, None),
            Phase::Done => (LivenessPhase::Done, None, None),
            Phase::Failed(f) => (LivenessPhase::Failed, None, Some(message(f, lang))),
        };
        let finished = tracker.finished();
        Ok(LivenessProgress {
            phase: code,
            completed: tracker.completed() as u32,
            total: attempt.actions.len() as u32,
            action,
            prompt: phase.prompt(&attempt.actions, lang),
            issue: if finished {
                None
            } else {
                report.issue.map(|i| message(&i, lang))
            },
            failure,
            face: report.face.map(|f| FaceBox {
                x: f.x,
                y: f.y,
                w: f.w,
                h: f.h,
            }),
            elapsed_ms: tracker.elapsed_ms(),
        })
    }

    /// Drops the current attempt (the screen was left).
    pub fn liveness_cancel(&self) {
        if let Some(mut attempt) = self.session.attempt() {
            *attempt = None;
        }
    }

    /// Sends the evidence of a finished attempt with the registration or the device change.
    /// The attempt is spent either way (the server's challenge is single-use).
    pub async fn liveness_finish(&self, now: DateTime<Utc>) -> Result<LivenessResult, UiError> {
        let attempt = {
            let mut guard = self
                .session
                .attempt()
                .ok_or_else(|| self.refusal(&LIVENESS_NOT_STARTED))?;
            if guard
                .as_ref()
                .is_some_and(|a| a.capture.phase() != &Phase::Done)
            {
                return Err(self.refusal(&LIVENESS_NOT_FINISHED));
            }
            guard
                .take()
                .ok_or_else(|| self.refusal(&LIVENESS_NOT_STARTED))?
        };
        let evidence = self
            .resident
            .evidence(
                &attempt.capture,
                attempt.subject.nik(),
                &attempt.challenge_id,
            )
            .map_err(|e| self.err(e))?
            .ok_or_else(|| self.refusal(&LIVENESS_NOT_FINISHED))?;
        match attempt.subject {
            Subject::Register(applicant) => {
                let view = self
                    .resident
                    .register(&applicant, evidence)
                    .await
                    .map_err(|e| self.err(e))?;
                Ok(LivenessResult {
                    purpose: LivenessPurpose::Register,
                    status: Some(self.status_view(view)?),
                    recovery: None,
                })
            }
            Subject::Recover { nik, email } => {
                let pending = self
                    .resident
                    .recover_start(&nik, &email, evidence)
                    .await
                    .map_err(|e| self.err(e))?;
                Ok(LivenessResult {
                    purpose: LivenessPurpose::Recover,
                    status: None,
                    recovery: Some(self.recovery_view(&pending, now)),
                })
            }
        }
    }
}
