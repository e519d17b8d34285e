//! The moving-face liveness check end to end, with the synthetic camera (feature `synthetic`):
//! a live face following the challenge passes the app's capture and the server's re-check; each
//! attack of the synthetic test set is refused for the reason one would expect (and the printed
//! photo moved as asked is not: the known limit of a 2-D check); tampered evidence is refused with
//! the precise `LivenessFailure`; and hostile input never panics the parsers.
//!
//! Deterministic: fixed seeds, fixed keys, synthetic times (no sleeps). Cost matters in a debug
//! build (this crate at opt-level 0, rustface at 2: ~30–60 ms to render and analyse a frame), so
//! one bona fide sequence runs at the camera's 8 frames a second and the others at 2–4 frames a
//! second (the attacks do not depend on the rate), and the evidence tests share the 6 key frames
//! of one `synthetic::evidence_for`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ikd_core::credential::{DevicePublicKey, DeviceSigningKey};
use ikd_liveness::synthetic::{
    Kind, Sequence, completing_key_frames, evidence_for, follow, key_frames,
};
use ikd_liveness::{
    Action, Capture, EvidenceFrame, Face, FaceDetector, FrameIssue, FrameReport, GrayFrame,
    LivenessEvidence, LivenessFailure, MAX_EVIDENCE_FRAMES, MAX_JPEG_BYTES, Phase, Rules,
    VerifiedEvidence, sign_evidence, verify_evidence,
};
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

use Action::{MoveBack, MoveCloser, MoveLeft, MoveRight};
use LivenessFailure::{
    EvidenceIncomplete, EvidenceMalformed, EvidenceMismatch, EvidenceSignature, StepTimedOut,
    TooLong, WrongAction,
};

const NIK: &str = "3574015708950002";
const OTHER_NIK: &str = "3574015708950010";
const CHALLENGE: &str = "00112233445566778899aabbccddeeff";
const OTHER_CHALLENGE: &str = "ffeeddccbbaa99887766554433221100";
const DEVICE_SEED: [u8; 32] = [0x22; 32];
const OTHER_DEVICE_SEED: [u8; 32] = [0x33; 32];

/// The challenge of the evidence tests: 3 actions, so 6 key frames.
const ACTIONS: [Action; 3] = [MoveLeft, MoveCloser, MoveBack];

fn device() -> DeviceSigningKey {
    DeviceSigningKey::from_seed(&DEVICE_SEED)
}

/// The server's re-check with the production settings.
fn verify(
    evidence: &LivenessEvidence,
    actions: &[Action],
    nik: &str,
    key: &DevicePublicKey,
) -> Result<VerifiedEvidence, LivenessFailure> {
    verify_evidence(
        evidence,
        actions,
        nik,
        key,
        &FaceDetector::default(),
        &Rules::default(),
    )
}

/// Good evidence of a synthetic live face for [`ACTIONS`] and [`CHALLENGE`] (made once: it is
/// deterministic, and making it analyses 12 frames).
fn good_evidence() -> LivenessEvidence {
    static EVIDENCE: OnceLock<LivenessEvidence> = OnceLock::new();
    EVIDENCE
        .get_or_init(|| {
            evidence_for(&ACTIONS, &device(), NIK, CHALLENGE).expect("the synthetic face completes")
        })
        .clone()
}

/// The frames of evidence as the app signs them: time, JPEG bytes, face.
fn parts(evidence: &LivenessEvidence) -> Vec<(u32, Vec<u8>, Face)> {
    evidence
        .frames
        .iter()
        .map(|f| (f.t_ms, B64.decode(&f.jpeg).expect("base64url"), f.face))
        .collect()
}

/// What a modified app can do: sign whatever frames it likes with the device key.
fn resign(frames: &[(u32, Vec<u8>, Face)]) -> LivenessEvidence {
    sign_evidence(&device(), NIK, CHALLENGE, frames)
}

/// The app's side of one attempt: the sequence's camera frames (8 a second) into a capture,
/// stopping when the attempt is over (as the app does). Returns the capture and the report of
/// every frame sent.
fn run_capture(kind: Kind, actions: &[Action], seed: u64) -> (Capture, Vec<FrameReport>) {
    let mut capture = Capture::new(actions.to_vec(), FaceDetector::default(), Rules::default());
    let mut reports = Vec::new();
    for (t, frame) in Sequence::new(kind, actions, seed).frames() {
        reports.push(capture.push(t, &frame));
        if capture.tracker().finished() {
            break;
        }
    }
    (capture, reports)
}

