//! Attacks with a stolen resident session token, each written as the thief would try it: the
//! token alone on every resident route, a signed request replayed, a signature moved to another
//! route, another session, another body or another minute, and a signature by another device.
//! Each is refused with 401 and leaves every stored row as it was; the honest device goes on.

use chrono::TimeDelta;
use ikd_core::protocol::REQUEST_PROOF_HEADER;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use siak_mock::SampleReason;

use super::bad_input::snapshot;
use super::{Device, TestApp, activated, body, login, problem, spawn_app};

const PIN: &str = "284619";
const NEW_PIN: &str = "502718";

/// An activated resident and the session token of the activation.
async fn active(app: &TestApp, seed: u8) -> (Device, String) {
    let device = Device::new(seed, &app.resident(SampleReason::Eligible));
    let token = activated(app, &device, PIN).await;
    (device, token)
}

/// A second session of `device` (logged in again).
async fn second_session(app: &TestApp, device: &Device) -> String {
    let response = login(app, device, PIN).await;
    assert_eq!(response.status(), StatusCode::OK);
    body(response).await["session_token"]
        .as_str()
        .expect("token")
        .to_owned()
}

/// Every route that takes a resident session, with a body it would accept.
fn session_routes(device: &Device) -> Vec<(Method, &'static str, Vec<u8>)> {
    let json = |v: Value| serde_json::to_vec(&v).expect("json");
    vec![
        (Method::GET, "/v1/me", vec![]),
        (Method::GET, "/v1/me/family", vec![]),
        (Method::GET, "/v1/me/activity", vec![]),
        (Method::POST, "/v1/me/credentials", json(Value::Null)),
        (
            Method::POST,
            "/v1/me/pin",
            json(
                json!({"old_pin_proof": device.pin_proof(PIN), "new_pin_proof": device.pin_proof(NEW_PIN)}),
            ),
        ),
        (
            Method::POST,
            "/v1/me/release-device",
            json(json!({"pin_proof": device.pin_proof(PIN)})),
        ),
    ]
}

/// The PIN change the thief wants, as bytes.
fn pin_change(device: &Device) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"old_pin_proof": device.pin_proof(PIN), "new_pin_proof": device.pin_proof(NEW_PIN)}),
    )
    .expect("json")
}

/// The honest device still works: its session answers, and its PIN is the old one.
async fn owner_unharmed(app: &TestApp, device: &Device, token: &str) {
    let me = app.me_get("/v1/me", token, device).await;
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(body(me).await["nik"], device.nik.as_str());
    assert_eq!(login(app, device, PIN).await.status(), StatusCode::OK);
}

async fn refused(response: Response, code: &str) -> Value {
    problem(response, StatusCode::UNAUTHORIZED, code).await
}

#[tokio::test]
async fn a_stolen_token_alone_opens_no_session_route() {
    let app = spawn_app().await;
    let (device, token) = active(&app, 160).await;
    let before = snapshot(&app);
    for (method, path, payload) in session_routes(&device) {
        let r = app
            .send_signed(method.clone(), path, &token, None, payload.clone())
            .await;
        let p = refused(r, "request_proof_missing").await;
        assert!(p["message_en"].as_str().expect("text").contains("signed"));
        for forged in ["", "t=1", "Bearer x", "t=1, sig=AAAA", "t=1, sig=\u{e9}"] {
            let r = app
                .send_signed(
                    method.clone(),
                    path,
                    &token,
                    Some(forged.into()),
                    payload.clone(),
                )
                .await;
            refused(r, "request_proof_malformed").await;
        }
    }
    assert_eq!(snapshot(&app), before, "nothing stored changed");
    owner_unharmed(&app, &device, &token).await;
}

