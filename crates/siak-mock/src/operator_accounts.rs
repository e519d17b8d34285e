//! Operator accounts: who may approve registrations, and with which password.
//!
//! Two modes (see `siak-mock serve --dev`):
//!
//! * **Development** seeds one operator per seed office and a national one, all with the
//!   well-known [`DEV_PASSWORD`], so a developer can walk the story on their own machine.
//! * **Deployment** (the default) accepts only passwords an administrator set, per operator:
//!   `siak-mock operator add|passwd` or, for the default operator [`DEFAULT_OPERATOR`],
//!   `SIAK_MOCK_OPERATOR_PASSWORD` at start. A row still holding the development password (or one
//!   from before these rules) cannot log in.
//!
//! Every password an administrator sets obeys [`check_password`]. The hash is argon2id keyed
//! with the server's `OperatorPassword` key ([`crate::operator_password`], the one place that
//! hashes); the login in `api::operator_login` verifies there too. Changing a password ends the
//! operator's sessions. An operator may have an email address: the office is told there when the
//! operator's login is throttled. Nothing here speaks HTTP; the store owns the SQL.

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use ikd_core::Email;

use crate::Store;
use crate::operator_password;
use crate::store::operators::{self, NewOperator};

/// The development password of the seeded operators (`serve --dev` only; public knowledge).
pub const DEV_PASSWORD: &str = "operator-dev";
/// The operator `SIAK_MOCK_OPERATOR_PASSWORD` sets the password of.
pub const DEFAULT_OPERATOR: &str = "operator.pusat";
/// The shortest password an administrator may set, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The office code of Ditjen Dukcapil (national scope).
pub const NATIONAL: &str = "pusat";

/// A seeded operator: user name, display name, office, office code.
pub struct Seed {
    /// User name.
    pub username: &'static str,
    /// Name shown in the console.
    pub display_name: &'static str,
    /// Office, as people read it.
    pub office: &'static str,
    /// Regency `PPRR` or [`NATIONAL`].
    pub office_code: &'static str,
}

/// The development operators: one per seed office and one national (the last, the default).
pub const SEEDED: &[Seed] = &[
    seed(
        "operator.probolinggo",
        "Operator Disdukcapil Kota Probolinggo",
        "Kota Probolinggo",
        "3574",
    ),
    seed(
        "operator.labura",
        "Operator Disdukcapil Kab. Labuhanbatu Utara",
        "Kabupaten Labuhanbatu Utara",
        "1223",
    ),
    seed(
        "operator.payakumbuh",
        "Operator Disdukcapil Kota Payakumbuh",
        "Kota Payakumbuh",
        "1376",
    ),
    seed(
        "operator.deliserdang",
        "Operator Disdukcapil Kab. Deli Serdang",
        "Kabupaten Deli Serdang",
        "1207",
    ),
    seed(
        "operator.denpasar",
        "Operator Disdukcapil Kota Denpasar",
        "Kota Denpasar",
        "5171",
    ),
    seed(
        DEFAULT_OPERATOR,
        "Operator Ditjen Dukcapil",
        "Nasional",
        NATIONAL,
    ),
];

const fn seed(
    username: &'static str,
    display_name: &'static str,
    office: &'static str,
    office_code: &'static str,
) -> Seed {
    Seed {
        username,
        display_name,
        office,
        office_code,
    }
}

/// Whether `password` may be set by an administrator: at least [`MIN_PASSWORD_CHARS`]
/// characters and not the development password. The error says what is wrong.
pub fn check_password(password: &str) -> anyhow::Result<()> {
    if password == DEV_PASSWORD {
        bail!("`{DEV_PASSWORD}` is the public development password; choose another");
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("an operator password needs at least {MIN_PASSWORD_CHARS} characters");
    }
    Ok(())
}

/// The development address of a seeded office (`serve --dev` only): `disdukcapil-PPRR@siak.test`,
/// or `ditjen-dukcapil@siak.test` for the national office.
pub fn seeded_email(office_code: &str) -> String {
    if office_code == NATIONAL {
        "ditjen-dukcapil@siak.test".into()
    } else {
        format!("disdukcapil-{office_code}@siak.test")
    }
}

/// Checks an operator's email address (the core's rule) and answers it normalised.
pub fn check_email(email: &str) -> anyhow::Result<String> {
    Email::parse(email)
        .map(|e| e.as_str().to_owned())
        .with_context(|| format!("{email:?} is not an email address"))
}

/// An operator's office: a regency by its `PPRR` code, or [`NATIONAL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Office {
    /// `PPRR` or `pusat`.
    pub code: String,
    /// As people read it: the regency's name, or `Nasional`.
    pub name: String,
}

impl Office {
    /// Parses `pusat` or a 4-digit regency code known to the region table.
    pub fn parse(text: &str) -> anyhow::Result<Office> {
        let text = text.trim();
        if text.eq_ignore_ascii_case(NATIONAL) {
            return Ok(Office {
                code: NATIONAL.into(),
                name: "Nasional".into(),
            });
        }
        let name = (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse::<u16>().ok())
            .flatten()
            .and_then(ikd_core::nik::regions::regency_name);
        match name {
            Some(name) => Ok(Office {
                code: text.into(),
                name: name.into(),
            }),
            None => bail!(
                "unknown office {text:?}: give a regency code PPRR (e.g. 3574 for Kota Probolinggo) or `{NATIONAL}`"
            ),
        }
    }

