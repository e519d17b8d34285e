//! The liveness check measured the ISO/IEC 30107-3 way over a synthetic test set.
//!
//! For each of N challenges drawn from a seeded generator, one sequence per kind (bona fide and
//! every attack type of `ikd_liveness::synthetic::Kind`) goes through the whole pipeline:
//! `Capture::push` on every frame until the capture is over, the signed evidence (when the
//! capture is done) and the server's `verify_evidence` with the device's public key. It prints
//! BPCER (bona fide presentations refused) and APCER per attack type (attack presentations
//! accepted) with counts and exact 95 % Clopper-Pearson intervals, the failure codes that refused
//! each kind, and the per-frame cost of `FaceDetector::analyze` in this run, as Markdown.
//!
//! ```sh
//! cargo build --release -p ikd-liveness --features synthetic --example liveness_eval
//! target/release/examples/liveness_eval --challenges 40 --seed 1
//! target/release/examples/liveness_eval --challenges 40 --seed 1 --every 3   # ~2.7 frames/s
//! target/release/examples/liveness_eval --kind bona_fide --every 2            # one kind only
//! ```
//!
//! Bona fide presentations refused and attack presentations accepted are listed with their
//! challenge and sequence seed, so that each can be replayed and looked at.
//!
//! Synthetic sequences are not presentation attack instruments: this measures the method's
//! logic, not its resistance to real attacks (see `docs/liveness.md`).

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ikd_core::Localized;
use ikd_core::credential::DeviceSigningKey;
use ikd_liveness::synthetic::{FRAME_MS, Kind, Sequence};
use ikd_liveness::{
    Action, Capture, FaceDetector, MAX_ACTIONS, Phase, Rules, challenge_actions, verify_evidence,
};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

const NIK: &str = "3574015708950002";

struct Args {
    challenges: usize,
    seed: u64,
    /// Send only every `every`-th camera frame (a phone that analyses fewer frames a second).
    every: usize,
    /// Only this kind (the sequences stay those of the full run).
    kind: Option<Kind>,
}

/// Short name of a kind on the command line.
fn kind_code(kind: Kind) -> &'static str {
    match kind {
        Kind::BonaFide => "bona_fide",
        Kind::StaticPhoto => "static_photo",
        Kind::Replay => "replay",
        Kind::WrongOrder => "wrong_order",
        Kind::NoFace => "no_face",
        Kind::TwoFaces => "two_faces",
        Kind::PrintedPhotoMoved => "printed_photo_moved",
    }
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        challenges: 40,
        seed: 1,
        every: 1,
        kind: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--challenges" => {
                args.challenges = value("--challenges")?
                    .parse()
                    .map_err(|e| format!("--challenges: {e}"))?;
            }
            "--seed" => {
                args.seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?;
            }
            "--every" => {
                args.every = value("--every")?
                    .parse()
                    .map_err(|e| format!("--every: {e}"))?;
            }
            "--kind" => {
                let code = value("--kind")?;
                args.kind = Some(
                    Kind::ALL
                        .into_iter()
                        .find(|k| kind_code(*k) == code)
                        .ok_or_else(|| format!("--kind: one of {}", kind_codes()))?,
                );
            }
            "-h" | "--help" => {
                return Err(format!(
                    "usage: liveness_eval [--challenges N (40)] [--seed S (1)] [--every K (1)] \
                         [--kind {}]",
                    kind_codes()
                ));
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.challenges == 0 || args.every == 0 {
        return Err("--challenges and --every must be at least 1".into());
    }
    Ok(args)
}

fn kind_codes() -> String {
    Kind::ALL.map(kind_code).join("|")
}

/// What happened to one presentation.
enum Outcome {
    Accepted,
    /// Refused, with the reason (a failure code, prefixed by where it was refused).
    Refused(String),
}

/// Per-kind tally.
#[derive(Default)]
struct Tally {
    total: usize,
    accepted: usize,
    reasons: BTreeMap<String, usize>,
    frames: usize,
    /// Attack presentations accepted, bona fide presentations refused: (challenge number,
    /// actions, sequence seed, reason), to reproduce them.
    errors: Vec<(usize, String, u64, String)>,
}