/// Like [`run_capture`] with a frame every `step_ms` only (a slow phone), rendering only the
/// frames sent: the attack tests do not depend on the frame rate, and a debug build renders and
/// analyses a frame in tens of milliseconds.
fn run_capture_every(
    kind: Kind,
    actions: &[Action],
    seed: u64,
    step_ms: u32,
) -> (Capture, Vec<FrameReport>) {
    let mut capture = Capture::new(actions.to_vec(), FaceDetector::default(), Rules::default());
    let mut sequence = Sequence::new(kind, actions, seed);
    let mut reports = Vec::new();
    let mut t = 0;
    while t <= sequence.duration_ms() && !capture.tracker().finished() {
        let frame = sequence.frame_at(t);
        reports.push(capture.push(t, &frame));
        t += step_ms;
    }
    (capture, reports)
}

// ---------------------------------------------------------------------------------------------
// Bona fide

#[test]
fn a_live_face_following_the_challenge_passes_the_capture_and_the_server_check() {
    for (actions, seed, step_ms) in [
        // 8 frames a second, as the synthetic camera delivers them.
        (vec![MoveCloser, MoveLeft, MoveBack, MoveRight], 12, None),
        // A phone that analyses only 4 frames a second.
        (vec![MoveRight, MoveBack], 11, Some(250)),
    ] {
        let (capture, reports) = match step_ms {
            None => run_capture(Kind::BonaFide, &actions, seed),
            Some(step) => run_capture_every(Kind::BonaFide, &actions, seed, step),
        };
        assert_eq!(capture.phase(), &Phase::Done, "{actions:?}");
        assert!(reports.iter().any(|r| r.good_face().is_some()));
        // One key frame for the baseline, one per action, one per return to the middle.
        assert_eq!(capture.key_frames().len(), 2 * actions.len());

        let evidence = capture
            .evidence(&device(), NIK, CHALLENGE)
            .expect("evidence once done");
        assert_eq!(evidence.challenge_id, CHALLENGE);
        let verified = verify(&evidence, &actions, NIK, &device().public_key())
            .expect("the server comes to the same answer");
        assert_eq!(verified.frames.len(), 2 * actions.len());
        assert_eq!(
            verified.duration_ms,
            evidence.frames.last().map_or(0, |f| f.t_ms) - evidence.frames[0].t_ms
        );
        for (v, sent) in verified.frames.iter().zip(&evidence.frames) {
            // The server keys its replay check on the SHA-256 of exactly the bytes sent.
            assert_eq!(v.sha256, <[u8; 32]>::from(Sha256::digest(&v.jpeg)));
            assert_eq!(B64.encode(&v.jpeg), sent.jpeg);
            assert!(v.face.iou(&sent.face) >= 0.5);
            assert!(v.jpeg.len() <= MAX_JPEG_BYTES);
        }
    }
}

#[test]
fn evidence_goes_through_json_and_unknown_fields_are_refused() {
    let evidence = good_evidence();
    let json = serde_json::to_value(&evidence).expect("serialises");
    let back: LivenessEvidence = serde_json::from_value(json.clone()).expect("parses");
    assert_eq!(back, evidence);
    assert!(verify(&back, &ACTIONS, NIK, &device().public_key()).is_ok());

    let mut extra = json;
    extra["frames"][0]["liveness_score"] = serde_json::json!(1.0);
    assert!(serde_json::from_value::<LivenessEvidence>(extra).is_err());
}

#[test]
fn two_challenges_never_share_a_frame_so_the_server_can_refuse_replayed_frames() {
    let a = verify(&good_evidence(), &ACTIONS, NIK, &device().public_key()).expect("passes");
    let other = evidence_for(&ACTIONS, &device(), NIK, OTHER_CHALLENGE).expect("completes");
    let b = verify(&other, &ACTIONS, NIK, &device().public_key()).expect("passes");
    for fa in &a.frames {
        assert!(b.frames.iter().all(|fb| fb.sha256 != fa.sha256));
    }
}

