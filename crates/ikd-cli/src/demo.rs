//! `ikd demo-qr`: a throw-away issuer and device make one presentation, so the format can be tried
//! without a server. Nothing is stored; every run makes new keys.

use std::process::ExitCode;

use anyhow::Context;
use chrono::{TimeDelta, Utc};
use ikd_core::credential::{
    CredentialId, CredentialRequest, DeviceSigningKey, Disclosed, HolderId, IssuerKeySet,
    IssuerPublicKey, IssuerSigningKey, KtpRecord, Profile, issue_credential, make_presentation,
};
use ikd_core::qr::QrImage;
use ring::rand::{SecureRandom, SystemRandom};
use serde::Serialize;

#[derive(clap::Args)]
pub struct Args {
    /// Disclosure profile: age17, basic or full.
    #[arg(long, default_value = "basic")]
    profile: Profile,
    /// Also write the QR code as SVG to this file.
    #[arg(long, value_name = "FILE")]
    svg: Option<std::path::PathBuf>,
    /// Also write the QR code as PNG to this file.
    #[arg(long, value_name = "FILE")]
    png: Option<std::path::PathBuf>,
    /// A verifier nonce (text) to bind into the presentation.
    #[arg(long)]
    nonce: Option<String>,
}

#[derive(Serialize)]
struct Output {
    profile: Profile,
    presentation: String,
    qr_version: i16,
    length: usize,
    issuer_keys: serde_json::Value,
}

fn random<const N: usize>(rng: &SystemRandom) -> anyhow::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    rng.fill(&mut bytes)
        .map_err(|_| anyhow::anyhow!("no system randomness"))?;
    Ok(bytes)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rng = SystemRandom::new();
    let issuer = IssuerSigningKey::from_pkcs8(&IssuerSigningKey::generate_pkcs8(&rng)?)?;
    let device = DeviceSigningKey::from_pkcs8(&DeviceSigningKey::generate_pkcs8(&rng)?)?;
    let now = Utc::now();
    let record = KtpRecord::example();
    let claims = Disclosed::from_record(
        args.profile,
        &record,
        HolderId::from_bytes(random(&rng)?),
        now.date_naive(),
    );
    let credential = issue_credential(
        &issuer,
        &CredentialRequest {
            credential_id: CredentialId::from_bytes(random(&rng)?),
            issued_at: now,
            valid_from: now,
            valid_until: now + TimeDelta::days(30),
            device_key: device.public_key(),
            claims,
        },
    )?;
    let nonce = args.nonce.as_deref().map(str::as_bytes);
    let presentation = make_presentation(&credential, &device, now, nonce)?;
    let qr = QrImage::new(presentation.as_str())?;
    if let Some(path) = &args.svg {
        std::fs::write(path, qr.to_svg(8))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.png {
        let grey = qr.to_grey(8);
        image::GrayImage::from_raw(grey.width, grey.height, grey.pixels)
            .context("QR raster has the wrong size")?
            .save(path)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let keys = IssuerKeySet::new([IssuerPublicKey::new(issuer.public_key())]);
    let output = Output {
        profile: args.profile,
        length: presentation.as_str().len(),
        qr_version: qr.version(),
        presentation: presentation.into_string(),
        issuer_keys: serde_json::from_str(&keys.to_json())?,
    };
    println!("{}", serde_json::to_string(&output)?);
    Ok(ExitCode::SUCCESS)
}
