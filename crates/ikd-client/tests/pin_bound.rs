//! The device's secrets are bound to the PIN, written as the attacks they stop, against a real
//! `siak-mock`: a thief with a copy of the secret store and the data directory but not the PIN,
//! wrong PINs, a rewritten `state.json`, a damaged counter; and that an install of the earlier
//! version (plain device key, local verifier) keeps working, and that a PIN change interrupted at
//! any step leaves a state the old or the new PIN opens.

mod common;
use common::*;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, TimeDelta, Utc};
use ikd_client::{ClientError, MemoryStore, Resident, SecretStore, SiakClient, StateDir};
use ikd_core::credential::{DeviceSigningKey, Profile, VerifyOptions, verify_presentation};
use ikd_core::protocol::{PinProof, PinVerifier};
use ikd_core::{Localized, Nik, Pin, PinAttempts};

const PIN: &str = "284619";
const NEW_PIN: &str = "502718";

/// An account activated on a fresh install; returns the app, its store and data directory, the
/// NIK and the plain PKCS#8 of the device key (read while it was still being enrolled).
async fn activated(
    server: &Server,
    now: DateTime<Utc>,
) -> (
    Resident<Arc<MemoryStore>>,
    Arc<MemoryStore>,
    StateDir,
    String,
    Vec<u8>,
) {
    let resident = eligible(server);
    let (app, secrets, data) = app_for(server);
    let registration = register(&app, &resident.nik, "segel@example.id", "081234567855", now)
        .await
        .expect("registered");
    let pkcs8 = secrets
        .get("device_key")
        .expect("store")
        .expect("the key being enrolled");
    let code = operator_scans_and_approves(server, &app, &registration.registration_id).await;
    app.activate(&code, PIN, now).await.expect("activated");
    (app, secrets, data, resident.nik, pkcs8)
}

/// Another install reading the same store and data directory (the app restarted, or a thief's
/// copy).
fn reopen<S: SecretStore>(server: &Server, secrets: S, data: &StateDir) -> Resident<S> {
    Resident::new(
        SiakClient::new(&server.url).expect("client"),
        secrets,
        data.clone(),
    )
}

/// A copy of `store`'s entries in a new store.
fn copy_of(store: &MemoryStore) -> Arc<MemoryStore> {
    let copy = Arc::new(MemoryStore::default());
    for (name, value) in store.entries().expect("entries") {
        copy.set(&name, &value).expect("copy");
    }
    copy
}

fn counter(store: &MemoryStore) -> PinAttempts {
    serde_json::from_slice(&store.get("pin_attempts").expect("store").expect("counter"))
        .expect("counter JSON")
}

#[tokio::test]
async fn a_copy_of_the_store_and_the_data_dir_without_the_pin_shows_no_qr() {
    let server = start_server("pin-thief").await;
    let now = Utc::now();
    let (app, secrets, data, _nik, pkcs8) = activated(&server, now).await;
    app.lock().await;

    // The thief copies every entry of the secret store and the data directory.
    let stolen = copy_of(&secrets);
    let thief = reopen(&server, stolen.clone(), &data);
    assert_eq!(thief.device_key().expect_err("locked").code(), "locked");
    assert_eq!(
        thief
            .present(Profile::Basic, now)
            .expect_err("no QR")
            .code(),
        "locked"
    );
    assert!(thief.saved_credential(Profile::Full).is_err());

    // No entry is the device key, holds it, or opens the cached credentials.
    let entries = stolen.entries().expect("entries");
    assert!(
        entries
            .iter()
            .any(|(name, _)| name.starts_with("pin_sealed."))
    );
    for (name, value) in &entries {
        assert!(
            DeviceSigningKey::from_pkcs8(value).is_err(),
            "{name} is a device key"
        );
        assert!(
            !value.windows(pkcs8.len()).any(|w| w == pkcs8.as_slice()),
            "{name} holds the device key"
        );
        for window in value.windows(32) {
            let key: [u8; 32] = window.try_into().expect("32 bytes");
            assert!(
                data.load_sealed::<serde_json::Value>("credentials", &key)
                    .is_err(),
                "{name} opens the cached credentials"
            );
        }
    }
    for (name, _) in &entries {
        assert!(
            ![
                "device_key",
                "cache_key",
                "local_pin_verifier",
                "local_pin_pepper"
            ]
            .contains(&name.as_str()),
            "{name} is still stored"
        );
    }
    // Nor does any file of the data directory hold the device key.
    for entry in std::fs::read_dir(data.path()).expect("dir") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("file");
        assert!(!bytes.windows(pkcs8.len()).any(|w| w == pkcs8.as_slice()));
    }

    // With the PIN, the copy opens (the key is the one the server knows).
    let outcome = thief.unlock(PIN, now).await.expect("the PIN opens it");
    assert!(outcome.online);
    thief.present(Profile::Basic, now).expect("QR");
    std::fs::remove_dir_all(&server.dir).ok();
}