/// Frame timings of the run.
#[derive(Default)]
struct Timings {
    analyze: Vec<Duration>,
    push: Vec<Duration>,
    verify: Vec<Duration>,
    /// Size of the evidence as JSON, for every evidence made.
    evidence_bytes: Vec<usize>,
}

fn codes(actions: &[Action]) -> String {
    actions
        .iter()
        .map(|a| a.code())
        .collect::<Vec<_>>()
        .join(",")
}

fn phase_name(phase: &Phase) -> &'static str {
    match phase {
        Phase::Baseline => "baseline",
        Phase::Act { .. } => "act",
        Phase::Centre { .. } => "centre",
        Phase::Done => "done",
        Phase::Failed(_) => "failed",
    }
}

/// One challenge as the server issued it, and the device answering it.
struct Challenge {
    actions: Vec<Action>,
    id: String,
    device: DeviceSigningKey,
}

/// Runs one presentation through capture, evidence and the server's re-check; returns the
/// outcome and the number of frames the app analysed.
fn present(
    kind: Kind,
    seq_seed: u64,
    every: usize,
    challenge: &Challenge,
    detector: &FaceDetector,
    timings: &mut Timings,
) -> (Outcome, usize) {
    let mut capture = Capture::new(
        challenge.actions.clone(),
        detector.clone(),
        Rules::default(),
    );
    let mut frames = 0;
    let sequence = Sequence::new(kind, &challenge.actions, seq_seed).frames();
    for (t, frame) in sequence.into_iter().step_by(every) {
        // The measured analysis, on its own (the capture repeats it inside `push`).
        let start = Instant::now();
        std::hint::black_box(detector.analyze(&frame));
        timings.analyze.push(start.elapsed());

        let start = Instant::now();
        capture.push(t, &frame);
        timings.push.push(start.elapsed());
        frames += 1;
        if capture.tracker().finished() {
            break; // the app stops sending frames here
        }
    }
    let refused = |reason: String| (Outcome::Refused(reason), frames);
    match capture.phase() {
        Phase::Done => {}
        Phase::Failed(f) => return refused(format!("app: {}", f.code())),
        other => {
            return refused(format!(
                "app: still in {} when the sequence ends",
                phase_name(other)
            ));
        }
    }
    let Some(evidence) = capture.evidence(&challenge.device, NIK, &challenge.id) else {
        return refused("app: no evidence".into());
    };
    timings
        .evidence_bytes
        .push(serde_json::to_vec(&evidence).map_or(0, |v| v.len()));
    let start = Instant::now();
    let verdict = verify_evidence(
        &evidence,
        &challenge.actions,
        NIK,
        &challenge.device.public_key(),
        detector,
        &Rules::default(),
    );
    timings.verify.push(start.elapsed());
    match verdict {
        Ok(_) => (Outcome::Accepted, frames),
        Err(f) => refused(format!("server: {}", f.code())),
    }
}

fn ln_factorials(n: usize) -> Vec<f64> {
    let mut out = vec![0.0; n + 1];
    for i in 1..=n {
        out[i] = out[i - 1] + (i as f64).ln();
    }

    out
}

/// P(X ≤ k) for X ~ Binomial(n, p).
fn binom_cdf(k: usize, n: usize, p: f64, lf: &[f64]) -> f64 {
    if p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return if k >= n { 1.0 } else { 0.0 };
    }
    (0..=k.min(n))
        .map(|i| {
            let ln =
                lf[n] - lf[i] - lf[n - i] + i as f64 * p.ln() + (n - i) as f64 * (1.0 - p).ln();
            ln.exp()
        })
        .sum::<f64>()
        .min(1.0)
}

