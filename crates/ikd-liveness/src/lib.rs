//! `ikd-liveness`: the moving-face selfie ("swafoto bergerak wajah") of registration and of the
//! self-service device change, on the device and on the server.
//!
//! The server issues a random challenge: a short sequence of head movements
//! ([`Action`]: move the face left, right, closer, back). The app analyses camera frames on the
//! device ([`analyze`]: face detection with the SeetaFace frontal model through `rustface`, then
//! quality gates), a [`Tracker`] decides whether each movement was made in order and in time, and
//! the frames at which the tracker moved on become the [`LivenessEvidence`], signed by the device
//! key ([`Capture`]). The server runs [`verify_evidence`] — the same analysis, the same tracker, on
//! the same frames — so a modified app cannot simply claim success.
//!
//! The types that travel in messages (the actions, the evidence, its digest and signature) are
//! `ikd_core::liveness`, re-exported here so that a caller needs one path; this crate adds
//! everything that decodes images or detects faces, which the core must not pull in.
//! [`synthetic`] (feature `synthetic`) makes camera sequences for tests, the measurement and the
//! app's test camera.
//!
//! Frames are as the camera delivers them (not mirrored): the resident's left is the image's
//! right. Pure functions, no I/O: the caller passes frames, times and random bytes in.
//!
//! What this cannot stop is written in `docs/liveness.md`: a printed photo or a screen moved as
//! asked looks the same to a 2-D face detector as a face moved as asked.

mod analyze;
mod capture;
mod frame;
mod phash;
mod tracker;
mod verify;

#[cfg(feature = "synthetic")]
pub mod synthetic;

pub use analyze::{FaceDetector, FrameIssue, FrameReport, analyze};
pub use capture::{Capture, JPEG_QUALITY};
pub use frame::{FRAME_HEIGHT, FRAME_WIDTH, FrameError, GrayFrame, MAX_HEIGHT, MAX_WIDTH};
pub use ikd_core::liveness::{
    Action, EvidenceFrame, Face, LivenessEvidence, MAX_ACTIONS, MAX_EVIDENCE_FRAMES,
    MAX_JPEG_BYTES, MIN_ACTIONS, challenge_actions, evidence_digest, sign_evidence,
};
pub use phash::{MARGIN as PHASH_MARGIN, PerceptualHash, REPLAY_DISTANCE, is_replay};
pub use tracker::{LivenessFailure, Phase, Rules, Tracker};
pub use verify::{VerifiedEvidence, VerifiedFrame, verify_evidence};
