//! `siak-mock outbox`: read the local outbox of a database, newest mail first, as JSON lines, or
//! (`--code`) just the activation code of the newest activation mail, so scripts can activate an
//! account without SMTP. It only reads: it never creates a database or changes a mail. Only a
//! server started with `--dev` keeps mail bodies (and so codes); in deployment mode the outbox
//! holds recipient, subject, kind, NIK and time only.

use std::path::PathBuf;

use anyhow::{Context, bail};
use siak_mock::Store;
use siak_mock::store::outbox::{OutboxEntry, newest};

/// How far back `--code` looks for an activation mail.
const CODE_SEARCH_DEPTH: u32 = 10_000;

/// Options of `siak-mock outbox`.
#[derive(Debug, clap::Args)]
pub struct OutboxArgs {
    /// SQLite database the server writes (it must exist).
    #[arg(long, env = "SIAK_MOCK_DB", default_value = "siak-mock.db")]
    db: PathBuf,
    /// Only mail to this address.
    #[arg(long)]
    to: Option<String>,
    /// At most this many mails.
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// Print only the activation code of the newest activation mail.
    #[arg(long)]
    code: bool,
}

/// The code in an activation mail's body (the line `Kode aktivasi: …`).
pub fn activation_code(mail: &OutboxEntry) -> Option<&str> {
    if mail.kind != "activation_code" {
        return None;
    }
    mail.body
        .lines()
        .find_map(|line| line.strip_prefix("Kode aktivasi: "))
        .map(str::trim)
}

/// Runs `siak-mock outbox`.
pub fn run(args: OutboxArgs) -> anyhow::Result<()> {
    if !args.db.is_file() {
        bail!(
            "no database at {} (start `siak-mock serve --db {}` first)",
            args.db.display(),
            args.db.display()
        );
    }
    let store = Store::open_unpopulated(&args.db)
        .with_context(|| format!("opening database {}", args.db.display()))?;
    let limit = if args.code {
        CODE_SEARCH_DEPTH
    } else {
        args.limit
    };
    let mails =
        newest(store.connection(), args.to.as_deref(), limit).context("reading the outbox")?;
    if args.code {
        let Some(code) = mails.iter().find_map(activation_code) else {
            let withheld = mails
                .iter()
                .any(|m| m.kind == "activation_code" && m.body.is_empty());
            if withheld {
                bail!(
                    "the activation mail in the outbox has no body: the server runs in deployment mode, which keeps no codes (start it with --dev on 127.0.0.1 for development, or read the mail over SMTP)"
                );
            }
            match &args.to {
                Some(to) => bail!("no activation mail to {to} in the outbox"),
                None => bail!("no activation mail in the outbox"),
            }
        };
        println!("{code}");
        return Ok(());
    }
    for mail in &mails {
        println!("{}", serde_json::to_string(mail)?);
    }
    Ok(())
}
