//! Measures the perceptual replay check (`ikd_liveness::PerceptualHash`) on synthetic selfies.
//!
//! Honest selfies: `--selfies N` of them from different seeds, each the key frames of
//! `synthetic::selfie_key_frames` for a random challenge (its own room, start pose, lighting and
//! noise), each frame encoded as the app's JPEG and decoded, as the server hashes it. For every
//! threshold it counts the honest selfies that would be refused as replays when submitted one
//! after another (a key frame within the threshold of a key frame of an earlier selfie).
//!
//! Replays: every key frame of the first `--attacked M` selfies, changed the way a replayer would
//! make new bytes of the same picture (JPEG quality 60–95, scaled by 2–3 %, shifted by 1–4
//! pixels), against the stored frame's hash: the distances and how many are caught.
//!
//! The key frames are those the app's capture keeps for these sequences (one frame per pose), so
//! no face detection runs here; `--margin` changes the hash's margin.
//!
//! ```sh
//! cargo run -p ikd-liveness --features synthetic --example replay_eval -- --selfies 200 --seed 7
//! ```

use ikd_liveness::synthetic::selfie_key_frames;
use ikd_liveness::{
    GrayFrame, JPEG_QUALITY, MAX_ACTIONS, PHASH_MARGIN, PerceptualHash, challenge_actions,
};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn margin() -> u32 {
    arg("--margin", u64::from(PHASH_MARGIN)) as u32
}

fn hash(frame: &GrayFrame) -> PerceptualHash {
    PerceptualHash::of_region(frame, (0, 0, frame.width(), frame.height()), margin())
}

/// A frame as the server sees it: the app's JPEG, decoded.
fn as_sent(frame: &GrayFrame, quality: u8) -> GrayFrame {
    GrayFrame::from_jpeg(&frame.to_jpeg(quality)).expect("own JPEG")
}

/// The key frames of one honest selfie, as sent.
fn honest(seed: u64) -> Vec<GrayFrame> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut bytes = [0u8; MAX_ACTIONS + 1];
    rng.fill_bytes(&mut bytes);
    let actions = challenge_actions(&bytes);
    selfie_key_frames(&actions, rng.next_u64())
        .iter()
        .map(|(_, f)| as_sent(f, JPEG_QUALITY))
        .collect()
}

/// `frame` scaled by `scale` about its centre and shifted by `dx`, `dy` (bilinear, edges
/// repeated), then encoded at `quality` and decoded.
fn transformed(frame: &GrayFrame, scale: f32, dx: f32, dy: f32, quality: u8) -> GrayFrame {
    let (w, h) = (frame.width() as usize, frame.height() as usize);
    let src = frame.pixels();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let at = |x: usize, y: usize| f32::from(src[y.min(h - 1) * w + x.min(w - 1)]);
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let sx = ((x as f32 - cx - dx) / scale + cx).clamp(0.0, (w - 1) as f32);
            let sy = ((y as f32 - cy - dy) / scale + cy).clamp(0.0, (h - 1) as f32);
            let (xi, yi) = (sx as usize, sy as usize);
            let (fx, fy) = (sx - xi as f32, sy - yi as f32);
            let v = at(xi, yi) * (1.0 - fx) * (1.0 - fy)
                + at(xi + 1, yi) * fx * (1.0 - fy)
                + at(xi, yi + 1) * (1.0 - fx) * fy
                + at(xi + 1, yi + 1) * fx * fy;
            out.push(v.round().clamp(0.0, 255.0) as u8);
        }
    }
    as_sent(
        &GrayFrame::new(w as u32, h as u32, out).expect("same size"),
        quality,
    )
}

/// The replayer's changes: (name, scale, dx, dy, quality).
const CHANGES: &[(&str, f32, f32, f32, u8)] = &[
    ("re-encoded, quality 95", 1.0, 0.0, 0.0, 95),
    ("re-encoded, quality 75", 1.0, 0.0, 0.0, 75),
    ("re-encoded, quality 60", 1.0, 0.0, 0.0, 60),
    ("scaled ×1.02, quality 85", 1.02, 0.0, 0.0, 85),
    ("scaled ×0.97, quality 85", 0.97, 0.0, 0.0, 85),
    (
        "shifted 1 px right, 1 px down, quality 85",
        1.0,
        1.0,
        1.0,
        85,
    ),
    ("shifted 2 px left, quality 85", 1.0, -2.0, 0.0, 85),
    ("shifted 3 px down, quality 85", 1.0, 0.0, 3.0, 85),
    ("shifted 4 px right, quality 85", 1.0, 4.0, 0.0, 85),
    (
        "scaled ×1.03, shifted 2 px, quality 70",
        1.03,
        2.0,
        -2.0,
        70,
    ),
];

