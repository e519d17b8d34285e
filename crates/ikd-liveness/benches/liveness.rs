//! Criterion benchmarks of the liveness check's per-frame path on the device (the app sends
//! 8–10 frames a second, each analysed as it arrives) and of the server's re-check, beside the
//! detector's own parts measured in the same run (model clone, detection with a detector kept
//! between calls) so that the share of each is visible.
//!
//! `cargo bench -p ikd-liveness --features synthetic --bench liveness`

use std::hint::black_box;
use std::io::Cursor;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ikd_core::credential::DeviceSigningKey;
use ikd_liveness::synthetic::{Kind, Sequence, key_frames};
use ikd_liveness::{
    Action, Capture, FaceDetector, GrayFrame, JPEG_QUALITY, Phase, Rules, verify_evidence,
};

const NIK: &str = "3574015708950002";
const CHALLENGE_ID: &str = "0123456789abcdef0123456789abcdef";

/// A 320×240 frame with one centred face (the baseline of a synthetic capture).
fn face_frame() -> GrayFrame {
    key_frames(&[Action::MoveLeft, Action::MoveBack], 7)
        .swap_remove(0)
        .1
}

/// A 320×240 frame of the empty room.
fn empty_frame() -> GrayFrame {
    Sequence::new(Kind::NoFace, &[Action::MoveLeft, Action::MoveBack], 7).frame_at(0)
}

/// `frame` at twice its size (nearest neighbour).
fn upscale2(frame: &GrayFrame) -> GrayFrame {
    let (w, h) = (frame.width() as usize, frame.height() as usize);
    let pixels = (0..h * 2)
        .flat_map(|y| (0..w * 2).map(move |x| (x, y)))
        .map(|(x, y)| frame.pixels()[(y / 2) * w + x / 2])
        .collect();
    GrayFrame::new(frame.width() * 2, frame.height() * 2, pixels).expect("640×480")
}

fn per_frame(c: &mut Criterion) {
    let detector = FaceDetector::default();
    let face = face_frame();
    let empty = empty_frame();
    assert!(detector.analyze(&face).good_face().is_some());
    assert!(detector.analyze(&empty).face.is_none());

    let mut g = c.benchmark_group("liveness");
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("analyze_320x240_face", |b| {
        b.iter(|| detector.analyze(black_box(&face)))
    });
    g.bench_function("analyze_320x240_no_face", |b| {
        b.iter(|| detector.analyze(black_box(&empty)))
    });
    // The largest frame evidence may carry (the server's worst case per frame).
    let big = upscale2(&face);
    assert!(detector.analyze(&big).good_face().is_some());
    g.bench_function("analyze_640x480_face", |b| {
        b.iter(|| detector.analyze(black_box(&big)))
    });
    // What-if, not the production setting: rustface's default pyramid step (fewer levels).
    let coarser = FaceDetector {
        pyramid_scale: 0.8,
        ..FaceDetector::default()
    };
    g.bench_function("analyze_320x240_face_pyramid_0.8_what_if", |b| {
        b.iter(|| coarser.analyze(black_box(&face)))
    });

    let rgba: Vec<u8> = face
        .pixels()
        .iter()
        .flat_map(|&p| [p, p.wrapping_add(10), p.wrapping_sub(10), 255])
        .collect();
    g.bench_function("gray_from_rgba_320x240", |b| {
        b.iter(|| GrayFrame::from_rgba(320, 240, black_box(&rgba)))
    });

    g.bench_function("jpeg_encode_decode_320x240_q85", |b| {
        b.iter(|| {
            let jpeg = black_box(&face).to_jpeg(JPEG_QUALITY);
            GrayFrame::from_jpeg(&jpeg)
        })
    });

    // A capture past its baseline, waiting for `move_left`: the centred face again moves
    // nothing, so `push` is one analysis and a tracker step (no JPEG).
    let mut capture = Capture::new(
        vec![Action::MoveLeft, Action::MoveBack],
        FaceDetector::default(),
        Rules::default(),
    );
    capture.push(0, &face);
    assert_eq!(capture.phase(), &Phase::Act { step: 0 });
    g.bench_function("capture_push_non_key_frame", |b| {
        b.iter_batched_ref(
            || capture.clone(),
            |c| c.push(125, black_box(&face)),
            BatchSize::SmallInput,
        )
    });

    // The server's re-check of a 3-action challenge (6 key frames: 6 JPEG decodes, 6 analyses,
    // one signature).
    let device = DeviceSigningKey::from_seed(&[3; 32]);
    let actions = [Action::MoveLeft, Action::MoveCloser, Action::MoveBack];
    let evidence = ikd_liveness::synthetic::evidence_for(&actions, &device, NIK, CHALLENGE_ID)
        .expect("the synthetic face completes the challenge");
    let public = device.public_key();
    let rules = Rules::default();
    assert!(verify_evidence(&evidence, &actions, NIK, &public, &detector, &rules).is_ok());
    g.sample_size(20);
    g.bench_function("verify_evidence_3_actions", |b| {
        b.iter(|| {
            verify_evidence(
                black_box(&evidence),
                &actions,
                NIK,
                &public,
                &detector,
                &rules,
            )
        })
    });
    g.finish();
}

/// The detector's parts: what `FaceDetector::detect` would cost if it built a detector from a
/// clone of the model on every call, against a detector built once.
fn detector_parts(c: &mut Criterion) {
    static MODEL_BYTES: &[u8] = include_bytes!("../assets/seeta_fd_frontal_v1.0.bin");
    let model = rustface::read_model(Cursor::new(MODEL_BYTES)).expect("model");
    let face = face_frame();
    let configure = |d: &mut Box<dyn rustface::Detector>| {
        d.set_min_face_size(40);
        d.set_score_thresh(2.0);
        d.set_pyramid_scale_factor(0.85);
        d.set_slide_window_step(4, 4);
    };

    let mut g = c.benchmark_group("liveness/detector");
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("model_clone", |b| b.iter(|| black_box(&model).clone()));
    g.bench_function("create_from_cloned_model", |b| {
        b.iter(|| rustface::create_detector_with_model(black_box(&model).clone()))
    });
    g.bench_function("detect_new_detector_per_call", |b| {
        b.iter(|| {
            let mut d = rustface::create_detector_with_model(model.clone());
            configure(&mut d);
            d.detect(&rustface::ImageData::new(face.pixels(), 320, 240))
        })
    });
    let mut kept = rustface::create_detector_with_model(model.clone());
    configure(&mut kept);
    g.bench_function("detect_kept_detector", |b| {
        b.iter(|| {
            configure(&mut kept);
            kept.detect(&rustface::ImageData::new(
                black_box(face.pixels()),
                320,
                240,
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, per_frame, detector_parts);
criterion_main!(benches);