#[tokio::test]
async fn a_signed_request_sent_again_is_refused_as_a_replay() {
    let app = spawn_app().await;
    let (device, token) = active(&app, 161).await;
    let payload = serde_json::to_vec(&Value::Null).expect("json");
    let t = app.clock.now().timestamp();
    let proof = device.request_proof(&Method::POST, "/v1/me/credentials", &payload, &token, t);
    let first = app
        .send_signed(
            Method::POST,
            "/v1/me/credentials",
            &token,
            Some(proof.clone()),
            payload.clone(),
        )
        .await;
    assert_eq!(first.status(), StatusCode::OK);
    let before = snapshot(&app);
    // Captured on the wire and sent again, within the minute and at its very end.
    for wait in [0, 59] {
        app.advance(TimeDelta::seconds(wait));
        let again = app
            .send_signed(
                Method::POST,
                "/v1/me/credentials",
                &token,
                Some(proof.clone()),
                payload.clone(),
            )
            .await;
        refused(again, "request_proof_replayed").await;
    }
    // Once the server has forgotten it, the proof is too old anyway.
    app.advance(TimeDelta::seconds(62));
    let late = app
        .send_signed(
            Method::POST,
            "/v1/me/credentials",
            &token,
            Some(proof),
            payload,
        )
        .await;
    refused(late, "request_proof_stale").await;
    assert_eq!(snapshot(&app), before, "no credential issued twice");
}

#[tokio::test]
async fn a_signature_for_get_me_does_not_change_the_pin() {
    let app = spawn_app().await;
    let (device, token) = active(&app, 162).await;
    let before = snapshot(&app);
    let t = app.clock.now().timestamp();
    // The thief saw the device read the biodata and reuses its header on another route.
    let seen = device.request_proof(&Method::GET, "/v1/me", &[], &token, t);
    let r = app
        .send_signed(
            Method::POST,
            "/v1/me/pin",
            &token,
            Some(seen.clone()),
            pin_change(&device),
        )
        .await;
    refused(r, "request_proof_invalid").await;
    // …or on the same path with a query, or with another method.
    let r = app
        .send_signed(
            Method::GET,
            "/v1/me?x=1",
            &token,
            Some(seen.clone()),
            vec![],
        )
        .await;
    refused(r, "request_proof_invalid").await;
    let r = app
        .send_signed(
            Method::POST,
            "/v1/me/credentials",
            &token,
            Some(seen),
            vec![],
        )
        .await;
    refused(r, "request_proof_invalid").await;
    assert_eq!(snapshot(&app), before);
    owner_unharmed(&app, &device, &token).await;
}

#[tokio::test]
async fn a_signature_made_for_another_session_token_is_refused() {
    let app = spawn_app().await;
    let (device, stolen) = active(&app, 163).await;
    let mine = second_session(&app, &device).await;
    let before = snapshot(&app);
    let t = app.clock.now().timestamp();
    let body = pin_change(&device);
    // A proof the device made for its own session, sent with the stolen token.
    let proof = device.request_proof(&Method::POST, "/v1/me/pin", &body, &mine, t);
    let r = app
        .send_signed(Method::POST, "/v1/me/pin", &stolen, Some(proof), body)
        .await;
    refused(r, "request_proof_invalid").await;
    assert_eq!(snapshot(&app), before);
    owner_unharmed(&app, &device, &mine).await;
}

#[tokio::test]
async fn a_body_changed_after_signing_is_refused() {
    let app = spawn_app().await;
    let (device, token) = active(&app, 164).await;
    let before = snapshot(&app);
    let t = app.clock.now().timestamp();
    let signed =
        serde_json::to_vec(&json!({"pin_proof": device.pin_proof("111111")})).expect("json");
    let proof = device.request_proof(&Method::POST, "/v1/me/release-device", &signed, &token, t);
    let changed = serde_json::to_vec(&json!({"pin_proof": device.pin_proof(PIN)})).expect("json");
    let r = app
        .send_signed(
            Method::POST,
            "/v1/me/release-device",
            &token,
            Some(proof.clone()),
            changed,
        )
        .await;
    refused(r, "request_proof_invalid").await;
    // One byte of white space is a change too.
    let mut spaced = signed.clone();
    spaced.push(b' ');
    let r = app
        .send_signed(
            Method::POST,
            "/v1/me/release-device",
            &token,
            Some(proof),
            spaced,
        )
        .await;
    refused(r, "request_proof_invalid").await;
    assert_eq!(snapshot(&app), before, "the device is not released");
    owner_unharmed(&app, &device, &token).await;
}

