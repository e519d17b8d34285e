//! `siak-mock operator add|passwd|list`: the operators of a deployment-mode server, one account
//! per person, each with its own password and office. Passwords are read from stdin, never from
//! the command line (it ends up in shell history and `ps`); `list` never shows a hash.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};
use siak_mock::Store;
use siak_mock::operator_accounts::{self, Office};
use siak_mock::secrets::{Purpose, Secrets};
use siak_mock::store::operators;

/// `siak-mock operator …`
#[derive(Debug, clap::Subcommand)]
pub enum OperatorCommand {
    /// Create an operator with its office and password (asked on the terminal, or one line of
    /// stdin with --password-stdin).
    Add(AddArgs),
    /// Change an operator's password (and, with --email, the office's address); its open
    /// sessions end.
    Passwd(PasswdArgs),
    /// Print every operator as JSON lines (user name, office, when the password was set; never
    /// the hash).
    List(DbArgs),
}

/// The database and its secrets file (the pepper the password hashes use).
#[derive(Debug, clap::Args)]
pub struct DbArgs {
    /// SQLite database the server uses; created with the default population when missing.
    #[arg(long, env = "SIAK_MOCK_DB", default_value = "siak-mock.db")]
    db: PathBuf,
    /// The secrets file (default `<db>.secrets.json`, as `serve` uses).
    #[arg(long, env = "SIAK_MOCK_SECRETS")]
    secrets: Option<PathBuf>,
}

/// Options of `operator add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    #[command(flatten)]
    db: DbArgs,
    /// User name (a-z, 0-9, `.`, `_`, `-`), e.g. `budi.probolinggo`.
    #[arg(long)]
    username: String,
    /// Office: the regency code PPRR (e.g. 3574, Kota Probolinggo) or `pusat` (national).
    #[arg(long)]
    office: String,
    /// Name shown in the console (default: from the office).
    #[arg(long)]
    name: Option<String>,
    /// The office's email address, told when this operator's login is throttled after too many
    /// wrong passwords (without one it is only logged).
    #[arg(long)]
    email: Option<String>,
    /// Read the password from the first line of stdin (for scripts).
    #[arg(long)]
    password_stdin: bool,
}

/// Options of `operator passwd`.
#[derive(Debug, clap::Args)]
pub struct PasswdArgs {
    #[command(flatten)]
    db: DbArgs,
    /// User name.
    #[arg(long)]
    username: String,
    /// Also set the office's email address (told when the login is throttled).
    #[arg(long)]
    email: Option<String>,
    /// Read the password from the first line of stdin (for scripts).
    #[arg(long)]
    password_stdin: bool,
}

impl DbArgs {
    fn open(&self) -> anyhow::Result<(Store, Secrets)> {
        let now = chrono::Utc::now();
        let path = self
            .secrets
            .clone()
            .unwrap_or_else(|| siak_mock::secrets::default_path(&self.db));
        let store =
            Store::open(&self.db).with_context(|| format!("opening {}", self.db.display()))?;
        let secrets = Secrets::load_or_create(&path, now)
            .with_context(|| format!("loading {}", path.display()))?;
        Ok((store, secrets))
    }
}

/// Runs an operator subcommand.
pub fn run(command: OperatorCommand) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    match command {
        OperatorCommand::Add(args) => {
            let office = Office::parse(&args.office)?;
            let password = read_password(args.password_stdin)?;
            let (mut store, secrets) = args.db.open()?;
            operator_accounts::add(
                &mut store,
                &args.username,
                &office,
                args.name.as_deref(),
                args.email.as_deref(),
                &password,
                &secrets.key(Purpose::OperatorPassword),
                now,
            )?;
            eprintln!("operator {} created ({})", args.username, office.name);
        }
        OperatorCommand::Passwd(args) => {
            if let Some(email) = &args.email {
                operator_accounts::check_email(email)?;
            }
            let password = read_password(args.password_stdin)?;
            let (mut store, secrets) = args.db.open()?;
            let changed = operator_accounts::set_password(
                &mut store,
                &args.username,
                &password,
                &secrets.key(Purpose::OperatorPassword),
                now,
            )?;
            if let Some(email) = &args.email {
                operator_accounts::set_email(&mut store, &args.username, Some(email))?;
                eprintln!("email of {} set", args.username);
            }
            match changed {
                true => eprintln!("password of {} changed; its sessions ended", args.username),
                false => eprintln!("{} has this password already", args.username),
            }
        }
        OperatorCommand::List(args) => {
            let (store, _) = args.open()?;
            for row in operators::list(store.connection())? {
                println!("{}", serde_json::to_string(&row)?);
            }
        }
    }
    Ok(())
}

/// The new password: one line of stdin with `--password-stdin`, else asked twice on the terminal.
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if from_stdin {
        return first_line(&mut stdin.lock());
    }
    if !stdin.is_terminal() {
        bail!("stdin is not a terminal: pass --password-stdin to read the password from it");
    }
    let ask = |prompt: &str| -> anyhow::Result<String> {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
        first_line(&mut stdin.lock())
    };
    let password = ask(&format!(
        "New password (at least {} characters): ",
        operator_accounts::MIN_PASSWORD_CHARS
    ))?;
    if ask("Again: ")? != password {
        bail!("the two passwords differ");
    }
    Ok(password)
}

fn first_line(input: &mut impl BufRead) -> anyhow::Result<String> {
    let mut line = String::new();
    input.read_line(&mut line).context("reading the password")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("no password given");
    }
    Ok(password)
}