#[test]
fn old_frames_re_signed_for_a_new_challenge_pass_the_analysis_but_keep_their_hashes() {
    // `verify_evidence` is a pure check of the frames: a modified app can re-sign old frames for
    // a new challenge with the same actions and they pass it. What refuses them is the server's
    // store of frame hashes (`liveness_frames.sha256`, unique), which sees the same SHA-256.
    let old = verify(&good_evidence(), &ACTIONS, NIK, &device().public_key()).expect("passes");
    let reused = sign_evidence(&device(), NIK, OTHER_CHALLENGE, &parts(&good_evidence()));
    let again = verify(&reused, &ACTIONS, NIK, &device().public_key()).expect("passes analysis");
    let hashes = |v: &VerifiedEvidence| v.frames.iter().map(|f| f.sha256).collect::<Vec<_>>();
    assert_eq!(hashes(&old), hashes(&again));
}

// ---------------------------------------------------------------------------------------------
// Attacks of the synthetic test set, through the app's capture

/// The challenge the attacks are presented to.
const ATTACKED: [Action; 3] = [MoveLeft, MoveCloser, MoveRight];

#[test]
fn a_photo_held_still_is_refused_when_the_first_movement_never_comes() {
    let (capture, reports) = run_capture_every(Kind::StaticPhoto, &ATTACKED, 21, 500);
    // The photo is a good, centred face: it sets the baseline, then nothing moves.
    assert!(reports.iter().any(|r| r.good_face().is_some()));
    assert_eq!(capture.phase(), &Phase::Failed(StepTimedOut));
    assert_eq!(capture.key_frames().len(), 1, "only the baseline was kept");
    assert_eq!(capture.evidence(&device(), NIK, CHALLENGE), None);
}

#[test]
fn a_recording_made_for_another_challenge_is_refused_at_the_first_movement_out_of_order() {
    let (capture, _) = run_capture_every(Kind::Replay, &ATTACKED, 22, 250);
    assert!(
        matches!(
            capture.phase(),
            Phase::Failed(WrongAction { expected, seen }) if expected != seen
        ),
        "{:?}",
        capture.phase()
    );
    assert_eq!(capture.evidence(&device(), NIK, CHALLENGE), None);
}

#[test]
fn the_movements_in_the_wrong_order_are_refused() {
    let (capture, _) = run_capture_every(Kind::WrongOrder, &ATTACKED, 23, 250);
    assert_eq!(
        capture.phase(),
        &Phase::Failed(WrongAction {
            expected: MoveLeft,
            seen: MoveCloser
        })
    );
    assert_eq!(capture.evidence(&device(), NIK, CHALLENGE), None);
}

#[test]
fn without_a_face_the_attempt_never_starts_and_runs_out_of_time() {
    let actions = [MoveLeft, MoveBack];
    let mut capture = Capture::new(actions.to_vec(), FaceDetector::default(), Rules::default());
    // The first 3 s of the camera at 8 frames a second.
    let frames: Vec<_> = Sequence::new(Kind::NoFace, &actions, 24)
        .frames()
        .into_iter()
        .take_while(|(t, _)| *t <= 3_000)
        .collect();
    let mut last_t = 0;
    for (t, frame) in &frames {
        let report = capture.push(*t, frame);
        assert_eq!(report.issue, Some(FrameIssue::NoFace), "at {t} ms");
        last_t = *t;
    }
    assert_eq!(capture.phase(), &Phase::Baseline);
    assert!(last_t < Rules::default().total_ms);
    // The camera keeps showing the empty room until the attempt's time is up.
    let (_, empty) = frames.last().expect("frames");
    let limit = Rules::default().total_ms;
    let mut t = last_t;
    while !capture.tracker().finished() {
        t += 5_000;
        capture.push(t, empty);
        assert!(t <= limit + 5_000, "still running at {t} ms");
    }
    assert_eq!(capture.phase(), &Phase::Failed(TooLong));
    assert!(capture.key_frames().is_empty());
}

#[test]
fn two_faces_following_the_challenge_together_are_refused() {
    let (capture, reports) = run_capture_every(Kind::TwoFaces, &ATTACKED, 25, 250);
    let several = reports
        .iter()
        .filter(|r| r.issue == Some(FrameIssue::SeveralFaces))
        .count();
    assert!(
        several * 2 > reports.len(),
        "{several} of {}",
        reports.len()
    );
    // No frame ever showed one centred face to start from.
    assert_eq!(capture.phase(), &Phase::Baseline);
    assert!(capture.key_frames().is_empty());
    assert_eq!(capture.evidence(&device(), NIK, CHALLENGE), None);
}