#[tokio::test]
async fn a_proof_more_than_a_minute_off_the_servers_clock_is_refused() {
    let app = spawn_app().await;
    let (device, token) = active(&app, 165).await;
    let before = snapshot(&app);
    let now = app.clock.now();
    for off in [-61, 61, -3600, 86_400] {
        let t = now.timestamp() + off;
        let proof = device.request_proof(&Method::GET, "/v1/me", &[], &token, t);
        let r = app
            .send_signed(Method::GET, "/v1/me", &token, Some(proof), vec![])
            .await;
        // The refusal carries the server's time, so an honest phone with a wrong clock can adjust.
        let date = r.headers()["date"].to_str().expect("ascii").to_owned();
        assert_eq!(
            chrono::DateTime::parse_from_rfc2822(&date).map(|d| d.timestamp()),
            Ok(now.timestamp()),
            "{date}"
        );
        refused(r, "request_proof_stale").await;
    }
    // In English too, the refusal keeps the server's time.
    let proof = device.request_proof(&Method::GET, "/v1/me", &[], &token, now.timestamp() - 61);
    let r = app
        .http
        .get(format!("{}/v1/me", app.url))
        .bearer_auth(&token)
        .header(REQUEST_PROOF_HEADER, proof)
        .header("accept-language", "en")
        .send()
        .await
        .expect("request");
    assert_eq!(
        r.headers()["date"].to_str().ok().map(str::to_owned),
        Some(now.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
    );
    let p = refused(r, "request_proof_stale").await;
    assert_eq!(p["detail"], p["message_en"]);
    assert_eq!(snapshot(&app), before);
    for off in [-60, 60] {
        let t = now.timestamp() + off;
        let proof = device.request_proof(&Method::GET, "/v1/me", &[], &token, t);
        let r = app
            .send_signed(Method::GET, "/v1/me", &token, Some(proof), vec![])
            .await;
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{off} s off is within the window"
        );
    }
}

#[tokio::test]
async fn another_devices_signature_does_not_use_a_stolen_token() {
    let app = spawn_app().await;
    let residents = app.residents(SampleReason::Eligible, 2);
    let owner = Device::new(166, &residents[0]);
    let stolen = activated(&app, &owner, PIN).await;
    // The thief's own device, even one registered for an account of its own.
    let thief = Device::new(167, &residents[1]);
    let thiefs_token = activated(&app, &thief, PIN).await;
    // Or a key made up for the owner's NIK.
    let posing = Device::new(168, &residents[0]);
    let before = snapshot(&app);
    for device in [&thief, &posing] {
        for (method, path, payload) in session_routes(&owner) {
            let t = app.clock.now().timestamp();
            let proof = device.request_proof(&method, path, &payload, &stolen, t);
            let r = app
                .send_signed(method, path, &stolen, Some(proof), payload)
                .await;
            refused(r, "request_proof_invalid").await;
        }
    }
    assert_eq!(snapshot(&app), before);
    owner_unharmed(&app, &owner, &stolen).await;
    let own = app.me_get("/v1/me", &thiefs_token, &thief).await;
    assert_eq!(body(own).await["nik"], thief.nik.as_str());
}

#[tokio::test]
async fn the_honest_device_signs_every_route_and_the_pin_change_goes_through() {
    let app = spawn_app().await;
    let (device, token) = active(&app, 169).await;
    for (method, path) in [
        (Method::GET, "/v1/me"),
        (Method::GET, "/v1/me/family"),
        (Method::GET, "/v1/me/activity"),
    ] {
        let r = app.me(method, path, &token, &device, vec![]).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    let r = app
        .me_post("/v1/me/credentials", &token, &device, Value::Null)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .me(
            Method::POST,
            "/v1/me/pin",
            &token,
            &device,
            pin_change(&device),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(login(&app, &device, NEW_PIN).await.status(), StatusCode::OK);
}
