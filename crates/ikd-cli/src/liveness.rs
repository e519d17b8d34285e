//! `ikd liveness`: run the app's liveness analysis on recorded frames (`check`), and, with the
//! `synthetic` feature, write a synthetic live-face video for a fake camera (`y4m`).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args as ClapArgs, Subcommand};
use ikd_liveness::{Action, Capture, FaceDetector, GrayFrame, Phase, Rules};

#[derive(ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    command: LivenessCommand,
}

#[derive(Subcommand)]
enum LivenessCommand {
    /// Run the analysis and the action tracker on recorded frames, as the app does. Exit 0 when
    /// every action was seen in order, 1 otherwise.
    Check {
        /// The actions asked, in order, comma-separated (move_left, move_right, move_closer,
        /// move_back).
        #[arg(long, value_delimiter = ',', value_parser = parse_action)]
        actions: Vec<Action>,
        /// Frames: repeated records of `t_ms`, `width`, `height` (u32 little-endian) followed by
        /// width × height × 4 RGBA bytes; `-` for stdin.
        #[arg(long)]
        frames: PathBuf,
    },
    /// Write a 320×240, 8 frames/s Y4M (C420) video of a synthetic live face making `actions`
    /// (Chromium's `--use-file-for-fake-video-capture`). It starts and ends in the middle.
    #[cfg(feature = "synthetic")]
    Y4m {
        /// The actions, in order, comma-separated.
        #[arg(long, value_delimiter = ',', value_parser = parse_action)]
        actions: Vec<Action>,
        /// Seed of the synthetic face's look and timing.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
    },
}

fn parse_action(code: &str) -> Result<Action, String> {
    Action::from_code(code).ok_or_else(|| {
        format!("unknown action {code:?}: use move_left, move_right, move_closer or move_back")
    })
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        LivenessCommand::Check { actions, frames } => check(actions, frames),
        #[cfg(feature = "synthetic")]
        LivenessCommand::Y4m { actions, seed, out } => y4m(&actions, seed, &out),
    }
}

fn check(actions: Vec<Action>, path: PathBuf) -> anyhow::Result<ExitCode> {
    if actions.is_empty() {
        bail!("--actions needs at least one action");
    }
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut bytes)?;
    } else {
        bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    }
    let mut capture = Capture::new(actions, FaceDetector::default(), Rules::default());
    let (mut rest, mut count) = (bytes.as_slice(), 0usize);
    while !rest.is_empty() {
        if rest.len() < 12 {
            bail!("frame record {count} is cut short (a header needs 12 bytes)");
        }
        let word = |i: usize| u32::from_le_bytes([rest[i], rest[i + 1], rest[i + 2], rest[i + 3]]);
        let (t, w, h) = (word(0), word(4), word(8));
        let len = (w as usize)
            .checked_mul(h as usize)
            .and_then(|n| n.checked_mul(4))
            .filter(|&n| rest.len() >= 12 + n)
            .with_context(|| format!("frame record {count} ({w}×{h}) is cut short"))?;
        let frame = GrayFrame::from_rgba(w, h, &rest[12..12 + len])
            .map_err(|e| anyhow::anyhow!("frame record {count}: {e}"))?;
        capture.push(t, &frame);
        rest = &rest[12 + len..];
        count += 1;
        if capture.tracker().finished() {
            break;
        }
    }
    let mut out = std::io::stdout().lock();
    match capture.phase() {
        Phase::Done => {
            writeln!(
                out,
                "passed: {} actions in {} ms, {} key frames, {count} frames read",
                capture.tracker().actions().len(),
                capture.tracker().elapsed_ms(),
                capture.key_frames().len()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Phase::Failed(failure) => {
            writeln!(out, "failed: {}", ikd_core::Localized::code(failure))?;
            Ok(ExitCode::from(1))
        }
        phase => {
            writeln!(
                out,
                "failed: unfinished ({} of {} actions seen, phase {phase:?}, {count} frames read)",
                capture.tracker().completed(),
                capture.tracker().actions().len()
            )?;
            Ok(ExitCode::from(1))
        }
    }
}

#[cfg(feature = "synthetic")]
fn y4m(actions: &[Action], seed: u64, out: &std::path::Path) -> anyhow::Result<ExitCode> {
    use ikd_liveness::synthetic::{Kind, Sequence};
    use ikd_liveness::{FRAME_HEIGHT, FRAME_WIDTH};
    if actions.is_empty() {
        bail!("--actions needs at least one action");
    }
    let mut seq = Sequence::new(Kind::BonaFide, actions, seed);
    let end = seq.duration_ms();
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?,
    );
    writeln!(
        file,
        "YUV4MPEG2 W{FRAME_WIDTH} H{FRAME_HEIGHT} F8:1 Ip A1:1 C420jpeg"
    )?;
    let chroma = vec![128u8; (FRAME_WIDTH * FRAME_HEIGHT / 4) as usize];
    let mut t = 0;
    while t <= end {
        let frame = seq.frame_at(t);
        file.write_all(b"FRAME\n")?;
        file.write_all(frame.pixels())?;
        file.write_all(&chroma)?;
        file.write_all(&chroma)?;
        t += 125;
    }
    file.flush()?;
    Ok(ExitCode::SUCCESS)
}
