//! Attacks on stored secrets, on the selfie replay check and on the resident's history, each
//! refused:
//!
//! - per-purpose keys: a PIN verifier or a code hash written today does not verify with the root
//!   secret (a leak of one purpose's key opens nothing else), while rows written with the root
//!   before the per-purpose keys still work — a verifier is re-keyed at its next login;
//! - a stored selfie decoded and sent again re-encoded (new bytes, the same pictures) under a new
//!   challenge and key is a replay (perceptual hash), while two residents' own selfies for the
//!   same movements are not;
//! - whoever holds a QR can write a verifier name into the resident's history once, not again
//!   and again, and an account gets at most 20 listed verifications an hour, the rest counted.

use chrono::TimeDelta;
use ikd_core::credential::{Credential, make_presentation};
use ikd_core::protocol::{ActivationCode, PinProof, PinVerifier};
use ikd_core::{Nik, Pin};
use ikd_liveness::GrayFrame;
use reqwest::StatusCode;
use ring::hmac;
use serde_json::{Value, json};
use siak_mock::SampleReason;
use siak_mock::secrets::{Purpose, PurposeKeys, Secrets, default_path};
use siak_mock::store::accounts;
use siak_mock::store::codes::{self, CodeTable};

use super::liveness::{
    actions_of, evidence_for, register_with, replay_changed_by, spawn_replaying,
};
use super::*;

const PIN: &str = "284619";

fn secrets(app: &TestApp) -> Secrets {
    Secrets::load_or_create(&default_path(&app.config.db), start_time()).expect("secrets")
}

fn store(app: &TestApp) -> Store {
    Store::open_unpopulated(&app.config.db).expect("open db")
}

fn proof(device: &Device, pin: &str) -> PinProof {
    let nik = Nik::parse(&device.nik, super::super::reference()).expect("NIK");
    PinProof::derive(&Pin::parse(pin).expect("PIN"), &nik)
}

fn stored_verifier(app: &TestApp, nik: &str) -> (PinVerifier, i64) {
    let stored = accounts::pin(store(app).connection(), nik).expect("pin");
    let verifier = PinVerifier {
        salt: stored.salt.try_into().expect("16 bytes"),
        hash: stored.hash.try_into().expect("32 bytes"),
    };
    (verifier, stored.key_version)
}

fn hmac_of(key: &[u8], code: &str) -> Vec<u8> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    hmac::sign(&key, code.as_bytes()).as_ref().to_vec()
}

#[tokio::test]
async fn new_pin_verifiers_and_code_hashes_do_not_verify_with_the_root_secret() {
    let app = spawn_app().await;
    let device = Device::new(91, &app.resident(SampleReason::Eligible));
    let (id, code) = register_and_approve(&app, &device).await;
    let secrets = secrets(&app);

    // Someone holding the root secret alone (or another purpose's key) cannot check a code guess.
    let stored = codes::load(store(&app).connection(), CodeTable::Activation, &id)
        .expect("load")
        .expect("code");
    assert_eq!(stored.key_version, PurposeKeys::CURRENT);
    let code = ActivationCode::parse(&code).expect("code");
    assert_ne!(stored.hash, hmac_of(secrets.pepper(), code.as_str()));
    assert_ne!(
        stored.hash,
        hmac_of(&secrets.key(Purpose::ConsoleForm), code.as_str())
    );
    assert_eq!(
        stored.hash,
        hmac_of(&secrets.key(Purpose::EmailedCode), code.as_str())
    );

    let response = activate(&app, &device, &id, code.as_str(), PIN).await;
    assert_eq!(response.status(), StatusCode::OK);
    let (verifier, version) = stored_verifier(&app, &device.nik);
    assert_eq!(version, PurposeKeys::CURRENT);
    let proof = proof(&device, PIN);
    assert!(!verifier.matches(&proof, secrets.pepper()));
    assert!(!verifier.matches(&proof, &secrets.key(Purpose::EmailedCode)));
    assert!(verifier.matches(&proof, &secrets.key(Purpose::PinVerifier)));
}

