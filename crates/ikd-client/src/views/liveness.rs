//! What the selfie (liveness capture) screen receives: the server's challenge as steps to show,
//! the progress after each frame and what the finished attempt led to. The codes are typed: the
//! actions and the purpose are the core's ([`Action`], [`LivenessPurpose`]), the phase and the
//! frame source are this screen's own ([`LivenessPhase`], [`FrameSource`]).

use ikd_core::ChallengeId;
use ikd_core::liveness::Action;
use ikd_core::wire::LivenessPurpose;
use serde::Serialize;
use ts_rs::TS;

use super::{Message, RecoveryView, RegistrationStatus};

/// A liveness challenge step to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LivenessStep {
    /// `move_left`, `move_right`, `move_closer` or `move_back` (the resident's left and right).
    pub action: Action,
    /// The prompt in the current language.
    pub prompt: String,
}

/// Where the frames come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FrameSource {
    /// The phone's camera.
    Camera,
    /// The synthetic test camera of a debug build: the UI opens no camera and sends empty
    /// frames, which the app replaces with synthetic ones.
    Test,
}

/// A liveness attempt, as the capture screen needs it. The challenge comes from the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LivenessSession {
    /// `register` (a new registration) or `recover` (device change or forgotten PIN).
    pub purpose: LivenessPurpose,
    /// The server's challenge id.
    pub challenge_id: ChallengeId,
    /// The actions to make, in order.
    pub steps: Vec<LivenessStep>,
    /// Width of the frames to send (RGBA, row by row).
    pub frame_width: u32,
    /// Height of the frames to send.
    pub frame_height: u32,
    /// `camera`, or `test` in a debug build with the synthetic test camera: then the UI opens no
    /// camera and sends empty frames, which the app replaces with synthetic ones.
    pub source: FrameSource,
    /// Time for the whole attempt, in seconds.
    pub limit_secs: u32,
}

/// A face box in frame pixels (for the guide oval).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct FaceBox {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width.
    pub w: u32,
    /// Height.
    pub h: u32,
}

/// The phase of an attempt, as the capture screen shows it (the tracker's phase without its data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LivenessPhase {
    /// Hold the face in the middle.
    Baseline,
    /// Make the action asked (`LivenessProgress::action`).
    Act,
    /// Come back to the middle.
    Centre,
    /// Every action was seen.
    Done,
    /// The attempt failed (`LivenessProgress::failure`).
    Failed,
}

/// What the analysis made of the last frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LivenessProgress {
    /// `baseline` (hold the face in the middle), `act` (make action `step`), `centre` (come back
    /// to the middle), `done` or `failed`.
    pub phase: LivenessPhase,
    /// Actions completed.
    pub completed: u32,
    /// Actions in all.
    pub total: u32,
    /// The action asked now (`act` only).
    pub action: Option<Action>,
    /// What to do now, in the current language.
    pub prompt: String,
    /// What is wrong with the picture (too dark, no face, several faces, blurred, …).
    pub issue: Option<Message>,
    /// Why the attempt failed (`failed` only); a new attempt starts with a new challenge.
    pub failure: Option<Message>,
    /// The face found, if one.
    pub face: Option<FaceBox>,
    /// Milliseconds since the first frame.
    pub elapsed_ms: u32,
}

/// What a finished liveness attempt led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LivenessResult {
    /// `register` or `recover`.
    pub purpose: LivenessPurpose,
    /// The registration, for `register`.
    pub status: Option<RegistrationStatus>,
    /// The pending device change, for `recover`.
    pub recovery: Option<RecoveryView>,
}
