//! The evidence of a liveness attempt as it travels: the key frames (small grey JPEGs), the face
//! the app found in each, the challenge id, all signed by the device key. The server's re-check
//! (decoding the frames, finding the faces again) is `ikd_liveness::verify_evidence`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Face;
use crate::credential::DeviceSigningKey;
use crate::protocol::{DeviceProof, ProofPurpose};

/// At most this many frames: the baseline, one per action and one per return to the middle.
pub const MAX_EVIDENCE_FRAMES: usize = 2 * super::MAX_ACTIONS;
/// Largest JPEG accepted per frame.
pub const MAX_JPEG_BYTES: usize = 64 * 1024;

/// Domain separation of [`evidence_digest`].
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
