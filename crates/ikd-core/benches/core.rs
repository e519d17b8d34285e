//! Criterion benchmarks for the core's hot paths, each beside the raw cost it builds on:
//! NIK parsing (per keystroke in the UI, a million lines in `ikd nik -`), presentation building
//! (every 90 s on the phone) and offline verification (every scan at a verifier), beside raw
//! Ed25519 sign and verify measured in the same run.

use std::hint::black_box;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use ikd_core::Nik;
use ikd_core::credential::{
    Credential, CredentialId, CredentialRequest, DeviceSigningKey, Disclosed, HolderId,
    IssuerKeySet, IssuerPublicKey, IssuerSigningKey, KtpRecord, Profile, VerifyOptions,
    issue_credential, make_presentation, verify_presentation,
};
use ikd_core::qr::QrImage;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};

fn nik(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    c.bench_function("nik/parse_valid", |b| {
        b.iter(|| Nik::parse(black_box("3574015708950002"), today))
    });
    c.bench_function("nik/parse_with_separators", |b| {
        b.iter(|| Nik::parse(black_box("35.74.01 570895-0002"), today))
    });
    c.bench_function("nik/parse_and_name_region", |b| {
        b.iter(|| {
            let nik = Nik::parse(black_box("3574015708950002"), today).expect("valid");
            (
                nik.province_name(),
                nik.regency_name(),
                nik.district_name(),
                nik.warnings(),
            )
        })
    });
    c.bench_function("nik/parse_invalid", |b| {
        b.iter(|| Nik::parse(black_box("3574013104950001"), today))
    });
}

fn credential(
    profile: Profile,
    issuer: &IssuerSigningKey,
    device: &DeviceSigningKey,
    now: DateTime<Utc>,
) -> Credential {
    issue_credential(
        issuer,
        &CredentialRequest {
            credential_id: CredentialId::from_bytes([7; 16]),
            issued_at: now,
            valid_from: now,
            valid_until: now + TimeDelta::days(30),
            device_key: device.public_key(),
            claims: Disclosed::from_record(
                profile,
                &KtpRecord::example(),
                HolderId::from_bytes([9; 16]),
                now.date_naive(),
            ),
        },
    )
    .expect("issue")
}

/// Raw Ed25519 over a 64-byte message: the floor under presentation building and verification.
fn raw_ed25519(c: &mut Criterion) {
    let pair = Ed25519KeyPair::from_seed_unchecked(&[1; 32]).expect("seed");
    let message = [42u8; 64];
    let signature = pair.sign(&message);
    let public = UnparsedPublicKey::new(&ED25519, pair.public_key().as_ref().to_vec());
    c.bench_function("raw/ed25519_sign", |b| {
        b.iter(|| pair.sign(black_box(&message)))
    });
    c.bench_function("raw/ed25519_verify", |b| {
        b.iter(|| public.verify(black_box(&message), signature.as_ref()))
    });
    // The weak-key refusal every signature check runs first (decompress, re-compress, order).
    let key: [u8; 32] = pair.public_key().as_ref().try_into().expect("32 bytes");
    c.bench_function("raw/public_key_check", |b| {
        b.iter(|| ikd_core::credential::check_public_key(black_box(&key)))
    });
}

fn presentation(c: &mut Criterion) {
    let issuer = IssuerSigningKey::from_seed(&[1; 32]);
    let device = DeviceSigningKey::from_seed(&[2; 32]);
    let keys = IssuerKeySet::new([IssuerPublicKey::new(issuer.public_key())]);
    let now = DateTime::from_timestamp(1_795_000_000, 0).expect("time");
    for profile in Profile::ALL {
        let credential = credential(profile, &issuer, &device, now);
        let name = profile.as_str();
        c.bench_function(&format!("present/{name}/sign_encode"), |b| {
            b.iter(|| {
                make_presentation(black_box(&credential), &device, now, None).expect("present")
            })
        });
        c.bench_function(&format!("present/{name}/sign_encode_qr_svg"), |b| {
            b.iter(|| {
                let p =
                    make_presentation(black_box(&credential), &device, now, None).expect("present");
                QrImage::new(p.as_str()).expect("qr").to_svg(4)
            })
        });
        let text = make_presentation(&credential, &device, now, None).expect("present");
        c.bench_function(&format!("present/{name}/qr_matrix_only"), |b| {
            b.iter(|| QrImage::new(black_box(text.as_str())).expect("qr"))
        });
        c.bench_function(&format!("verify/{name}"), |b| {
            b.iter(|| {
                verify_presentation(
                    black_box(text.as_str()),
                    &keys,
                    now,
                    &VerifyOptions::default(),
                )
                .expect("valid")
            })
        });
    }
}

criterion_group!(benches, nik, raw_ed25519, presentation);
criterion_main!(benches);