#[tokio::test]
async fn a_wrong_pin_opens_nothing_and_is_counted_in_the_secret_store() {
    let server = start_server("pin-wrong").await;
    let now = Utc::now();
    let (app, secrets, data, _nik, _) = activated(&server, now).await;
    app.lock().await;

    let err = app.unlock("000001", now).await.expect_err("wrong PIN");
    assert_eq!(err.code(), "pin_wrong");
    assert_eq!(app.device_key().expect_err("still locked").code(), "locked");
    assert_eq!(
        app.present(Profile::Basic, now).expect_err("no QR").code(),
        "locked"
    );
    assert_eq!(counter(&secrets).consecutive_failures, 1);
    let state = std::fs::read_to_string(data.path().join("state.json")).expect("state");
    let state: serde_json::Value = serde_json::from_str(&state).expect("JSON");
    assert_eq!(state["local_pin"]["consecutive_failures"], 0);

    app.unlock(PIN, now).await.expect("the right PIN");
    assert_eq!(counter(&secrets).consecutive_failures, 0);
    std::fs::remove_dir_all(&server.dir).ok();
}

#[tokio::test]
async fn rewriting_or_deleting_state_json_does_not_reset_the_counter() {
    let server = start_server("pin-state").await;
    let now = Utc::now();
    let (app, secrets, data, _nik, _) = activated(&server, now).await;
    app.lock().await;
    let fresh_state = std::fs::read(data.path().join("state.json")).expect("state");

    for _ in 0..3 {
        assert!(app.unlock("000001", now).await.is_err());
    }
    assert!(matches!(
        app.unlock(PIN, now).await,
        Err(ClientError::PinLocked { .. })
    ));

    // The attacker puts back the state.json of before the wrong PINs, or deletes it and writes
    // it again, and restarts the app.
    std::fs::remove_file(data.path().join("state.json")).expect("deleted");
    std::fs::write(data.path().join("state.json"), &fresh_state).expect("rewritten");
    let restarted = reopen(&server, secrets.clone(), &data);
    assert!(matches!(
        restarted.unlock(PIN, now).await,
        Err(ClientError::PinLocked {
            retry_after_secs: 30
        })
    ));
    assert_eq!(counter(&secrets).consecutive_failures, 3);
    restarted
        .unlock(PIN, now + TimeDelta::seconds(31))
        .await
        .expect("after the wait");
    std::fs::remove_dir_all(&server.dir).ok();
}

#[tokio::test]
async fn a_counter_that_cannot_be_read_locks_instead_of_counting_from_zero() {
    let server = start_server("pin-counter").await;
    let now = Utc::now();
    let (app, secrets, _data, _nik, _) = activated(&server, now).await;
    app.lock().await;

    secrets.set("pin_attempts", b"{damaged").expect("damage");
    let err = app.unlock(PIN, now).await.expect_err("unreadable");
    assert_eq!(err.code(), "pin_counter_unreadable");
    secrets.delete("pin_attempts").expect("delete");
    let err = app.unlock(PIN, now).await.expect_err("missing");
    assert_eq!(err.code(), "pin_counter_unreadable");
    assert!(app.device_key().is_err());
    std::fs::remove_dir_all(&server.dir).ok();
}