/// Bisection for the `p` where a monotone `f` crosses `target` (`f` increasing when `up`).
fn solve(f: impl Fn(f64) -> f64, target: f64, up: bool) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if (f(mid) < target) == up {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

/// Exact (Clopper-Pearson) two-sided 95 % interval for `k` successes in `n` trials.
fn clopper_pearson(k: usize, n: usize) -> (f64, f64) {
    let lf = ln_factorials(n);
    let alpha = 0.05;
    let lower = if k == 0 {
        0.0
    } else {
        // P(X ≥ k) = 1 − P(X ≤ k−1) rises with p.
        solve(|p| 1.0 - binom_cdf(k - 1, n, p, &lf), alpha / 2.0, true)
    };
    let upper = if k == n {
        1.0
    } else {
        // P(X ≤ k) falls with p.
        solve(|p| binom_cdf(k, n, p, &lf), alpha / 2.0, false)
    };
    (lower, upper)
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    // Nearest rank.
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn stats_row(name: &str, v: &mut [Duration]) -> String {
    v.sort();
    let mean = if v.is_empty() {
        Duration::ZERO
    } else {
        v.iter().sum::<Duration>() / v.len() as u32
    };
    format!(
        "| {name} | {} | {} | {} | {} | {} |",
        v.len(),
        ms(mean),
        ms(percentile(v, 0.50)),
        ms(percentile(v, 0.95)),
        ms(v.last().copied().unwrap_or_default()),
    )
}

fn pct(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let detector = FaceDetector::default();
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let mut tallies: BTreeMap<usize, Tally> = BTreeMap::new();
    let mut timings = Timings::default();
    let mut lengths = [0usize; MAX_ACTIONS + 1];

    for i in 0..args.challenges {
        let mut random = [0u8; MAX_ACTIONS + 1];
        rng.fill_bytes(&mut random);
        let actions = challenge_actions(&random);
        lengths[actions.len()] += 1;
        let mut id = [0u8; 16];
        rng.fill_bytes(&mut id);
        let challenge_id: String = id.iter().map(|b| format!("{b:02x}")).collect();
        let mut device_seed = [0u8; 32];
        rng.fill_bytes(&mut device_seed);
        let challenge = Challenge {
            actions,
            id: challenge_id,
            device: DeviceSigningKey::from_seed(&device_seed),
        };
        for (k, &kind) in Kind::ALL.iter().enumerate() {
            // Drawn for every kind, so that `--kind` runs the same sequences as the full run.
            let seq_seed = rng.next_u64();
            if args.kind.is_some_and(|only| only != kind) {
                continue;
            }
            let tally = tallies.entry(k).or_default();
            let (outcome, frames) = present(
                kind,
                seq_seed,
                args.every,
                &challenge,
                &detector,
                &mut timings,
            );
            tally.total += 1;
            tally.frames += frames;
            let actions = codes(&challenge.actions);
            match outcome {
                Outcome::Accepted => {
                    tally.accepted += 1;
                    if kind != Kind::BonaFide {
                        tally
                            .errors
                            .push((i + 1, actions, seq_seed, "accepted".into()));
                    }
                }
                Outcome::Refused(reason) => {
                    *tally.reasons.entry(reason.clone()).or_default() += 1;
                    if kind == Kind::BonaFide {
                        tally.errors.push((i + 1, actions, seq_seed, reason));
                    }
                }
            }
        }
        eprintln!(
            "challenge {}/{} ({}) done, {:.0} s",
            i + 1,
            args.challenges,
            codes(&challenge.actions),
            started.elapsed().as_secs_f64()
        );
    }

    println!(
        "## Liveness measurement: {} challenges, seed {}, every {} camera frame(s) (~{:.1} frames/s)\n",
        args.challenges,
        args.seed,
        args.every,
        1000.0 / (FRAME_MS as f64 * args.every as f64)
    );
    println!(
        "Challenges by length: {} of 2 actions, {} of 3, {} of 4. One sequence per kind per \
         challenge; every sequence through `Capture` → evidence → `verify_evidence`.\n",
        lengths[2], lengths[3], lengths[4]
    );
    println!(
        "| presentations | n | accepted | refused | error rate | 95 % CI (Clopper-Pearson) | mean frames sent |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (k, kind) in Kind::ALL.iter().enumerate() {
        let Some(t) = tallies.get(&k) else { continue };
        let refused = t.total - t.accepted;
        let (metric, errors) = if *kind == Kind::BonaFide {
            ("BPCER", refused)
        } else {
            ("APCER", t.accepted)
        };
        let (lo, hi) = clopper_pearson(errors, t.total);
        println!(
            "| {} | {} | {} | {} | {metric} = {errors}/{} = {} | {} – {} | {:.1} |",
            kind.name(),
            t.total,
            t.accepted,
            refused,
            t.total,
            pct(errors as f64 / t.total as f64),
            pct(lo),
            pct(hi),
            t.frames as f64 / t.total as f64,
        );
    }

    println!("\n### Why presentations were refused\n");
    println!("| presentations | refused by (count) |");
    println!("|---|---|");
    for (k, kind) in Kind::ALL.iter().enumerate() {
        let Some(t) = tallies.get(&k) else { continue };
        let reasons = if t.reasons.is_empty() {
            "—".to_owned()
        } else {
            t.reasons
                .iter()
                .map(|(r, n)| format!("`{r}` ({n})"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!("| {} | {reasons} |", kind.name());
    }

    let errors: Vec<String> = Kind::ALL
        .iter()
        .enumerate()
        .filter(|(_, kind)| **kind != Kind::PrintedPhotoMoved)
        .filter_map(|(k, kind)| tallies.get(&k).map(|t| (kind, t)))
        .flat_map(|(kind, t)| {
            t.errors.iter().map(move |(n, actions, seed, what)| {
                format!(
                    "- {}: challenge {n} ({actions}), sequence seed {seed}: {what}",
                    kind.name()
                )
            })
        })
        .collect();
    if !errors.is_empty() {
        println!(
            "\nBona fide presentations refused and attack presentations accepted, other than the \
             printed photo moved as asked (`Sequence::new(kind, actions, seed)` reproduces each):\n"
        );
        println!("{}", errors.join("\n"));
    }

    println!("\n### Cost in this run (release build, one thread)\n");
    println!("| what | n | mean | p50 | p95 | max |");
    println!("|---|---|---|---|---|---|");
    println!(
        "{}",
        stats_row(
            "`FaceDetector::analyze`, one 320×240 frame",
            &mut timings.analyze
        )
    );
    println!(
        "{}",
        stats_row(
            "`Capture::push` (analysis + tracker; key frames add JPEG encode, decode, re-analysis)",
            &mut timings.push
        )
    );
    println!(
        "{}",
        stats_row("`verify_evidence` (whole evidence)", &mut timings.verify)
    );
    let sizes = &timings.evidence_bytes;
    if !sizes.is_empty() {
        println!(
            "\nEvidence as JSON: {} made, mean {:.1} KB, largest {:.1} KB.",
            sizes.len(),
            sizes.iter().sum::<usize>() as f64 / sizes.len() as f64 / 1000.0,
            sizes.iter().max().copied().unwrap_or(0) as f64 / 1000.0
        );
    }
    println!("\nTotal run time {:.0} s.", started.elapsed().as_secs_f64());
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clopper_pearson_matches_known_values() {
        // 0 of 40: upper bound 1 − 0.025^(1/40) = 0.0881.
        let (lo, hi) = clopper_pearson(0, 40);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.0881).abs() < 1e-3, "{hi}");
        // 40 of 40 is symmetric.
        let (lo, hi) = clopper_pearson(40, 40);
        assert!((lo - 0.9119).abs() < 1e-3 && hi == 1.0);
        // 5 of 20: 0.0866 – 0.4910 (exact binomial interval, R's binom.test).
        let (lo, hi) = clopper_pearson(5, 20);
        assert!(
            (lo - 0.0866).abs() < 1e-3 && (hi - 0.4910).abs() < 1e-3,
            "{lo} {hi}"
        );
    }
}
