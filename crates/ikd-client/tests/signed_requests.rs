//! Every call the app makes on a session is signed by the device key, against a real `siak-mock`:
//! the honest app works end to end (also with a phone clock far off the server's), and a session
//! token copied off the phone opens nothing without the device key.

mod common;
use common::*;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{TimeDelta, Utc};
use ikd_client::{ClientError, MemoryStore, Resident, SessionAuth, SiakClient};
use ikd_core::credential::DeviceSigningKey;
use ikd_core::protocol::{DeviceProof, PinProof, ProofPurpose};
use ikd_core::wire::LoginRequest;
use ikd_core::{Localized, Nik, Pin};
use std::sync::Arc;

const PIN: &str = "284619";

/// An activated, unlocked resident of `server`.
async fn activated(server: &Server) -> (Resident<Arc<MemoryStore>>, Nik) {
    let sample = eligible(server);
    let (app, _, _) = app_for(server);
    let now = Utc::now();
    let email = sample.email.clone().unwrap_or("warga@example.id".into());
    let phone = sample.phone.clone().unwrap_or("081234567801".into());
    let registration = register(&app, &sample.nik, &email, &phone, now)
        .await
        .expect("registered");
    let code = operator_scans_and_approves(server, &app, &registration.registration_id).await;
    app.activate(&code, PIN, now).await.expect("activated");
    let nik = Nik::parse(&sample.nik, now.date_naive()).expect("nik");
    (app, nik)
}

/// A fresh session token of the resident's account, as a thief would copy it off the phone.
async fn copied_token(client: &SiakClient, key: &DeviceSigningKey, nik: &Nik) -> String {
    let challenge = client
        .login_challenge(nik.as_str())
        .await
        .expect("challenge");
    let nonce = B64.decode(&challenge.nonce).expect("nonce");
    let pin = Pin::parse(PIN).expect("pin");
    client
        .login(&LoginRequest {
            challenge_id: challenge.challenge_id.to_string(),
            device_proof: DeviceProof::sign(key, ProofPurpose::Login, nik.as_str(), &nonce)
                .to_string(),
            pin_proof: PinProof::derive(&pin, nik),
        })
        .await
        .expect("login")
        .session_token
}

fn refused_with(result: Result<impl std::fmt::Debug, ClientError>, code: &str) {
    match result {
        Err(ClientError::Refused(problem)) => {
            assert_eq!(problem.status, 401, "{problem:?}");
            assert_eq!(problem.code, code, "{problem:?}");
        }
        other => panic!("expected a refusal {code}, got {other:?}"),
    }
}

#[tokio::test]
async fn the_app_signs_every_session_call_and_a_copied_token_opens_nothing() {
    let server = start_server("signed").await;
    let (app, nik) = activated(&server).await;
    // The honest app: unlock (login and credentials), the family card, the history.
    let unlocked = app.unlock(PIN, Utc::now()).await.expect("unlock");
    assert!(unlocked.online, "{unlocked:?}");
    let family = app.family().await.expect("family");
    assert!(family.members.iter().any(|m| m.nik == nik));
    // Twice within a second: the second is a new request, not a replay.
    app.activity().await.expect("activity");
    app.activity().await.expect("activity again");

    let client = SiakClient::new(&server.url).expect("client");
    let device = app.device_key().expect("device key");
    let token = copied_token(&client, &device, &nik).await;
    // The token with the thief's own key: refused on every route.
    let thief = SessionAuth::new(token.clone(), DeviceSigningKey::from_seed(&[9; 32]));
    refused_with(client.family(&thief).await, "request_proof_invalid");
    refused_with(client.activity(&thief).await, "request_proof_invalid");
    refused_with(client.credentials(&thief).await, "request_proof_invalid");
    // The token alone, as a plain bearer token.
    let bare = reqwest::Client::new()
        .get(format!("{}/v1/me", server.url))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    assert_eq!(bare.status(), 401);
    let problem: serde_json::Value = bare.json().await.expect("problem");
    assert_eq!(problem["code"], "request_proof_missing");
    // The same token with the device's key works: it was the key, not the token, that counted.
    let owner = SessionAuth::new(token, device);
    assert_eq!(client.family(&owner).await.expect("family").kk, family.kk);
}

#[tokio::test]
async fn a_phone_whose_clock_is_far_off_still_signs_in_time() {
    let server = start_server("clock").await;
    let (app, _) = activated(&server).await;
    app.unlock(PIN, Utc::now()).await.expect("unlock");
    // The server's clock is now ten minutes ahead of the phone's: the first signed call is
    // refused as stale, the app takes the server's time from the refusal and signs again.
    server_clock().advance(TimeDelta::minutes(10));
    app.family().await.expect("family at the server's time");
    app.activity().await.expect("activity at the server's time");
    app.refresh_credentials().await.expect("credentials");
    let err = app.change_pin(PIN, "502718", Utc::now()).await;
    assert!(err.is_ok(), "{:?}", err.map_err(|e| e.code()));
}