#[test]
fn known_limitation_a_printed_photo_moved_as_asked_passes() {
    // A 2-D face detector and a movement tracker cannot tell a printed photo (or a screen) moved
    // as asked from a face moved as asked: this attack PASSES both the app and the server.
    // docs/liveness.md lists it among the attacks this method cannot stop.
    let (capture, _) = run_capture_every(Kind::PrintedPhotoMoved, &ATTACKED, 26, 250);
    assert_eq!(capture.phase(), &Phase::Done);
    let evidence = capture.evidence(&device(), NIK, CHALLENGE).expect("done");
    assert!(verify(&evidence, &ATTACKED, NIK, &device().public_key()).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Tampered evidence, at the server

#[test]
fn the_good_evidence_of_the_tampering_tests_passes() {
    let evidence = good_evidence();
    assert_eq!(evidence.frames.len(), 6);
    assert!(verify(&evidence, &ACTIONS, NIK, &device().public_key()).is_ok());
}

#[test]
fn a_frame_whose_jpeg_was_changed_breaks_the_signature() {
    let mut evidence = good_evidence();
    let jpeg = B64.decode(&evidence.frames[1].jpeg).expect("base64url");
    let reencoded = GrayFrame::from_jpeg(&jpeg).expect("decodes").to_jpeg(60);
    assert_ne!(reencoded, jpeg);
    evidence.frames[1].jpeg = B64.encode(&reencoded);
    assert_eq!(
        verify(&evidence, &ACTIONS, NIK, &device().public_key()).err(),
        Some(EvidenceSignature)
    );
}

#[test]
fn a_moved_face_box_breaks_the_signature_and_re_signed_it_does_not_match_the_frame() {
    let mut evidence = good_evidence();
    evidence.frames[1].face.x += 60;
    assert_eq!(
        verify(&evidence, &ACTIONS, NIK, &device().public_key()).err(),
        Some(EvidenceSignature)
    );
    // A modified app signing its false claim: the server finds the face elsewhere.
    let mut frames = parts(&good_evidence());
    frames[1].2.x += 60;
    assert_eq!(
        verify(&resign(&frames), &ACTIONS, NIK, &device().public_key()).err(),
        Some(EvidenceMismatch)
    );
}

#[test]
fn frames_out_of_time_order_are_malformed() {
    let good = good_evidence();
    // Two frames swapped (their times with them): times go backwards.
    let mut swapped = good.clone();
    swapped.frames.swap(1, 2);
    assert_eq!(
        verify(&swapped, &ACTIONS, NIK, &device().public_key()).err(),
        Some(EvidenceMalformed)
    );
    // Two frames at the same time, even signed by the device.
    let mut frames = parts(&good);
    frames[2].0 = frames[1].0;
    assert_eq!(
        verify(&resign(&frames), &ACTIONS, NIK, &device().public_key()).err(),
        Some(EvidenceMalformed)
    );
}

#[test]
fn frames_reordered_with_new_times_and_re_signed_do_not_show_the_movements() {
    // The app's frames, the middle one before the move to the left, times rewritten in order:
    // the tracker waits for `move_left` and sees the middle, so the frame moves nothing on.
    let mut frames = parts(&good_evidence());
    frames.swap(1, 2);
    let times: Vec<u32> = (0..frames.len() as u32).map(|i| i * 700).collect();
    for (f, t) in frames.iter_mut().zip(times) {
        f.0 = t;
    }
    assert_eq!(
        verify(&resign(&frames), &ACTIONS, NIK, &device().public_key()).err(),
        Some(EvidenceIncomplete)
    );
}

#[test]
fn a_dropped_frame_breaks_the_signature_and_re_signed_the_movements_are_incomplete() {
    let mut evidence = good_evidence();
    evidence.frames.remove(2);
    assert_eq!(
        verify(&evidence, &ACTIONS, NIK, &device().public_key()).err(),
        Some(EvidenceSignature)
    );
    // Without the return to the middle between `move_left` and `move_closer`.
    let mut frames = parts(&good_evidence());
    frames.remove(2);
    assert_eq!(
        verify(&resign(&frames), &ACTIONS, NIK, &device().public_key()).err(),
        Some(EvidenceIncomplete)
    );
    // Without the last movement: every frame moves the tracker on, but it is not done.
    let mut frames = parts(&good_evidence());
    frames.pop();
    assert_eq!(
        verify(&resign(&frames), &ACTIONS, NIK, &device().public_key()).err(),
        Some(EvidenceIncomplete)
    );
}

#[test]
fn evidence_signed_by_another_device_or_for_another_nik_or_challenge_id_is_refused() {
    let evidence = good_evidence();
    let other_device = DeviceSigningKey::from_seed(&OTHER_DEVICE_SEED);
    // Verified against another device's key.
    assert_eq!(
        verify(&evidence, &ACTIONS, NIK, &other_device.public_key()).err(),
        Some(EvidenceSignature)
    );
    // Signed by another device, verified against the registering device's key.
    let by_other = sign_evidence(&other_device, NIK, CHALLENGE, &parts(&evidence));
    assert_eq!(
        verify(&by_other, &ACTIONS, NIK, &device().public_key()).err(),
        Some(EvidenceSignature)
    );
    // For another NIK.
    assert_eq!(
        verify(&evidence, &ACTIONS, OTHER_NIK, &device().public_key()).err(),
        Some(EvidenceSignature)
    );
    // Moved to another challenge id.
    let mut moved = evidence.clone();
    moved.challenge_id = OTHER_CHALLENGE.to_owned();
    assert_eq!(
        verify(&moved, &ACTIONS, NIK, &device().public_key()).err(),
        Some(EvidenceSignature)
    );
    // A device proof that is not one.
    let mut garbage = evidence;
    garbage.device_proof = "not a proof".to_owned();
    assert_eq!(
        verify(&garbage, &ACTIONS, NIK, &device().public_key()).err(),
        Some(EvidenceSignature)
    );
}

#[test]
fn evidence_checked_against_another_challenges_actions_is_refused() {
    let evidence = good_evidence(); // left, closer, back
    let key = device().public_key();
    // Another first movement: the frame moved to the left is the wrong action.
    assert_eq!(
        verify(&evidence, &[MoveRight, MoveCloser, MoveBack], NIK, &key).err(),
        Some(WrongAction {
            expected: MoveRight,
            seen: MoveLeft
        })
    );
    // Another last movement.
    assert_eq!(
        verify(&evidence, &[MoveLeft, MoveCloser, MoveLeft], NIK, &key).err(),
        Some(WrongAction {
            expected: MoveLeft,
            seen: MoveBack
        })
    );
    // A shorter challenge that the evidence starts with: frames beyond it are not key frames.
    assert_eq!(
        verify(&evidence, &[MoveLeft, MoveCloser], NIK, &key).err(),
        Some(EvidenceIncomplete)
    );
    // A longer challenge: the evidence stops before its end.
    assert_eq!(
        verify(
            &evidence,
            &[MoveLeft, MoveCloser, MoveBack, MoveRight],
            NIK,
            &key
        )
        .err(),
        Some(EvidenceIncomplete)
    );
}

#[test]
fn too_few_or_too_many_frames_are_malformed() {
    let frames = parts(&good_evidence());
    let key = device().public_key();
    for n in [0, 1] {
        let evidence = resign(&frames[..n]);
        assert_eq!(
            verify(&evidence, &ACTIONS, NIK, &key).err(),
            Some(EvidenceMalformed),
            "{n} frames"
        );
    }
    // The 6 good frames and 3 more later copies: 9 > MAX_EVIDENCE_FRAMES.
    let mut many = frames.clone();
    for (i, f) in frames.iter().take(3).enumerate() {
        many.push((10_000 + i as u32 * 700, f.1.clone(), f.2));
    }
    assert!(many.len() > MAX_EVIDENCE_FRAMES);
    assert_eq!(
        verify(&resign(&many), &ACTIONS, NIK, &key).err(),
        Some(EvidenceMalformed)
    );
}

#[test]
fn an_oversized_jpeg_is_malformed_before_and_after_base64() {
    let key = device().public_key();
    let good = good_evidence();
    // Far too long as text: refused before decoding the base64.
    let mut long = good.clone();
    long.frames[1].jpeg = "A".repeat(100_000);
    assert_eq!(
        verify(&long, &ACTIONS, NIK, &key).err(),
        Some(EvidenceMalformed)
    );
    // One byte over the limit once decoded (the text is within the text limit).
    let mut frames = parts(&good);
    let mut big = frames[1].1.clone();
    big.resize(MAX_JPEG_BYTES + 1, 0);
    frames[1].1 = big;
    let evidence = resign(&frames);
    assert!(evidence.frames[1].jpeg.len() <= MAX_JPEG_BYTES * 4 / 3 + 4);
    assert_eq!(
        verify(&evidence, &ACTIONS, NIK, &key).err(),
        Some(EvidenceMalformed)
    );
}

#[test]
fn a_jpeg_larger_than_640_by_480_is_malformed() {
    // A small file of a big picture: refused by the decoder's limits, not decoded.
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 50)
        .encode(
            &vec![128u8; 1280 * 960],
            1280,
            960,
            image::ExtendedColorType::L8,
        )
        .expect("encodes");
    assert!(jpeg.len() < MAX_JPEG_BYTES);
    let mut frames = parts(&good_evidence());
    frames[1].1 = jpeg;
    assert_eq!(
        verify(&resign(&frames), &ACTIONS, NIK, &device().public_key()).err(),
        Some(EvidenceMalformed)
    );
}

#[test]
fn garbage_base64_or_a_frame_that_is_no_jpeg_is_malformed() {
    let key = device().public_key();
    let mut garbage = good_evidence();
    garbage.frames[2].jpeg = "!!not base64!!".to_owned();
    assert_eq!(
        verify(&garbage, &ACTIONS, NIK, &key).err(),
        Some(EvidenceMalformed)
    );
    // Standard base64 with padding is not base64url without padding.
    let mut padded = good_evidence();
    let bytes = B64.decode(&padded.frames[0].jpeg).expect("base64url");
    padded.frames[0].jpeg = base64::engine::general_purpose::STANDARD.encode(&bytes) + "==";
    assert_eq!(
        verify(&padded, &ACTIONS, NIK, &key).err(),
        Some(EvidenceMalformed)
    );
    // Signed bytes that are not a JPEG.
    let mut frames = parts(&good_evidence());
    frames[3].1 = b"\x89PNG\r\n\x1a\n definitely not a jpeg".to_vec();
    assert_eq!(
        verify(&resign(&frames), &ACTIONS, NIK, &key).err(),
        Some(EvidenceMalformed)
    );
}

#[test]
fn a_signed_frame_without_a_usable_face_does_not_match() {
    // A modified app signing a frame of the empty room in place of the move to the left.
    let empty = Sequence::new(Kind::NoFace, &ACTIONS, 31).frame_at(0);
    let mut frames = parts(&good_evidence());
    frames[1].1 = empty.to_jpeg(85);
    assert_eq!(
        verify(&resign(&frames), &ACTIONS, NIK, &device().public_key()).err(),
        Some(EvidenceMismatch)
    );
}

// ---------------------------------------------------------------------------------------------
// Hostile input never panics

/// A JSON value of any shape (the right type some of the time).
fn json_leaf() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{Value, json};
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u32>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        ".{0,40}".prop_map(Value::String),
        "[A-Za-z0-9_-]{0,300}".prop_map(Value::String),
    ]
}