#[tokio::test]
async fn the_honest_flow_locks_unlocks_shows_the_qr_and_changes_the_pin() {
    let server = start_server("pin-honest").await;
    let now = Utc::now();
    let (app, secrets, data, _nik, _) = activated(&server, now).await;
    let keys = SiakClient::new(&server.url)
        .expect("client")
        .issuer_keys()
        .await
        .expect("keys");
    let qr = app
        .present(Profile::Age17, now)
        .expect("QR after activation");
    verify_presentation(qr.as_str(), &keys, now, &VerifyOptions::default()).expect("verifies");
    app.lock().await;
    assert_eq!(app.device_key().expect_err("locked").code(), "locked");

    // Restarted app: the PIN opens the keys again.
    let app = reopen(&server, secrets.clone(), &data);
    assert!(app.unlock(PIN, now).await.expect("unlock").online);
    let qr = app.present(Profile::Age17, now).expect("QR");
    verify_presentation(qr.as_str(), &keys, now, &VerifyOptions::default()).expect("verifies");

    app.change_pin(PIN, NEW_PIN, now).await.expect("changed");
    app.lock().await;
    assert_eq!(
        app.unlock(PIN, now).await.expect_err("old PIN").code(),
        "pin_wrong"
    );
    assert!(app.unlock(NEW_PIN, now).await.expect("new PIN").online);
    app.present(Profile::Basic, now).expect("QR");
    let generations: Vec<String> = secrets
        .entries()
        .expect("entries")
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| name.starts_with("pin_sealed."))
        .collect();
    assert_eq!(generations, ["pin_sealed.2"], "the old generation is gone");
    std::fs::remove_dir_all(&server.dir).ok();
}

#[tokio::test]
async fn an_install_of_the_earlier_version_is_sealed_at_its_first_unlock() {
    let server = start_server("pin-legacy").await;
    let now = Utc::now();
    let (app, _secrets, data, nik, pkcs8) = activated(&server, now).await;
    app.lock().await;

    // The earlier version's entries, written its way: the plain device key and cache key, a
    // local PIN verifier with its pepper; the counter in state.json.
    let old = Arc::new(MemoryStore::default());
    let parsed = Nik::parse(&nik, now.date_naive()).expect("NIK");
    let proof = PinProof::derive(&Pin::parse(PIN).expect("PIN"), &parsed);
    let pepper = [5u8; 32];
    let verifier = PinVerifier::derive(&proof, [6u8; 16], &pepper);
    old.set("device_key", &pkcs8).expect("set");
    old.set("cache_key", &[9u8; 32]).expect("set");
    old.set("local_pin_pepper", &pepper).expect("set");
    old.set(
        "local_pin_verifier",
        &serde_json::to_vec(&verifier).expect("JSON"),
    )
    .expect("set");
    let mut state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.path().join("state.json")).expect("state"))
            .expect("JSON");
    state["local_pin"]["consecutive_failures"] = 1.into();
    std::fs::write(
        data.path().join("state.json"),
        serde_json::to_vec(&state).expect("JSON"),
    )
    .expect("write");
    std::fs::remove_file(data.path().join("credentials.json")).expect("no cache yet");

    let upgraded = reopen(&server, old.clone(), &data);
    // The old counter is taken over: two more wrong PINs reach the lock.
    assert_eq!(
        upgraded
            .unlock("000001", now)
            .await
            .expect_err("wrong")
            .code(),
        "pin_wrong"
    );
    assert!(matches!(
        upgraded.unlock("000002", now).await,
        Err(ClientError::PinLocked { .. })
    ));
    let later = now + TimeDelta::seconds(31);
    assert!(upgraded.unlock(PIN, later).await.expect("old PIN").online);
    upgraded.present(Profile::Basic, later).expect("QR");

    // Sealed the new way; the plain entries are gone.
    let names: Vec<String> = old
        .entries()
        .expect("entries")
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        names,
        ["pin_attempts", "pin_sealed.1", "pin_sealed_current"]
    );
    upgraded.lock().await;
    assert!(upgraded.device_key().is_err());
    upgraded.unlock(PIN, later).await.expect("unlocks again");
    upgraded.present(Profile::Basic, later).expect("QR");
    std::fs::remove_dir_all(&server.dir).ok();
}

/// The in-memory store, failing the writes (or deletes) of one entry once armed.
struct Failing {
    inner: Arc<MemoryStore>,
    name: &'static str,
    on_delete: bool,
    armed: AtomicBool,
}

impl SecretStore for Failing {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, ClientError> {
        self.inner.get(name)
    }

    fn set(&self, name: &str, value: &[u8]) -> Result<(), ClientError> {
        if !self.on_delete && name == self.name && self.armed.load(Ordering::SeqCst) {
            return Err(ClientError::Storage(format!("injected: {name}")));
        }
        self.inner.set(name, value)
    }

    fn delete(&self, name: &str) -> Result<(), ClientError> {
        if self.on_delete && name == self.name && self.armed.load(Ordering::SeqCst) {
            return Err(ClientError::Storage(format!("injected: {name}")));
        }
        self.inner.delete(name)
    }
}

