//! One attempt on the device: frames in, progress out, evidence at the end.

use ikd_core::credential::DeviceSigningKey;
use ikd_core::liveness::{Action, Face, LivenessEvidence, sign_evidence};

use crate::analyze::{FaceDetector, FrameReport};
use crate::frame::GrayFrame;
use crate::tracker::{Phase, Rules, Tracker};

/// JPEG quality of the evidence frames (8–15 KB at 320×240).
pub const JPEG_QUALITY: u8 = 85;

/// A capture in progress: every frame is analysed; a frame that moves the tracker on is kept as
/// evidence, and it is judged on its JPEG (what the server will see), not on the raw frame, so
/// the server's re-check comes to the same answer.
#[derive(Debug, Clone)]
pub struct Capture {
    tracker: Tracker,
    detector: FaceDetector,
    keys: Vec<(u32, Vec<u8>, Face)>,
}

impl Capture {
    /// A capture for a challenge's actions.
    pub fn new(actions: Vec<Action>, detector: FaceDetector, rules: Rules) -> Self {
        Capture {
            tracker: Tracker::new(actions, rules),
            detector,
            keys: Vec::new(),
        }
    }

    /// Takes a frame taken `t_ms` after the capture started; answers what it shows.
    pub fn push(&mut self, t_ms: u32, frame: &GrayFrame) -> FrameReport {
        let report = self.detector.analyze(frame);
        if !self.tracker.would_advance(frame.width(), &report) {
            self.tracker.observe(t_ms, frame.width(), &report);
            return report;
        }
        let jpeg = frame.to_jpeg(JPEG_QUALITY);
        let as_sent = GrayFrame::from_jpeg(&jpeg)
            .map(|decoded| self.detector.analyze(&decoded))
            .unwrap_or_else(|_| FrameReport {
                face: None,
                ..report.clone()
            });
        if self.tracker.observe(t_ms, frame.width(), &as_sent)
            && let Some(face) = as_sent.face
        {
            self.keys.push((t_ms, jpeg, face));
        }
        report
    }

    /// Where the attempt is.
    pub fn phase(&self) -> &Phase {
        self.tracker.phase()
    }

    /// The tracker.
    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    /// The key frames kept so far: time, JPEG, face.
    pub fn key_frames(&self) -> &[(u32, Vec<u8>, Face)] {
        &self.keys
    }

    /// The signed evidence, once every action was made.
    pub fn evidence(
        &self,
        key: &DeviceSigningKey,
        nik: &str,
        challenge_id: &str,
    ) -> Option<LivenessEvidence> {
        (self.tracker.phase() == &Phase::Done)
            .then(|| sign_evidence(key, nik, challenge_id, &self.keys))
    }
}