#[tokio::test]
async fn a_pin_verifier_written_with_the_root_secret_still_logs_in_and_is_rekeyed() {
    let app = spawn_app().await;
    let device = Device::new(92, &app.resident(SampleReason::Eligible));
    activated(&app, &device, PIN).await;
    let secrets = secrets(&app);
    let proof = proof(&device, PIN);

    // The row as a server before the per-purpose keys wrote it: keyed with the root, version 1.
    let old = PinVerifier::derive(&proof, [7; 16], secrets.pepper());
    accounts::set_pin(
        store(&app).connection(),
        &device.nik,
        &old,
        PurposeKeys::ROOT,
    )
    .expect("old row");

    // A wrong PIN is still wrong (and counted) against the old row.
    let wrong = login(&app, &device, "640219").await;
    problem(wrong, StatusCode::UNAUTHORIZED, "pin_wrong").await;
    assert_eq!(stored_verifier(&app, &device.nik), (old, PurposeKeys::ROOT));

    // The right PIN logs in, and the verifier is now made with the PIN verifiers' own key.
    assert_eq!(login(&app, &device, PIN).await.status(), StatusCode::OK);
    let (verifier, version) = stored_verifier(&app, &device.nik);
    assert_eq!(version, PurposeKeys::CURRENT);
    assert!(!verifier.matches(&proof, secrets.pepper()));
    assert!(verifier.matches(&proof, &secrets.key(Purpose::PinVerifier)));
    // And it keeps working.
    assert_eq!(login(&app, &device, PIN).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_activation_code_hashed_with_the_root_secret_still_activates_before_it_expires() {
    let app = spawn_app().await;
    let residents = app.residents(SampleReason::Eligible, 2);
    let secrets = secrets(&app);
    let mut old_codes = Vec::new();
    for (seed, resident) in [93, 94].into_iter().zip(&residents) {
        let device = Device::new(seed, resident);
        let (id, code) = register_and_approve(&app, &device).await;
        // Stored as before the per-purpose keys: HMAC with the root, version 1.
        let expires = start_time() + TimeDelta::hours(24);
        let old = hmac_of(
            secrets.pepper(),
            ActivationCode::parse(&code).expect("code").as_str(),
        );
        codes::put_activation(
            store(&app).connection(),
            &id,
            &old,
            PurposeKeys::ROOT,
            expires,
        )
        .expect("old row");
        old_codes.push((device, id, code));
    }
    let (device, id, code) = &old_codes[0];
    let response = activate(&app, device, id, code, PIN).await;
    assert_eq!(response.status(), StatusCode::OK);

    // An old code does not outlive its 24 hours.
    app.advance(TimeDelta::hours(25));
    let (device, id, code) = &old_codes[1];
    let response = activate(&app, device, id, code, PIN).await;
    problem(response, StatusCode::GONE, "activation_code_expired").await;
}

/// `jpeg` decoded and encoded again at `quality`: new bytes of the same picture.
fn changed(jpeg: &[u8], quality: u8) -> Vec<u8> {
    GrayFrame::from_jpeg(jpeg)
        .expect("a stored JPEG")
        .to_jpeg(quality)
}

/// Registers a resident with a fresh selfie; returns the challenge's movements and the evidence.
async fn registered_selfie(app: &TestApp, device: &Device) -> (Vec<ikd_liveness::Action>, Value) {
    let challenge = device.liveness_challenge(app, "register").await;
    let actions = actions_of(&challenge);
    let evidence = evidence_for(device, &actions, &challenge);
    let r = register_with(app, device, evidence.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    (actions, evidence)
}

#[tokio::test]
async fn a_stored_selfie_encoded_again_is_a_replay_under_a_new_challenge_and_key() {
    let app = spawn_replaying().await;
    let residents = app.residents(SampleReason::Eligible, 3);
    let victim = Device::new(95, &residents[0]);
    let (actions, evidence) = registered_selfie(&app, &victim).await;

    // Another resident's modified app sends the victim's pictures as new JPEG bytes.
    let replayer = Device::new(96, &residents[1]);
    let r = replay_changed_by(&app, &replayer, &actions, &evidence, |j| changed(j, 95)).await;
    problem(r, StatusCode::CONFLICT, "liveness_evidence_replayed").await;

    // Encoded once more at another quality: the same pictures still.
    let replayer = Device::new(97, &residents[2]);
    let r = replay_changed_by(&app, &replayer, &actions, &evidence, |j| changed(j, 90)).await;
    problem(r, StatusCode::CONFLICT, "liveness_evidence_replayed").await;
}

#[tokio::test]
async fn two_residents_own_selfies_for_the_same_movements_are_not_a_replay() {
    let app = spawn_replaying().await;
    let residents = app.residents(SampleReason::Eligible, 2);
    let first = Device::new(98, &residents[0]);
    let (actions, _) = registered_selfie(&app, &first).await;
    let second = Device::new(99, &residents[1]);
    let mut same = None;
    for _ in 0..3000 {
        let c = second.liveness_challenge(&app, "register").await;
        if actions_of(&c) == actions {
            same = Some(c);
            break;
        }
    }
    let same = same.expect("156 possible challenges: one repeats within 3000 draws");
    let r = register_with(&app, &second, evidence_for(&second, &actions, &same)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

/// An active resident's basic credential and session token.
async fn credential_of(app: &TestApp, device: &Device) -> (Credential, String) {
    let token = activated(app, device, PIN).await;
    let issued = body(
        app.me_post("/v1/me/credentials", &token, device, json!(null))
            .await,
    )
    .await;
    let credential = Credential::from_base64url(issued[0]["credential"].as_str().expect("text"))
        .expect("credential");
    (credential, token)
}

async fn verify(app: &TestApp, presentation: &str, verifier: &str) -> Value {
    let response = app
        .post(
            "/v1/verify",
            json!({"presentation": presentation, "verifier": verifier}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    body(response).await
}

async fn history(app: &TestApp, token: &str, device: &Device) -> Vec<Value> {
    let history = body(app.me_get("/v1/me/activity", token, device).await).await;
    history.as_array().expect("list").clone()
}

fn of_kind<'a>(history: &'a [Value], kind: &str) -> Vec<&'a Value> {
    history.iter().filter(|e| e["kind"] == kind).collect()
}

#[tokio::test]
async fn a_held_qr_writes_the_history_once_whatever_names_it_is_sent_with() {
    let app = spawn_app().await;
    let device = Device::new(100, &app.resident(SampleReason::Eligible));
    let (credential, token) = credential_of(&app, &device).await;
    let qr = make_presentation(&credential, &device.key, start_time(), None).expect("present");

    let first = verify(&app, qr.as_str(), "Bank Jatim Probolinggo").await;
    assert_eq!(first["status"], "active");
    // Whoever saw the QR sends it again and again with names of their choosing.
    for i in 0..10 {
        let again = verify(&app, qr.as_str(), &format!("Polisi {i}")).await;
        assert_eq!(
            (&again["valid"], &again["status"]),
            (&first["valid"], &first["status"]),
            "answered as before"
        );
    }
    let history = history(&app, &token, &device).await;
    let verified = of_kind(&history, "verified");
    assert_eq!(verified.len(), 1, "{history:?}");
    assert_eq!(verified[0]["verifier"], "Bank Jatim Probolinggo");
}

#[tokio::test]
async fn beyond_20_verifications_an_hour_are_answered_and_counted_not_listed() {
    let app = spawn_app().await;
    let device = Device::new(101, &app.resident(SampleReason::Eligible));
    let (credential, _) = credential_of(&app, &device).await;
    let now = start_time();
    for i in 0..25 {
        // 25 different presentations (one a second, all still fresh).
        let qr = make_presentation(&credential, &device.key, now - TimeDelta::seconds(i), None)
            .expect("present");
        let answer = verify(&app, qr.as_str(), &format!("Pemeriksa {i}")).await;
        assert_eq!(answer["valid"], true);
    }
    let token = body(login(&app, &device, PIN).await).await["session_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let listed = history(&app, &token, &device).await;
    assert_eq!(of_kind(&listed, "verified").len(), 20);
    let counted = of_kind(&listed, "verifications_not_recorded");
    assert_eq!(counted.len(), 1, "{listed:?}");
    assert_eq!(counted[0]["detail"], "5");

    // An hour later verifications are listed again.
    app.advance(TimeDelta::minutes(61));
    let qr = make_presentation(
        &credential,
        &device.key,
        start_time() + TimeDelta::minutes(61),
        None,
    )
    .expect("present");
    verify(&app, qr.as_str(), "Klinik Sehat").await;
    let token = body(login(&app, &device, PIN).await).await["session_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let listed = history(&app, &token, &device).await;
    assert_eq!(of_kind(&listed, "verified").len(), 21);
    assert_eq!(
        listed
            .iter()
            .find(|e| e["kind"] == "verified")
            .expect("newest")["verifier"],
        "Klinik Sehat"
    );
    assert_eq!(of_kind(&listed, "verifications_not_recorded").len(), 1);
}
