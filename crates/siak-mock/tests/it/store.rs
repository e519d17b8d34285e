//! The SQLite store: migrations, population on first open, round trips, sample queries.

use chrono::Months;
use siak_mock::store::{SCHEMA_VERSION, migrate, schema_version};
use siak_mock::{PopulationSpec, SampleReason, Store, StoreError};

use super::{TempDir, reference, residents, spec};

#[test]
fn a_new_database_is_migrated_and_populated_with_the_default_population() {
    let dir = TempDir::new();
    let store = Store::open(&dir.db()).expect("opens");
    assert_eq!(
        schema_version(store.connection()).ok(),
        Some(SCHEMA_VERSION)
    );
    let info = store.population().ok().flatten().expect("populated");
    assert_eq!(info.spec, PopulationSpec::default());
    let count: u32 = store
        .connection()
        .query_row("SELECT count(*) FROM residents", [], |r| r.get(0))
        .expect("counts");
    assert_eq!(count, info.spec.count);
    let wal: String = store
        .connection()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(wal, "wal");
    let fk: i64 = store
        .connection()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .expect("pragma");
    assert_eq!(fk, 1);
}

#[test]
fn reopening_keeps_the_data_and_does_not_regenerate() {
    let dir = TempDir::new();
    let first = {
        let store = Store::open_with(&dir.db(), spec(5, 300)).expect("opens");
        store
            .connection()
            .execute(
                "UPDATE residents SET email = 'kept@example.id' WHERE rowid = 1",
                [],
            )
            .expect("updates");
        store.population().ok().flatten().expect("populated")
    };
    let mut store = Store::open_with(&dir.db(), spec(6, 999)).expect("reopens");
    assert_eq!(store.population().ok().flatten(), Some(first));
    let email: String = store
        .connection()
        .query_row("SELECT email FROM residents WHERE rowid = 1", [], |r| {
            r.get(0)
        })
        .expect("reads");
    assert_eq!(email, "kept@example.id");
    assert!(matches!(
        store.populate(spec(6, 10)),
        Err(StoreError::AlreadyPopulated {
            seed: 5,
            count: 300
        })
    ));
    assert_eq!(migrate(store.connection_mut()).ok(), Some(0));
}

#[test]
fn a_database_from_a_newer_version_is_refused() {
    let dir = TempDir::new();
    let store = Store::open_unpopulated(&dir.db()).expect("opens");
    store
        .connection()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .expect("sets version");
    drop(store);
    assert!(matches!(
        Store::open_unpopulated(&dir.db()),
        Err(StoreError::NewerSchema { .. })
    ));
}

#[test]
fn foreign_keys_protect_family_membership() {
    let store = Store::open_in_memory(spec(3, 100)).expect("opens");
    let orphan = store.connection().execute(
        "UPDATE residents SET kk = '9999999999999999' WHERE rowid = 1",
        [],
    );
    assert!(orphan.is_err());
}

#[test]
fn residents_and_family_cards_read_back_as_generated() {
    let spec = spec(11, 400);
    let store = Store::open_in_memory(spec).expect("opens");
    for family in spec.generate() {
        assert_eq!(
            store.family(&family.kk).ok().flatten().as_ref(),
            Some(&family)
        );
        for member in &family.members {
            let record = store.resident(&member.nik).ok().flatten().expect("found");
            assert_eq!(&record.resident, member);
            assert_eq!(record.address, family.address);
        }
    }
    assert_eq!(store.resident("0000000000000000").ok(), Some(None));
}

#[test]
fn samples_and_counts_agree_with_the_generator_on_any_date() {
    let spec = spec(17, 3_000);
    let store = Store::open_in_memory(spec).expect("opens");
    let population = spec.generate();
    for today in [reference(), reference() + Months::new(18)] {
        let counts = store.count_by_reason(today).expect("counts");
        for (reason, count) in counts {
            let expected = residents(&population)
                .filter(|r| r.expected_outcome(today) == reason)
                .count() as u64;
            assert_eq!(count, expected, "{reason} on {today}");
            // Married minors turn 17 within a year, so later dates may have none.
            assert!(
                count > 0 || today != reference(),
                "none for {reason} on {today}"
            );
            let samples = store.sample(reason, today, 20, None).expect("samples");
            assert_eq!(samples.len() as u64, count.min(20), "{reason} on {today}");
            for sample in samples {
                let record = store.resident(&sample.nik).ok().flatten().expect("found");
                assert_eq!(record.resident.expected_outcome(today), reason);
            }
        }
    }
}

#[test]
fn samples_can_be_limited_to_a_seed_regency() {
    let store = Store::open_in_memory(spec(2, 2_000)).expect("opens");
    for regency in siak_mock::population::SEED_REGENCIES {
        let samples = store
            .sample(SampleReason::Eligible, reference(), 3, Some(regency))
            .expect("samples");
        assert!(!samples.is_empty(), "{regency}");
        assert!(
            samples
                .iter()
                .all(|s| s.nik.starts_with(&regency.to_string()))
        );
    }
}

#[test]
fn a_stored_registration_state_this_version_does_not_know_is_an_error_not_a_default() {
    let store = Store::open_in_memory(spec(3, 10)).expect("opens");
    let conn = store.connection();
    let insert = |id: &str, state: &str, reason: Option<&str>| {
        conn.execute(
            "INSERT INTO registrations (id, nik, email, phone, device_key, state, reason, created_at)
             VALUES (?1, '3574011708950001', 'a@b.id', '+6281234567890', 'key', ?2, ?3, '2026-12-01T00:00:00Z')",
            rusqlite::params![id, state, reason],
        )
        .expect("inserted");
    };
    let good = "0123456789abcdef0123456789abcdef";
    let unknown_reason = "fedcba9876543210fedcba9876543210";
    let no_reason = "00112233445566778899aabbccddeeff";
    insert(good, "rejected", Some("duplicate_identity"));
    insert(unknown_reason, "rejected", Some("felt_like_it"));
    insert(no_reason, "rejected", None);
    let get = |id: &str| siak_mock::store::registrations::get(conn, &id.parse().expect("an id"));
    let read = get(good).expect("reads").expect("exists");
    assert_eq!(
        read.state,
        ikd_core::RegistrationState::Rejected(ikd_core::RejectionReason::DuplicateIdentity)
    );
    assert!(matches!(
        get(unknown_reason),
        Err(rusqlite::Error::FromSqlConversionFailure(..))
    ));
    assert!(matches!(
        get(no_reason),
        Err(rusqlite::Error::FromSqlConversionFailure(..))
    ));
}
