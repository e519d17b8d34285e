//! The server's re-check of liveness evidence: the device's signature, then the same analysis
//! and the same tracker as on the device, on the frames the app sent.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ikd_core::credential::DevicePublicKey;
use ikd_core::liveness::{
    Action, Face, LivenessEvidence, MAX_EVIDENCE_FRAMES, MAX_JPEG_BYTES, evidence_digest,
};
use ikd_core::protocol::{DeviceProof, ProofPurpose};
use sha2::{Digest, Sha256};

use crate::analyze::FaceDetector;
use crate::frame::GrayFrame;
use crate::phash::PerceptualHash;
use crate::tracker::{LivenessFailure, Phase, Rules, Tracker};

/// Overlap between the face the app reported and the face the server finds, at least.
const MIN_IOU: f32 = 0.5;

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
    /// Perceptual hash of the decoded frame: the server also refuses a frame that looks like
    /// one it has seen before.
    pub phash: PerceptualHash,
}

/// Evidence that passed.
#[derive(Debug, Clone)]
pub struct VerifiedEvidence {
    /// The frames, in time order.
    pub frames: Vec<VerifiedFrame>,
    /// Time from the first to the last frame.
    pub duration_ms: u32,
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
            phash: PerceptualHash::of(&frame),
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
