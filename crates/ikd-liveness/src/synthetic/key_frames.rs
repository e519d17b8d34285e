//! Key frames: the shortest synthetic sequences that make a challenge (one frame per pose), and
//! the signed evidence of a synthetic live face built from them, for the tests that need valid
//! evidence rather than a measurement.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;

use super::{Look, Pose, Room, render, unit};
use crate::Action;
use crate::frame::GrayFrame;

/// The shortest sequence that makes `actions`: one frame per pose (the middle, the first action,
/// the middle, …), 700 ms apart. What tests use when they need evidence, not a measurement.
pub fn key_frames(actions: &[Action], seed: u64) -> Vec<(u32, GrayFrame)> {
    key_frames_from(actions, seed, false)
}

/// Like [`key_frames`], but in a room drawn from `seed` ([`Room::random`]) and with the face
/// starting at a pose drawn from it (up to 24 px either side of the middle, 8 px up or down,
/// 90–110 % of the usual width), the movements made from there: two real selfies are never taken
/// in front of the same wall at the same pixel. The frames of two seeds are different pictures,
/// not only different noise, so the server's perceptual replay check can tell them apart.
/// [`evidence_for`] uses these.
pub fn selfie_key_frames(actions: &[Action], seed: u64) -> Vec<(u32, GrayFrame)> {
    key_frames_from(actions, seed, true)
}

fn key_frames_from(actions: &[Action], seed: u64, moved: bool) -> Vec<(u32, GrayFrame)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut look = Look {
        noise: 3.0,
        ..Look::random(&mut rng)
    };
    let start = if moved {
        look.room = Room::random(&mut rng);
        Pose {
            cx: Pose::CENTRE.cx + (unit(&mut rng) - 0.5) * 48.0,
            cy: Pose::CENTRE.cy + (unit(&mut rng) - 0.5) * 16.0,
            width: Pose::CENTRE.width * (0.9 + unit(&mut rng) * 0.2),
        }
    } else {
        Pose::CENTRE
    };
    let mut poses = vec![start];
    for (i, &a) in actions.iter().enumerate() {
        poses.push(start.after(a));
        if i + 1 < actions.len() {
            poses.push(start);
        }
    }
    poses
        .into_iter()
        .enumerate()
        .map(|(i, p)| (i as u32 * 700, render(&[p], look, &mut rng)))
        .collect()
}

/// How many faces [`completing_key_frames`] tries before it gives up.
pub const COMPLETING_TRIES: u64 = 32;

/// Key frames (see [`key_frames`]) that a capture with the default detector and rules follows to
/// the end: those of `seed`, or, when that face is not followed, those of the next seeds, like a
/// resident trying again. About 3 seeds in 1,000 are not followed: the jump straight from the
/// middle to the action's pose, with no frame in between, can land where the detector misjudges
/// the face's size. Tests that need evidence use this; the measurement of `docs/liveness.md`
/// uses whole [`Sequence`]s and counts every failure. `None` only if [`COMPLETING_TRIES`] faces
/// in a row were not followed, which would be a defect.
pub fn completing_key_frames(actions: &[Action], seed: u64) -> Option<Vec<(u32, GrayFrame)>> {
    completing_capture(actions, seed, false).map(|(frames, _)| frames)
}

/// Like [`completing_key_frames`], but the frames of [`selfie_key_frames`]: what a test camera
/// shows when several residents take their selfies (different rooms and starting poses, so the
/// server's perceptual replay check does not take one for another's).
pub fn completing_selfie_key_frames(
    actions: &[Action],
    seed: u64,
) -> Option<Vec<(u32, GrayFrame)>> {
    completing_capture(actions, seed, true).map(|(frames, _)| frames)
}

/// The frames of [`completing_key_frames`] (or, `moved`, of [`selfie_key_frames`]) with the
/// capture that followed them.
fn completing_capture(
    actions: &[Action],
    seed: u64,
    moved: bool,
) -> Option<(Vec<(u32, GrayFrame)>, crate::Capture)> {
    (0..COMPLETING_TRIES).find_map(|i| {
        let frames = key_frames_from(actions, seed.wrapping_add(i), moved);
        let capture = follow(actions, &frames);
        (capture.phase() == &crate::Phase::Done).then_some((frames, capture))
    })
}

/// A capture with the default detector and rules for `actions`, fed `frames` in order.
pub fn follow(actions: &[Action], frames: &[(u32, GrayFrame)]) -> crate::Capture {
    let mut capture = crate::Capture::new(
        actions.to_vec(),
        crate::FaceDetector::default(),
        crate::Rules::default(),
    );
    for (t, frame) in frames {
        capture.push(*t, frame);
    }
    capture
}

/// Signed evidence of a synthetic live face making `actions` for challenge `challenge_id`
/// (frames differ per challenge id, so no two challenges share a frame or a picture): the frames
/// of [`selfie_key_frames`], the next seeds' when one is not followed. `None` if those gave up, which would be a defect of the synthetic
/// face.
pub fn evidence_for(
    actions: &[Action],
    key: &ikd_core::credential::DeviceSigningKey,
    nik: &str,
    challenge_id: &str,
) -> Option<crate::LivenessEvidence> {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(challenge_id.as_bytes());
    let seed = u64::from_be_bytes(digest[..8].try_into().ok()?);
    let (_, capture) = completing_capture(actions, seed, true)?;
    capture.evidence(key, nik, challenge_id)
}
