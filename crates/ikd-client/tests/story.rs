//! The resident's whole story, headless, against a real `siak-mock` on 127.0.0.1:0: register →
//! operator approves → code from the outbox → activate with a PIN → unlock → QR → verified offline
//! → change PIN → 3 wrong PINs lock → offline unlock and QR with the server stopped → release.

mod common;
use common::*;

use chrono::{TimeDelta, Utc};
use ikd_client::{ClientError, MemoryStore, Resident, SecretStore, SiakClient, StateDir};
use ikd_core::Localized;
use ikd_core::credential::{Profile, VerifyOptions, verify_presentation};
use siak_mock::{SampleReason, Store};

#[tokio::test]
async fn the_whole_story_online_and_offline() {
    let server = start_server("whole").await;
    let resident = eligible(&server);
    let (app, secrets, data) = app_for(&server);
    let now = Utc::now();

    // Bad input is refused by the core before anything is sent.
    let err = register(&app, "1234", "a@b.id", "0812345678", now)
        .await
        .expect_err("bad NIK");
    assert_eq!(err.code(), "nik_wrong_length");

    let email = resident
        .email
        .clone()
        .unwrap_or_else(|| "warga@example.id".into());
    let phone = resident
        .phone
        .clone()
        .unwrap_or_else(|| "081234567801".into());
    let registration = register(&app, &resident.nik, &email, &phone, now)
        .await
        .expect("registered");
    assert_eq!(
        registration.state,
        ikd_core::RegistrationState::AwaitingOperatorScan
    );
    let code = operator_scans_and_approves(&server, &app, &registration.registration_id).await;
    assert_eq!(
        app.registration_status().await.expect("status").state,
        ikd_core::RegistrationState::Approved
    );

    // A PIN against the rules is refused locally.
    let err = app
        .activate(&code, "123456", now)
        .await
        .expect_err("ascending PIN");
    assert_eq!(err.code(), "pin_ascending");
    app.activate(&code, "284619", now).await.expect("activated");

    let unlocked = app.unlock("284619", now).await.expect("unlock");
    assert!(unlocked.online && !unlocked.stale);
    let keys = SiakClient::new(&server.url)
        .expect("client")
        .issuer_keys()
        .await
        .expect("keys");
    for profile in Profile::ALL {
        let qr = app.present(profile, now).expect("presentation");
        let verified = verify_presentation(qr.as_str(), &keys, now, &VerifyOptions::default())
            .expect("verifies offline");
        assert_eq!(verified.profile, profile);
    }
    assert!(
        app.family()
            .await
            .expect("family")
            .members
            .iter()
            .any(|m| m.nik.as_str() == resident.nik)
    );

    // Change the PIN; the old one no longer unlocks.
    app.change_pin("284619", "502718", now)
        .await
        .expect("changed");
    assert_eq!(
        app.unlock("284619", now).await.expect_err("old PIN").code(),
        "pin_wrong"
    );
    app.unlock("502718", now).await.expect("new PIN");

    // Three wrong PINs lock this device for 30 s, even offline.
    for _ in 0..2 {
        assert_eq!(
            app.unlock("000001", now).await.expect_err("wrong").code(),
            "pin_wrong"
        );
    }
    assert!(matches!(
        app.unlock("000001", now).await,
        Err(ClientError::PinLocked {
            retry_after_secs: 30
        })
    ));
    assert!(matches!(
        app.unlock("502718", now).await,
        Err(ClientError::PinLocked { .. })
    ));
    let later = now + TimeDelta::seconds(31);

    // The server goes away: unlocking and the QR still work from the sealed cache.
    server.task.abort();
    let _ = server.task.await;
    let offline = app.unlock("502718", later).await.expect("offline unlock");
    assert!(!offline.online && offline.stale);
    assert!(offline.credentials_valid_until.expect("cached") > later);
    let qr = app.present(Profile::Age17, later).expect("offline QR");
    verify_presentation(qr.as_str(), &keys, later, &VerifyOptions::default())
        .expect("still verifies");

    // No key sits in the clear, neither in the secret store (they are sealed with the PIN,
    // tests/pin_bound.rs plays the thief) nor in a file.
    for name in ["device_key", "cache_key", "local_pin_verifier"] {
        assert!(secrets.get(name).expect("store").is_none(), "{name}");
    }
    let sealed = secrets.get("pin_sealed.2").expect("store").expect("sealed");
    for entry in std::fs::read_dir(data.path()).expect("dir") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("file");
        assert!(
            !bytes.windows(sealed.len()).any(|w| w == sealed.as_slice()),
            "secret in a file"
        );
        assert!(
            !String::from_utf8_lossy(&bytes).contains(&resident.name),
            "card data in clear"
        );
    }
    std::fs::remove_dir_all(&server.dir).ok();
}

#[tokio::test]
async fn releasing_the_device_forgets_everything_and_a_rejection_is_explained() {
    let server = start_server("release").await;
    let resident = eligible(&server);
    let (app, secrets, _data) = app_for(&server);
    let now = Utc::now();
    let email = resident
        .email
        .clone()
        .unwrap_or_else(|| "warga2@example.id".into());
    let phone = resident
        .phone
        .clone()
        .unwrap_or_else(|| "081234567802".into());
    let registration = register(&app, &resident.nik, &email, &phone, now)
        .await
        .expect("registered");
    let code = operator_scans_and_approves(&server, &app, &registration.registration_id).await;
    app.activate(&code, "284619", now).await.expect("activated");

    app.release_device("284619", now).await.expect("released");
    assert!(secrets.get("device_key").expect("store").is_none());
    assert!(matches!(
        app.present(Profile::Basic, now),
        Err(ClientError::NotReady(_))
    ));

    // Someone under 17 learns why at once, in both languages.
    let store = Store::open_unpopulated(&server.db).expect("db");
    let minor = store
        .sample(
            SampleReason::Under17Unmarried,
            Utc::now().date_naive(),
            1,
            None,
        )
        .expect("sample")
        .remove(0);
    let other = Resident::new(
        SiakClient::new(&server.url).expect("client"),
        MemoryStore::default(),
        StateDir::new(server.dir.join("other")).expect("dir"),
    );
    let err = register(&other, &minor.nik, "anak@example.id", "081234567803", now)
        .await
        .expect_err("too young");
    let ClientError::Refused(problem) = &err else {
        panic!("refused by the server: {err:?}")
    };
    assert_eq!(problem.code, "under_17_unmarried");
    assert!(err.message(ikd_core::Lang::Id).contains("17 tahun"));
    // What was typed is kept, so going back does not lose it.
    assert_eq!(
        other.state().expect("state").nik.as_deref(),
        Some(minor.nik.as_str())
    );
    std::fs::remove_dir_all(&server.dir).ok();
}

#[tokio::test]
async fn an_unreachable_server_is_reported_as_offline_after_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let client = SiakClient::new(&url).expect("client");
    let err = client
        .registration(&"0".repeat(32).parse().expect("an id"))
        .await
        .expect_err("nobody listens");
    assert_eq!(err.code(), "offline");
}