fn main() {
    let n = arg("--selfies", 200);
    let attacked = arg("--attacked", 40) as usize;
    let seed = arg("--seed", 7);
    let selfies: Vec<Vec<PerceptualHash>> = (0..n)
        .map(|i| honest(seed.wrapping_mul(1_000_003).wrapping_add(i)))
        .map(|frames| frames.iter().map(hash).collect())
        .collect();
    let frames: usize = selfies.iter().map(Vec::len).sum();
    println!(
        "{n} honest selfies, {frames} key frames; margin {} grey levels.\n",
        margin()
    );

    // Each honest selfie against every earlier one: how many of its key frames match a key frame
    // of that earlier selfie, at most, for each threshold.
    let thresholds: Vec<u32> = (0..=32).step_by(2).collect();
    let matched = |frames: &[PerceptualHash], earlier: &[PerceptualHash], t: u32| {
        frames
            .iter()
            .filter(|f| earlier.iter().any(|e| f.distance(e) <= t))
            .count()
    };
    // A selfie is refused when at least half its key frames (and two) match one stored selfie.
    let refused = ikd_liveness::is_replay;
    let mut rows_honest = Vec::new();
    let mut single = Vec::new();
    for &t in &thresholds {
        let mut by_selfie = 0;
        let mut by_frame = 0;
        for i in 0..selfies.len() {
            let best = selfies[..i]
                .iter()
                .map(|e| matched(&selfies[i], e, t))
                .max()
                .unwrap_or(0);
            by_selfie += usize::from(refused(best, selfies[i].len()));
            by_frame += usize::from(best >= 1);
        }
        rows_honest.push(by_selfie);
        single.push(by_frame);
    }

    let attacked = attacked.min(selfies.len());
    let originals: Vec<Vec<GrayFrame>> = (0..attacked as u64)
        .map(|i| honest(seed.wrapping_mul(1_000_003).wrapping_add(i)))
        .collect();
    let mut rows = Vec::new();
    for (name, scale, dx, dy, quality) in CHANGES {
        let replays: Vec<Vec<PerceptualHash>> = originals
            .iter()
            .map(|frames| {
                frames
                    .iter()
                    .map(|f| hash(&transformed(f, *scale, *dx, *dy, *quality)))
                    .collect()
            })
            .collect();
        let distances: Vec<u32> = replays
            .iter()
            .zip(&selfies)
            .flat_map(|(r, o)| r.iter().zip(o).map(|(a, b)| a.distance(b)))
            .collect();
        let caught: Vec<usize> = thresholds
            .iter()
            .map(|&t| {
                replays
                    .iter()
                    .zip(&selfies)
                    .filter(|(r, o)| refused(matched(r, o, t), r.len()))
                    .count()
            })
            .collect();
        rows.push((*name, distances, caught));
    }
    println!(
        "| threshold (differences of 256) | honest selfies with a frame matching an earlier selfie's | honest selfies refused (half their frames match one earlier selfie) | replayed selfies refused, per change ({attacked} each) |"
    );
    println!("|---|---|---|---|");
    for (k, t) in thresholds.iter().enumerate() {
        let caught: Vec<String> = rows.iter().map(|r| r.2[k].to_string()).collect();
        println!(
            "| {t} | {}/{n} | {}/{n} | {} |",
            single[k],
            rows_honest[k],
            caught.join(" · ")
        );
    }
    println!(
        "\n| change (every key frame of {attacked} selfies) | differences to the stored frame: mean / max |"
    );
    println!("|---|---|");
    for (name, d, _) in &rows {
        let mean = d.iter().sum::<u32>() as f64 / d.len().max(1) as f64;
        println!(
            "| {name} | {mean:.1} / {} |",
            d.iter().max().copied().unwrap_or(0)
        );
    }
}
