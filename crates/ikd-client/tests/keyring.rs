//! The real Secret Service (GNOME Keyring under `dbus-run-session`, started by scripts/test.sh):
//! secrets survive a restart of the app and are really gone after a delete.

use ikd_client::{KeyringStore, MemoryStore, Resident, SecretStore, SiakClient, StateDir};

fn service(name: &str) -> String {
    format!("ikd-test-{name}-{}", std::process::id())
}

#[test]
fn the_platform_store_is_the_real_one_and_never_a_mock() {
    // Chosen at compile time by the target (Android Keystore, iOS protected data, the Secret
    // Service here); a target without a real store does not compile.
    assert_eq!(ikd_client::keyring::PLATFORM_STORE, "secret-service");
    let store = KeyringStore::platform(&service("vendor")).expect("the Secret Service");
    let vendor = store.vendor();
    assert!(vendor.starts_with("Secret Service store"), "{vendor}");
    assert!(
        !vendor.contains("Mock") && !vendor.contains("Sample"),
        "{vendor}"
    );
    // Nothing in the app sets keyring-core's process-wide default store, so no entry can
    // silently land in one.
    assert!(keyring_core::get_default_store().is_none());
}

#[test]
fn secrets_round_trip_through_the_secret_service() {
    let store = KeyringStore::platform(&service("roundtrip"))
        .expect("a Secret Service is running (scripts/test.sh starts one)");
    assert_eq!(store.get("device_key").expect("read"), None);
    store.set("device_key", &[0, 1, 2, 255]).expect("write");
    store.set("device_key", &[9, 8, 7]).expect("replace");
    // Another handle (the app restarted) sees the same secret.
    let again = KeyringStore::platform(&service("roundtrip")).expect("store");
    assert_eq!(again.get("device_key").expect("read"), Some(vec![9, 8, 7]));
    again.delete("device_key").expect("delete");
    again.delete("device_key").expect("deleting twice is fine");
    assert_eq!(store.get("device_key").expect("read"), None);
}

#[test]
fn the_device_key_is_kept_across_restarts_and_never_written_to_the_data_dir() {
    let name = service("device");
    let data_dir = std::env::temp_dir().join(&name);
    let _ = std::fs::remove_dir_all(&data_dir);
    let make = || {
        Resident::new(
            SiakClient::new("http://127.0.0.1:9").expect("client"),
            KeyringStore::platform(&name).expect("store"),
            StateDir::new(&data_dir).expect("dir"),
        )
    };
    let first = make().device_key().expect("created").public_key();
    let second = make().device_key().expect("loaded").public_key();
    assert_eq!(first, second, "the same device after a restart");
    let pkcs8 = KeyringStore::platform(&name)
        .expect("store")
        .get("device_key")
        .expect("read")
        .expect("stored");
    for entry in std::fs::read_dir(&data_dir).expect("dir") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("file");
        assert!(!bytes.windows(pkcs8.len()).any(|w| w == pkcs8.as_slice()));
    }
    KeyringStore::platform(&name)
        .expect("store")
        .delete("device_key")
        .expect("clean up");
    let _ = std::fs::remove_dir_all(&data_dir);
    // The in-memory store forgets on restart: only the platform store keeps a device.
    let memory = MemoryStore::default();
    assert_eq!(memory.get("device_key").expect("read"), None);
}