fn json_face() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        (any::<i32>(), any::<i32>(), any::<u32>(), any::<u32>())
            .prop_map(|(x, y, w, h)| serde_json::json!({"x": x, "y": y, "w": w, "h": h})),
        json_leaf(),
    ]
}

fn json_frame() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        (json_leaf(), json_leaf(), json_face()).prop_map(|(t, jpeg, face)| serde_json::json!({
            "t_ms": t, "jpeg": jpeg, "face": face
        })),
        (any::<u32>(), "[A-Za-z0-9_-]{0,300}", json_face()).prop_map(|(t, jpeg, face)| {
            serde_json::json!({"t_ms": t, "jpeg": jpeg, "face": face})
        }),
        json_leaf(),
    ]
}

fn json_evidence() -> impl Strategy<Value = serde_json::Value> {
    (
        prop_oneof![json_leaf(), Just(serde_json::json!(CHALLENGE))],
        prop_oneof![
            proptest::collection::vec(json_frame(), 0..12).prop_map(serde_json::Value::Array),
            json_leaf(),
        ],
        json_leaf(),
    )
        .prop_map(|(id, frames, proof)| {
            serde_json::json!({"challenge_id": id, "frames": frames, "device_proof": proof})
        })
}

fn arbitrary_face() -> impl Strategy<Value = Face> {
    (any::<i32>(), any::<i32>(), any::<u32>(), any::<u32>()).prop_map(|(x, y, w, h)| Face {
        x,
        y,
        w,
        h,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn json_ish_evidence_never_panics_and_never_passes(value in json_evidence()) {
        if let Ok(evidence) = serde_json::from_value::<LivenessEvidence>(value) {
            let verdict = verify(&evidence, &ACTIONS, NIK, &device().public_key());
            prop_assert!(verdict.is_err());
        }
    }

    #[test]
    fn arbitrary_unsigned_evidence_never_panics_and_never_passes(
        id in ".{0,40}",
        frames in proptest::collection::vec(
            (any::<u32>(), ".{0,200}", arbitrary_face()),
            0..12,
        ),
        proof in ".{0,200}",
    ) {
        let evidence = LivenessEvidence {
            challenge_id: id,
            frames: frames
                .into_iter()
                .map(|(t_ms, jpeg, face)| EvidenceFrame { t_ms, jpeg, face })
                .collect(),
            device_proof: proof,
        };
        prop_assert!(verify(&evidence, &ACTIONS, NIK, &device().public_key()).is_err());
    }
}

proptest! {
    // Signed by the device, so every frame reaches the JPEG decoder (and, when it decodes, the
    // face detector): fewer cases, each can cost an analysis.
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn signed_arbitrary_jpeg_bytes_never_panic(
        junk in proptest::collection::vec(
            (any::<u32>(), proptest::collection::vec(any::<u8>(), 0..4096), arbitrary_face()),
            2..=MAX_EVIDENCE_FRAMES,
        ),
    ) {
        let mut frames = junk;
        // Increasing times, so the frames reach the decoder.
        frames.iter_mut().enumerate().for_each(|(i, f)| f.0 = i as u32 * 700);
        prop_assert!(verify(&resign(&frames), &ACTIONS, NIK, &device().public_key()).is_err());
    }

    #[test]
    fn signed_arbitrary_face_boxes_never_panic(
        frame in prop_oneof![3 => Just(0usize), 1 => 1usize..6],
        face in arbitrary_face(),
    ) {
        // The real frames, one of them (mostly the first: the check stops there, so a case costs
        // one analysis) with whatever face box a modified app claims.
        let mut frames = good_frames().to_vec();
        frames[frame].2 = face;
        let verdict = verify(&resign(&frames), &ACTIONS, NIK, &device().public_key());
        prop_assert!(verdict.is_ok() || verdict.err() == Some(EvidenceMismatch));
    }

    #[test]
    fn signed_damaged_jpegs_never_panic(
        frame in prop_oneof![3 => Just(0usize), 1 => 1usize..6],
        cut in any::<prop::sample::Index>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..16),
        truncate in any::<bool>(),
    ) {
        let mut frames = good_frames().to_vec();
        let jpeg = &mut frames[frame].1;
        for (at, byte) in flips {
            let i = at.index(jpeg.len());
            jpeg[i] ^= byte;
        }
        if truncate {
            let keep = cut.index(jpeg.len());
            jpeg.truncate(keep);
        }
        // Damage may leave a readable picture: only a panic would be a failure here.
        let _ = verify(&resign(&frames), &ACTIONS, NIK, &device().public_key());
    }

    #[test]
    fn rgba_frames_of_any_size_are_converted_or_refused(
        width in 0u32..800,
        height in 0u32..600,
        extra in -8i64..8,
        value in any::<u8>(),
    ) {
        let len = (i64::from(width) * i64::from(height) * 4 + extra).max(0) as usize;
        let rgba = vec![value; len];
        match GrayFrame::from_rgba(width, height, &rgba) {
            Ok(frame) => {
                prop_assert!((64..=640).contains(&width) && (64..=480).contains(&height));
                prop_assert_eq!(extra, 0);
                prop_assert_eq!(frame.pixels().len(), width as usize * height as usize);
                prop_assert_eq!((frame.width(), frame.height()), (width, height));
            }
            Err(_) => prop_assert!(
                !(64..=640).contains(&width) || !(64..=480).contains(&height) || extra != 0
            ),
        }
    }
}

/// The good evidence's frames, computed once for the property tests.
fn good_frames() -> &'static [(u32, Vec<u8>, Face)] {
    static FRAMES: OnceLock<Vec<(u32, Vec<u8>, Face)>> = OnceLock::new();
    FRAMES.get_or_init(|| parts(&good_evidence()))
}

