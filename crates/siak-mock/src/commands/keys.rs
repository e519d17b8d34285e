//! `siak-mock keys`: show and rotate the issuer signing keys. Rotation keeps the previous keys
//! published so credentials issued before it verify until they expire; restart the server (or
//! start it after rotating) to sign with the new key.

use std::path::PathBuf;

use anyhow::Context;
use siak_mock::secrets::Secrets;

/// `siak-mock keys …`
#[derive(Debug, clap::Subcommand)]
pub enum KeysCommand {
    /// Print the published key set (JWKS), newest key first.
    Show(KeysArgs),
    /// Make a new signing key; the previous ones stay published.
    Rotate(KeysArgs),
}

/// Where the secrets file is.
#[derive(Debug, clap::Args)]
pub struct KeysArgs {
    /// The secrets file (default `<db>.secrets.json`, as `serve` uses).
    #[arg(long, env = "SIAK_MOCK_SECRETS")]
    secrets: Option<PathBuf>,
    /// The database whose secrets file is meant, when `--secrets` is not given.
    #[arg(long, env = "SIAK_MOCK_DB", default_value = "siak-mock.db")]
    db: PathBuf,
}

impl KeysArgs {
    fn path(&self) -> PathBuf {
        self.secrets
            .clone()
            .unwrap_or_else(|| siak_mock::secrets::default_path(&self.db))
    }
}

/// Runs a keys subcommand.
pub fn run(command: KeysCommand) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    match command {
        KeysCommand::Show(args) => {
            let secrets = Secrets::load_or_create(&args.path(), now)
                .with_context(|| format!("loading {}", args.path().display()))?;
            println!("{}", secrets.key_set().to_json());
        }
        KeysCommand::Rotate(args) => {
            let mut secrets = Secrets::load_or_create(&args.path(), now)
                .with_context(|| format!("loading {}", args.path().display()))?;
            secrets.rotate(now)?;
            eprintln!("new signing key {}", secrets.current().kid());
            println!("{}", secrets.key_set().to_json());
        }
    }
    Ok(())
}
