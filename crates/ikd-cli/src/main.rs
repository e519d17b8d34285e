//! `ikd`: command-line tools for verifiers and operators of the Digital KTP (IKD).
//!
//! * `ikd nik NIK… | -`: checks NIKs, one JSON object per line.
//! * `ikd demo-qr --profile P [--svg FILE]`: a throw-away issuer and device, one presentation.
//! * `ikd verify --keys FILE|URL [TEXT | - | --image FILE]`: offline verification of a QR.
//! * `ikd liveness check --actions A,B --frames FILE`: the app's liveness analysis on recorded
//!   frames; `ikd liveness y4m` (feature `synthetic`) writes a synthetic live-face video.
//!
//! Output is JSON on stdout so scripts and tests can rely on it; the field names are part of the
//! interface. Every rule lives in `ikd-core`; this crate only reads input and prints.

mod demo;
mod liveness;
mod nik;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "ikd",
    version,
    about = "Digital KTP (IKD) tools: NIK checks, QR demo, offline verification"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check NIKs: one JSON object per line per NIK. Exit 0 even when some are invalid.
    Nik(nik::Args),
    /// Make a throw-away issuer and device key and print one presentation with its key set.
    DemoQr(demo::Args),
    /// Verify a Digital KTP presentation offline against an issuer key set.
    Verify(verify::Args),
    /// Liveness: check recorded camera frames against a challenge's actions.
    Liveness(liveness::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Nik(args) => nik::run(args),
        Command::DemoQr(args) => demo::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Liveness(args) => liveness::run(args),
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`ikd nik - | head`) is the reader saying it has enough.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ikd: {e:#}");
            ExitCode::from(2)
        }
    }
}