proptest! {
    // Each case analyses a frame of up to 640×480: a few cases.
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn frames_of_every_accepted_size_are_analysed_without_panic(
        width in 64u32..=640,
        height in 64u32..=480,
        seed in any::<u64>(),
    ) {
        // Noise with a bright square, converted from RGBA as the app sends it.
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (w, h) = (width as usize, height as usize);
        let mut rgba = Vec::with_capacity(w * h * 4);
        for y in 0..h {
            for x in 0..w {
                let square = x > w / 4 && x < w / 2 && y > h / 4 && y < h / 2;
                let v = if square { 220 } else { (next() % 200) as u8 };
                rgba.extend_from_slice(&[v, v, v, 255]);
            }
        }
        let frame = GrayFrame::from_rgba(width, height, &rgba).expect("accepted size");
        let report = FaceDetector::default().analyze(&frame);
        prop_assert!(report.issue.is_some() || report.face.is_some());
        // Through JPEG as the evidence carries it.
        let back = GrayFrame::from_jpeg(&frame.to_jpeg(85)).expect("decodes");
        prop_assert_eq!((back.width(), back.height()), (width, height));
    }
}

#[test]
fn key_frames_are_deterministic_for_a_seed() {
    let a = key_frames(&ACTIONS, 5);
    let b = key_frames(&ACTIONS, 5);
    assert_eq!(a, b);
    assert_ne!(a, key_frames(&ACTIONS, 6));
}

