//! `siak-mock population …`: generate the register, and find residents for each test case.
//!
//! Output is JSON, one object per line, so scripts and testers can pipe it; progress and notes go
//! to stderr.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use chrono::{Local, NaiveDate};
use clap::{Args, Subcommand};
use serde_json::json;
use siak_mock::population::{DEFAULT_COUNT, DEFAULT_REFERENCE_DATE, DEFAULT_SEED};
use siak_mock::{PopulationSpec, SampleReason, Store};

/// Default database path (also read from `SIAK_MOCK_DB`).
const DEFAULT_DB: &str = "siak-mock.db";

/// `population` subcommands.
#[derive(Debug, Subcommand)]
pub enum PopulationCommand {
    /// Create a register with a synthetic population (refuses to overwrite an existing one).
    Generate(GenerateArgs),
    /// Print residents whose registration should end in REASON, as JSON lines.
    Sample(SampleArgs),
    /// Print how many residents fall in each outcome, and what the population was made from.
    Stats(StatsArgs),
}

/// Where the register lives.
#[derive(Debug, Args)]
pub struct DbArg {
    /// SQLite database file; created (with the default population) when missing.
    #[arg(long, env = "SIAK_MOCK_DB", default_value = DEFAULT_DB)]
    db: PathBuf,
}

/// Arguments of `population generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    db: DbArg,
    /// Seed of the generator: the same seed, count and reference date give the same residents.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Number of residents.
    #[arg(long, default_value_t = DEFAULT_COUNT)]
    count: u32,
    /// The "today" ages and marital statuses refer to (YYYY-MM-DD).
    #[arg(long, default_value_t = DEFAULT_REFERENCE_DATE)]
    reference_date: NaiveDate,
}

/// Arguments of `population sample`.
#[derive(Debug, Args)]
pub struct SampleArgs {
    #[command(flatten)]
    db: DbArg,
    /// eligible, under_17_unmarried, ktp_el_not_recorded, duplicate_identity,
    /// deceased_or_inactive or married_minor.
    #[arg(long, value_parser = parse_reason)]
    reason: SampleReason,
    /// At most this many residents.
    #[arg(long, default_value_t = 5)]
    limit: u32,
    /// Only in this regency (4 digits PPRR, e.g. 3574 for Kota Probolinggo).
    #[arg(long)]
    regency: Option<u16>,
    /// The date of the registration (YYYY-MM-DD); defaults to today on this machine.
    #[arg(long)]
    today: Option<NaiveDate>,
}

/// Arguments of `population stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    db: DbArg,
    /// The date outcomes are computed for (YYYY-MM-DD); defaults to today on this machine.
    #[arg(long)]
    today: Option<NaiveDate>,
}

fn parse_reason(text: &str) -> Result<SampleReason, String> {
    SampleReason::from_text(text).ok_or_else(|| {
        let all: Vec<&str> = SampleReason::ALL.iter().map(|r| r.as_str()).collect();
        format!(
            "unknown reason {text:?}; expected one of: {}",
            all.join(", ")
        )
    })
}

/// Runs a `population` subcommand.
pub fn run(command: PopulationCommand) -> anyhow::Result<()> {
    match command {
        PopulationCommand::Generate(args) => generate(args),
        PopulationCommand::Sample(args) => sample(args),
        PopulationCommand::Stats(args) => stats(args),
    }
}

fn open(path: &Path) -> anyhow::Result<Store> {
    if !path.exists() {
        eprintln!(
            "{} does not exist: creating it with the default population",
            path.display()
        );
    }
    Store::open(path).with_context(|| format!("opening {}", path.display()))
}

fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    let path = &args.db.db;
    let spec = PopulationSpec {
        seed: args.seed,
        count: args.count,
        reference_date: args.reference_date,
    };
    let started = Instant::now();
    let mut store =
        Store::open_unpopulated(path).with_context(|| format!("opening {}", path.display()))?;
    let info = store
        .populate(spec)
        .with_context(|| format!("generating the population into {}", path.display()))?;
    let line = json!({
        "db": path.display().to_string(),
        "seed": info.spec.seed,
        "residents": info.spec.count,
        "families": info.families,
        "reference_date": info.spec.reference_date,
        "elapsed_ms": started.elapsed().as_millis() as u64,
    });
    println!("{line}");
    Ok(())
}

fn sample(args: SampleArgs) -> anyhow::Result<()> {
    let store = open(&args.db.db)?;
    let today = args.today.unwrap_or_else(|| Local::now().date_naive());
    let samples = store.sample(args.reason, today, args.limit, args.regency)?;
    if samples.is_empty() {
        eprintln!("no resident found for {}", args.reason);
    }
    for sample in samples {
        println!("{}", serde_json::to_string(&sample)?);
    }
    Ok(())
}

fn stats(args: StatsArgs) -> anyhow::Result<()> {
    let store = open(&args.db.db)?;
    let today = args.today.unwrap_or_else(|| Local::now().date_naive());
    let info = store.population()?;
    let counts: serde_json::Map<String, serde_json::Value> = store
        .count_by_reason(today)?
        .into_iter()
        .map(|(reason, count)| (reason.as_str().to_string(), count.into()))
        .collect();
    println!(
        "{}",
        json!({ "population": info, "today": today, "outcomes": counts })
    );
    Ok(())
}