    /// Whether this office may see and decide the case of a resident with this NIK: the central
    /// (`pusat`) office covers every NIK, a regency office the NIKs whose `PPRR` is its code. The
    /// one place the regional scope is decided.
    pub fn covers(&self, nik: &ikd_core::Nik) -> bool {
        self.code == NATIONAL || self.code == format!("{:04}", nik.regency_code())
    }

    fn display_name(&self) -> String {
        if self.code == NATIONAL {
            "Operator Ditjen Dukcapil".into()
        } else {
            format!("Operator Disdukcapil {}", self.name)
        }
    }
}

/// Development mode: creates the seeded operators that do not exist yet, with [`DEV_PASSWORD`]
/// and their office's development address ([`seeded_email`]). `key` is the `OperatorPassword` key.
pub fn seed_development(store: &mut Store, key: &[u8]) -> anyhow::Result<()> {
    let tx = store.connection_mut().transaction()?;
    for s in SEEDED {
        if operators::password(&tx, s.username)?.is_some() {
            continue;
        }
        let hash = operator_password::hash(DEV_PASSWORD, key)?;
        let email = seeded_email(s.office_code);
        let op = NewOperator {
            username: s.username,
            display_name: s.display_name,
            office: s.office,
            office_code: s.office_code,
            salt: &[],
            hash: hash.as_bytes(),
            password_set_at: None,
            email: Some(&email),
        };
        operators::insert_missing(&tx, op)?;
    }
    tx.commit()?;
    Ok(())
}

/// Creates operator `username` at `office` with `password` (checked) and an optional `email`
/// (checked); refuses an existing name. `key` is the `OperatorPassword` key.
#[allow(clippy::too_many_arguments)]
pub fn add(
    store: &mut Store,
    username: &str,
    office: &Office,
    display_name: Option<&str>,
    email: Option<&str>,
    password: &str,
    key: &[u8],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    check_username(username)?;
    check_password(password)?;
    let email = email.map(check_email).transpose()?;
    let hash = operator_password::hash(password, key)?;
    let display_name = display_name.map_or_else(|| office.display_name(), str::to_owned);
    let op = NewOperator {
        username,
        display_name: &display_name,
        office: &office.name,
        office_code: &office.code,
        salt: &[],
        hash: hash.as_bytes(),
        password_set_at: Some(now),
        email: email.as_deref(),
    };
    if !operators::insert_missing(store.connection(), op)? {
        bail!(
            "operator {username} exists already (change its password with `siak-mock operator passwd`)"
        );
    }
    Ok(())
}

fn check_username(username: &str) -> anyhow::Result<()> {
    let ok = (3..=64).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !ok {
        bail!("a user name has 3 to 64 characters: a-z, 0-9, `.`, `_`, `-`");
    }
    Ok(())
}

/// Sets the password of existing operator `username` (checked) and ends its sessions, unless
/// the stored password is already this one and was set by an administrator. Returns whether
/// anything changed. `key` is the `OperatorPassword` key.
pub fn set_password(
    store: &mut Store,
    username: &str,
    password: &str,
    key: &[u8],
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    check_password(password)?;
    let Some(stored) = operators::password(store.connection(), username)? else {
        bail!("no operator {username} (create it with `siak-mock operator add`)");
    };
    let verdict = operator_password::verify(&stored, password, key);
    if stored.set_by_administrator && verdict == operator_password::Verdict::Match {
        return Ok(false);
    }
    let hash = operator_password::hash(password, key)?;
    let tx = store.connection_mut().transaction()?;
    operators::set_password(&tx, username, &[], hash.as_bytes(), now)?;
    operators::end_sessions_of(&tx, username)?;
    tx.commit()?;
    Ok(true)
}

/// Sets (or, with `None`, removes) the email address of existing operator `username`.
pub fn set_email(store: &mut Store, username: &str, email: Option<&str>) -> anyhow::Result<()> {
    let email = email.map(check_email).transpose()?;
    if !operators::set_email(store.connection(), username, email.as_deref())? {
        bail!("no operator {username} (create it with `siak-mock operator add`)");
    }
    Ok(())
}

/// `SIAK_MOCK_OPERATOR_PASSWORD` at start: sets the password of [`DEFAULT_OPERATOR`], creating
/// that operator (national office) when the database has none.
pub fn set_default_password(
    store: &mut Store,
    password: &str,
    key: &[u8],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if operators::password(store.connection(), DEFAULT_OPERATOR)?.is_none() {
        let national = Office::parse(NATIONAL)?;
        return add(
            store,
            DEFAULT_OPERATOR,
            &national,
            None,
            None,
            password,
            key,
            now,
        );
    }
    set_password(store, DEFAULT_OPERATOR, password, key, now)?;
    Ok(())
}

/// Whether some operator can log in outside development mode.
pub fn deployment_credentials_exist(store: &Store) -> rusqlite::Result<bool> {
    Ok(operators::count_with_set_password(store.connection())? > 0)
}