/// A seed whose key frames are not followed (the jump to "closer" is seen as "back"): the
/// evidence helper of the tests must try the next face, not fail the test that needed it (this
/// made the server tests fail about once in 300 challenges).
#[test]
fn evidence_helpers_take_the_next_face_when_one_is_not_followed() {
    let actions = [MoveRight, MoveCloser, MoveBack];
    let seed = 16u64.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let capture = follow(&actions, &key_frames(&actions, seed));
    assert!(
        matches!(capture.phase(), Phase::Failed(_)),
        "{:?}",
        capture.phase()
    );

    let frames = completing_key_frames(&actions, seed).expect("another face is followed");
    assert_ne!(frames, key_frames(&actions, seed));
    assert_eq!(follow(&actions, &frames).phase(), &Phase::Done);
    assert_eq!(
        Some(frames),
        completing_key_frames(&actions, seed),
        "deterministic"
    );
}

/// The perceptual replay check on the key frames the server hashes (the app's JPEG, decoded): a
/// selfie encoded again at another quality is a replay of itself; selfies of other seeds (their
/// own room and start pose) are not a replay of it.
#[test]
fn a_selfie_encoded_again_is_a_replay_and_other_selfies_are_not() {
    use ikd_liveness::{JPEG_QUALITY, PerceptualHash, is_replay, synthetic::selfie_key_frames};
    let hashes = |seed: u64, quality: u8| -> Vec<PerceptualHash> {
        selfie_key_frames(&ACTIONS, seed)
            .iter()
            .map(|(_, f)| {
                let sent = GrayFrame::from_jpeg(&f.to_jpeg(JPEG_QUALITY)).expect("jpeg");
                let again = GrayFrame::from_jpeg(&sent.to_jpeg(quality)).expect("jpeg");
                PerceptualHash::of(&again)
            })
            .collect()
    };
    let matching = |new: &[PerceptualHash], stored: &[PerceptualHash]| {
        new.iter()
            .filter(|n| stored.iter().any(|s| n.same_picture(s)))
            .count()
    };
    let stored = hashes(1, 95);
    for quality in [60, 75, 90] {
        let replayed = hashes(1, quality);
        assert!(
            is_replay(matching(&replayed, &stored), replayed.len()),
            "quality {quality}"
        );
    }
    for seed in 2..12 {
        let other = hashes(seed, 95);
        assert!(
            !is_replay(matching(&other, &stored), other.len()),
            "seed {seed}"
        );
    }
}
