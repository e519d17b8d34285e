//! The evidence of a liveness attempt: the key frames (small grey JPEGs), the face the app found
//! in each, the challenge id, all signed by the device key; and the server's re-check.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Action;
use super::analyze::{Face, FaceDetector};
use super::frame::GrayFrame;
use super::tracker::{LivenessFailure, Phase, Rules, Tracker};
use crate::credential::{DevicePublicKey, DeviceSigningKey};
use crate::protocol::{DeviceProof, ProofPurpose};

/// At most this many frames: the baseline, one per action and one per return to the middle.
pub const MAX_EVIDENCE_FRAMES: usize = 2 * super::MAX_ACTIONS;
/// Largest JPEG accepted per frame.
pub const MAX_JPEG_BYTES: usize = 64 * 1024;
/// Overlap between the face the app reported and the face the server finds, at least.
const MIN_IOU: f32 = 0.5;

const DOMAIN: &[u8] = b"IKD-LIVENESS-v1";

/// One key frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceFrame {
    /// Milliseconds since the capture started.
    pub t_ms: u32,
    /// The frame as a JPEG, base64url.
    pub jpeg: String,
    /// The face the app found in the (decoded) JPEG.
    pub face: Face,
}

/// What the app sends with a registration or a device change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LivenessEvidence {
    /// The server's challenge id (32 hex digits).
    pub challenge_id: String,
    /// The key frames, in time order.
    pub frames: Vec<EvidenceFrame>,
    /// Device proof, purpose `liveness`, challenge = [`evidence_digest`].
    pub device_proof: String,
}

/// A frame that passed the server's check.
#[derive(Debug, Clone)]
pub struct VerifiedFrame {
    /// Milliseconds since the capture started.
    pub t_ms: u32,
    /// The JPEG bytes.
    pub jpeg: Vec<u8>,
    /// The face found by the server.
    pub face: Face,
    /// SHA-256 of the JPEG (the server refuses a frame it has seen before).
    pub sha256: [u8; 32],
}

/// Evidence that passed.
#[derive(Debug, Clone)]
pub struct VerifiedEvidence {
    /// The frames, in time order.
    pub frames: Vec<VerifiedFrame>,
    /// Time from the first to the last frame.
    pub duration_ms: u32,
}

/// The digest the device signs: SHA-256 over the domain, the challenge id, and per frame its
/// time, the SHA-256 of its JPEG and its face box.
pub fn evidence_digest(challenge_id: &str, frames: &[(u32, &[u8], Face)]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    h.update([0]);
    h.update(challenge_id.as_bytes());
    h.update([0]);
    h.update((frames.len() as u32).to_be_bytes());
    for (t, jpeg, face) in frames {
        h.update(t.to_be_bytes());
        h.update(Sha256::digest(jpeg));
        h.update(face.x.to_be_bytes());
        h.update(face.y.to_be_bytes());
        h.update(face.w.to_be_bytes());
        h.update(face.h.to_be_bytes());
    }
    h.finalize().into()
}

/// Builds and signs the evidence of an attempt.
pub fn sign_evidence(
    key: &DeviceSigningKey,
    nik: &str,
    challenge_id: &str,
    frames: &[(u32, Vec<u8>, Face)],
) -> LivenessEvidence {
    let refs: Vec<(u32, &[u8], Face)> = frames
        .iter()
        .map(|(t, j, f)| (*t, j.as_slice(), *f))
        .collect();
    let digest = evidence_digest(challenge_id, &refs);
    LivenessEvidence {
        challenge_id: challenge_id.to_owned(),
        frames: frames
            .iter()
            .map(|(t, jpeg, face)| EvidenceFrame {
                t_ms: *t,
                jpeg: B64.encode(jpeg),
                face: *face,
            })
            .collect(),
        device_proof: DeviceProof::sign(key, ProofPurpose::Liveness, nik, &digest).to_string(),
    }
}

/// The server's re-check: the signature, then the same analysis and the same tracker on the
/// frames the app sent. Passes only when the frames alone show every action in order.
pub fn verify_evidence(
    evidence: &LivenessEvidence,
    actions: &[Action],
    nik: &str,
    device_key: &DevicePublicKey,
    detector: &FaceDetector,
    rules: &Rules,
) -> Result<VerifiedEvidence, LivenessFailure> {
    use LivenessFailure::*;
    let n = evidence.frames.len();
    if !(2..=MAX_EVIDENCE_FRAMES).contains(&n) {
        return Err(EvidenceMalformed);
    }
    let mut jpegs = Vec::with_capacity(n);
    for f in &evidence.frames {
        if f.jpeg.len() > MAX_JPEG_BYTES * 4 / 3 + 4 {
            return Err(EvidenceMalformed);
        }
        let bytes = B64.decode(&f.jpeg).map_err(|_| EvidenceMalformed)?;
        if bytes.len() > MAX_JPEG_BYTES {
            return Err(EvidenceMalformed);
        }
        jpegs.push(bytes);
    }
    if evidence.frames.windows(2).any(|w| w[1].t_ms <= w[0].t_ms) {
        return Err(EvidenceMalformed);
    }
    let proof: DeviceProof = evidence
        .device_proof
        .parse()
        .map_err(|_| EvidenceSignature)?;
    let refs: Vec<(u32, &[u8], Face)> = evidence
        .frames
        .iter()
        .zip(&jpegs)
        .map(|(f, j)| (f.t_ms, j.as_slice(), f.face))
        .collect();
    let digest = evidence_digest(&evidence.challenge_id, &refs);
    proof
        .verify(device_key, ProofPurpose::Liveness, nik, &digest)
        .map_err(|_| EvidenceSignature)?;

    let mut tracker = Tracker::new(actions.to_vec(), rules.clone());
    let mut frames = Vec::with_capacity(n);
    for (claimed, jpeg) in evidence.frames.iter().zip(jpegs) {
        let frame = GrayFrame::from_jpeg(&jpeg).map_err(|_| EvidenceMalformed)?;
        let report = detector.analyze(&frame);
        let face = report.good_face().ok_or(EvidenceMismatch)?;
        if face.iou(&claimed.face) < MIN_IOU {
            return Err(EvidenceMismatch);
        }
        // Every frame sent must be one at which the tracker moves on.
        if !tracker.observe(claimed.t_ms, frame.width(), &report) {
            return Err(match tracker.phase() {
                Phase::Failed(failure) => failure.clone(),
                _ => EvidenceIncomplete,
            });
        }
        frames.push(VerifiedFrame {
            t_ms: claimed.t_ms,
            sha256: Sha256::digest(&jpeg).into(),
            jpeg,
            face,
        });
    }
    if tracker.phase() != &Phase::Done {
        return Err(EvidenceIncomplete);
    }
    let duration_ms = evidence.frames[n - 1].t_ms - evidence.frames[0].t_ms;
    Ok(VerifiedEvidence {
        frames,
        duration_ms,
    })
}
