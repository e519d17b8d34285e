//! `siak-mock`: the mock central SIAK server's command line.
//!
//! Each subcommand group lives in `commands/`; this file only parses and dispatches, so the HTTP
//! layer adds `serve` as one more variant and one more match arm.

mod commands;

use clap::{Parser, Subcommand};

/// The mock central SIAK (population register) of the IKD resident app.
#[derive(Debug, Parser)]
#[command(name = "siak-mock", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate, inspect and sample the synthetic population register.
    #[command(subcommand)]
    Population(commands::population::PopulationCommand),
    /// Show or rotate the issuer signing keys.
    #[command(subcommand)]
    Keys(commands::keys::KeysCommand),
    /// Serve the HTTP API, the operator console and the issuer keys.
    Serve(Box<commands::serve::ServeArgs>),
    /// Print the newest mails of the local outbox as JSON lines, or (`--code`) the newest
    /// activation code (kept only by a server started with --dev).
    Outbox(commands::outbox::OutboxArgs),
    /// Add operators, change their passwords, list them (deployment mode needs one).
    #[command(subcommand)]
    Operator(commands::operator::OperatorCommand),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Population(command) => commands::population::run(command),
        Command::Serve(args) => commands::serve::run(*args),
        Command::Keys(command) => commands::keys::run(command),
        Command::Outbox(args) => commands::outbox::run(args),
        Command::Operator(command) => commands::operator::run(command),
    }
}
