//! `ikd nik`: NIK checks as JSON lines, fast enough for a million lines on stdin.

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use ikd_core::{Lang, Localized, Nik};
use serde::Serialize;

#[derive(clap::Args)]
pub struct Args {
    /// NIKs to check, or `-` to read one per line from stdin.
    #[arg(required = true)]
    niks: Vec<String>,
    /// Date that resolves two-digit birth years and ages (default: today, local time).
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<NaiveDate>,
    /// Language of the messages: `id` or `en`.
    #[arg(long, default_value = "en")]
    lang: String,
}

#[derive(Serialize)]
struct Notice {
    code: &'static str,
    message: String,
}

#[derive(Serialize)]
struct Report<'a> {
    nik: &'a str,
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    province: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    regency: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    district: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birth_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sex: Option<ikd_core::Sex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    age: Option<u32>,
    warnings: Vec<Notice>,
}

fn report(input: &str, today: NaiveDate, lang: Lang) -> Report<'_> {
    match Nik::parse(input, today) {
        Ok(nik) => Report {
            nik: input,
            valid: true,
            error: None,
            message: None,
            province: Some(nik.province_name()),
            regency: nik.regency_name(),
            district: nik.district_name(),
            birth_date: Some(nik.birth_date()),
            sex: Some(nik.sex()),
            age: Some(nik.age_on(today)),
            warnings: nik
                .warnings()
                .iter()
                .map(|w| Notice {
                    code: w.code(),
                    message: w.message(lang),
                })
                .collect(),
        },
        Err(e) => Report {
            nik: input,
            valid: false,
            error: Some(e.code()),
            message: Some(e.message(lang)),
            province: None,
            regency: None,
            district: None,
            birth_date: None,
            sex: None,
            age: None,
            warnings: Vec::new(),
        },
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let today = args
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let lang = Lang::from_tag(&args.lang).context("--lang must be `id` or `en`")?;
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut emit = |input: &str| -> anyhow::Result<()> {
        serde_json::to_writer(&mut out, &report(input, today, lang))?;
        out.write_all(b"\n")?;
        Ok(())
    };
    if args.niks == ["-"] {
        let stdin = io::stdin();
        let mut line = String::new();
        let mut reader = stdin.lock();
        while reader.read_line(&mut line)? > 0 {
            let nik = line.trim_end_matches(['\n', '\r']);
            emit(nik)?;
            line.clear();
        }
    } else {
        for nik in &args.niks {
            emit(nik)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
