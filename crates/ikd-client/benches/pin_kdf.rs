//! One PIN-to-key derivation (argon2id with the parameters new records are sealed with), and one
//! unlock's worth of work: opening a sealed record with the right PIN. Figures and the phone
//! estimate are in docs/benchmarks.md.

use criterion::{Criterion, criterion_group, criterion_main};
use ikd_client::pin_key::{DeviceSecrets, KdfParams, SealedKeys};
use ikd_core::Pin;
use ikd_core::credential::DeviceSigningKey;
use ring::rand::SystemRandom;

fn kdf(c: &mut Criterion) {
    let mut group = c.benchmark_group("pin_kdf");
    group.sample_size(20);
    let candidate = |m_mib: u32, t: u32| KdfParams {
        m_kib: m_mib * 1024,
        t,
        p: 1,
    };
    for params in [
        KdfParams::CURRENT,
        candidate(19, 3),
        candidate(32, 2),
        candidate(64, 3),
    ] {
        let name = format!(
            "argon2id_m{}MiB_t{}_p{}",
            params.m_kib / 1024,
            params.t,
            params.p
        );
        group.bench_function(name, |b| {
            b.iter(|| params.derive(b"284619", &[7; 16]).expect("derived"))
        });
    }
    let pkcs8 = DeviceSigningKey::generate_pkcs8(&SystemRandom::new()).expect("key");
    let pin = Pin::parse("284619").expect("pin");
    let nik = "3574015708950002";
    let sealed = SealedKeys::seal(&DeviceSecrets::new(pkcs8, [7; 32]), &pin, nik).expect("sealed");
    group.bench_function("open_sealed_keys", |b| {
        b.iter(|| sealed.open(&pin, nik).expect("record").expect("opened"))
    });
    group.finish();
}

criterion_group!(benches, kdf);
criterion_main!(benches);
