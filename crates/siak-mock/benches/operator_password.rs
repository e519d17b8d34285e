//! What one operator login costs the server: one argon2id verification with the OWASP parameters
//! (19 MiB, 2 passes, 1 lane), the work `AppState::cpu` runs per login attempt (also for a user
//! name that does not exist). Run: `cargo bench -p siak-mock --bench operator_password`.

use criterion::{Criterion, criterion_group, criterion_main};
use siak_mock::operator_password;
use siak_mock::store::operators::StoredPassword;

fn verify(c: &mut Criterion) {
    let key = [9u8; 32];
    let phc = operator_password::hash("a long operator password", &key).expect("hash");
    let stored = StoredPassword {
        salt: Vec::new(),
        hash: phc.into_bytes(),
        set_by_administrator: true,
    };
    let mut group = c.benchmark_group("operator_password");
    group.sample_size(20);
    group.bench_function("argon2id_verify", |b| {
        b.iter(|| operator_password::verify(&stored, "a wrong operator password", &key));
    });
    group.bench_function("argon2id_unknown_user", |b| {
        b.iter(|| operator_password::verify_unknown("a wrong operator password", &key));
    });
    group.finish();
}

criterion_group!(benches, verify);
criterion_main!(benches);