/// A PIN change on an app whose store fails at `name` (its write, or its delete), then a restart.
async fn change_pin_failing_at(
    server: &Server,
    name: &'static str,
    on_delete: bool,
    now: DateTime<Utc>,
) -> (
    Result<(), ClientError>,
    Resident<Arc<MemoryStore>>,
    Arc<MemoryStore>,
) {
    let (app, secrets, data, _nik, _) = activated(server, now).await;
    app.lock().await;
    let failing = Arc::new(Failing {
        inner: secrets.clone(),
        name,
        on_delete,
        armed: AtomicBool::new(false),
    });
    let app = reopen(server, failing.clone(), &data);
    app.unlock(PIN, now).await.expect("unlock");
    failing.armed.store(true, Ordering::SeqCst);
    let changed = app.change_pin(PIN, NEW_PIN, now).await;
    // The app is killed and started again on the same store.
    drop(app);
    (changed, reopen(server, secrets.clone(), &data), secrets)
}

#[tokio::test]
async fn a_pin_change_failing_before_the_server_keeps_the_old_pin() {
    let server = start_server("pin-crash-write").await;
    let now = Utc::now();
    let (changed, app, _) = change_pin_failing_at(&server, "pin_sealed.2", false, now).await;
    assert_eq!(changed.expect_err("failed").code(), "storage_failed");
    assert_eq!(
        app.unlock(NEW_PIN, now).await.expect_err("new").code(),
        "pin_wrong"
    );
    assert!(app.unlock(PIN, now).await.expect("old PIN").online);
    std::fs::remove_dir_all(&server.dir).ok();
}

#[tokio::test]
async fn a_pin_change_failing_after_the_server_agreed_opens_with_the_new_pin() {
    let server = start_server("pin-crash-switch").await;
    let now = Utc::now();
    let (changed, app, _) = change_pin_failing_at(&server, "pin_sealed_current", false, now).await;
    assert_eq!(changed.expect_err("failed").code(), "storage_failed");
    // The server holds the new PIN; the new generation was written: the new PIN opens it and
    // puts it in force, after which the old one no longer opens anything.
    assert!(app.unlock(NEW_PIN, now).await.expect("new PIN").online);
    app.present(Profile::Basic, now).expect("QR");
    app.lock().await;
    assert_eq!(
        app.unlock(PIN, now).await.expect_err("old").code(),
        "pin_wrong"
    );
    app.unlock(NEW_PIN, now).await.expect("new PIN again");
    std::fs::remove_dir_all(&server.dir).ok();
}

#[tokio::test]
async fn a_pin_change_failing_to_delete_the_old_keys_is_done_and_tidied_later() {
    let server = start_server("pin-crash-delete").await;
    let now = Utc::now();
    let (changed, app, secrets) = change_pin_failing_at(&server, "pin_sealed.1", true, now).await;
    changed.expect("the change is done");
    assert!(secrets.get("pin_sealed.1").expect("store").is_some());
    assert_eq!(
        app.unlock(PIN, now).await.expect_err("old").code(),
        "pin_wrong"
    );
    assert!(app.unlock(NEW_PIN, now).await.expect("new PIN").online);
    app.present(Profile::Basic, now).expect("QR");
    assert!(
        secrets.get("pin_sealed.1").expect("store").is_none(),
        "tidied by the unlock"
    );
    std::fs::remove_dir_all(&server.dir).ok();
}

#[tokio::test]
async fn a_pin_change_with_a_wrong_old_pin_is_counted_and_changes_nothing() {
    let server = start_server("pin-change-wrong").await;
    let now = Utc::now();
    let (app, secrets, _data, _nik, _) = activated(&server, now).await;
    app.lock().await;
    let sealed_before: Vec<(String, Vec<u8>)> = secrets
        .entries()
        .expect("entries")
        .into_iter()
        .filter(|(name, _)| name != "pin_attempts")
        .collect();

    let err = app
        .change_pin("000001", NEW_PIN, now)
        .await
        .expect_err("wrong old PIN");
    assert_eq!(err.code(), "pin_wrong");
    assert_eq!(counter(&secrets).consecutive_failures, 1);
    let sealed_after: Vec<(String, Vec<u8>)> = secrets
        .entries()
        .expect("entries")
        .into_iter()
        .filter(|(name, _)| name != "pin_attempts")
        .collect();
    assert_eq!(sealed_before, sealed_after, "nothing sealed again");
    assert!(
        app.unlock(PIN, now)
            .await
            .expect("the PIN is unchanged")
            .online
    );
    std::fs::remove_dir_all(&server.dir).ok();
}
