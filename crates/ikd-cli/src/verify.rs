//! `ikd verify`: offline verification of a Digital KTP presentation, as a verifier's scanner does.
//! The key set comes from a file or from the issuer's well-known URL; the presentation from the
//! command line, stdin, or a photo of the QR code.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, TimeDelta, Utc};
use ikd_core::credential::{IssuerKeySet, Profile, VerifyOptions, verify_presentation};
use ikd_core::{Lang, Localized};
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    /// Issuer key set (JWKS): a file, or an http(s) URL such as
    /// http://127.0.0.1:8080/.well-known/ikd-issuer-keys.
    #[arg(long, value_name = "FILE|URL")]
    keys: String,
    /// The presentation text (`IKD1:…`), or `-` to read it from stdin.
    #[arg(conflicts_with = "image", required_unless_present = "image")]
    text: Option<String>,
    /// A PNG or JPEG photo or screenshot of the QR code.
    #[arg(long, value_name = "FILE")]
    image: Option<PathBuf>,
    /// Refuse presentations of any other profile.
    #[arg(long)]
    profile: Option<Profile>,
    /// Require this verifier nonce (text).
    #[arg(long)]
    nonce: Option<String>,
    /// Verify as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    at: Option<DateTime<Utc>>,
    /// Tolerated clock difference between phone and verifier, in seconds.
    #[arg(long, default_value_t = 30)]
    skew: i64,
}

fn load_keys(source: &str) -> anyhow::Result<IssuerKeySet> {
    let json = if source.starts_with("http://") || source.starts_with("https://") {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()?;
        let response = client
            .get(source)
            .send()
            .with_context(|| format!("fetching issuer keys from {source}"))?;
        if !response.status().is_success() {
            bail!(
                "fetching issuer keys from {source}: HTTP {}",
                response.status()
            );
        }
        response.text()?
    } else {
        std::fs::read_to_string(source).with_context(|| format!("reading issuer keys {source}"))?
    };
    IssuerKeySet::from_json(&json).with_context(|| format!("issuer keys in {source}"))
}

/// Decodes every QR code in a picture; the first one that decodes is used.
fn read_qr_image(path: &Path) -> anyhow::Result<Option<String>> {
    let picture = image::open(path)
        .with_context(|| format!("reading image {}", path.display()))?
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(picture);
    Ok(prepared
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_, content)| content)))
}

fn print_refusal(code: &str, message_id: String, message_en: String) -> ExitCode {
    let verdict = json!({
        "valid": false,
        "error": code,
        "message": message_en,
        "message_id": message_id,
    });
    println!("{verdict}");
    ExitCode::FAILURE
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let keys = load_keys(&args.keys)?;
    let text = match (&args.image, args.text.as_deref()) {
        (Some(path), _) => match read_qr_image(path)? {
            Some(text) => text,
            None => {
                return Ok(print_refusal(
                    "no_qr_found",
                    "Tidak ada kode QR yang terbaca pada gambar.".into(),
                    "No readable QR code was found in the image.".into(),
                ));
            }
        },
        (None, Some("-")) => {
            let mut text = String::new();
            std::io::stdin()
                .take(64 * 1024)
                .read_to_string(&mut text)
                .context("reading stdin")?;
            text
        }
        (None, Some(text)) => text.to_owned(),
        (None, None) => bail!("give the presentation text, `-`, or --image FILE"),
    };
    let options = VerifyOptions {
        clock_skew: TimeDelta::seconds(args.skew.max(0)),
        expected_profile: args.profile,
        expected_nonce: args.nonce.map(String::into_bytes),
    };
    let now = args.at.unwrap_or_else(Utc::now);
    match verify_presentation(text.trim_end_matches(['\r', '\n']), &keys, now, &options) {
        Ok(verified) => {
            let mut verdict = serde_json::to_value(&verified)?;
            if let Some(map) = verdict.as_object_mut() {
                map.insert("valid".into(), true.into());
            }
            println!("{verdict}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Ok(print_refusal(
            e.code(),
            e.message(Lang::Id),
            e.message(Lang::En),
        )),
    }
}
