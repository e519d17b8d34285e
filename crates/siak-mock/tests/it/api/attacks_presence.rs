//! Attacks on approval by an operator without the resident: the registration QR must be made by
//! the registered phone for this registration in the current or the previous 30-second window.
//! An operator holding only what the queue shows, an old `IKDREG1:` text, another registration's
//! QR, a QR signed by another key or an old QR approves nothing; a run of wrong scans locks the
//! registration's approval; the phone's own QR approves.

use chrono::TimeDelta;
use ikd_core::RegistrationId;
use ikd_core::credential::DeviceSigningKey;
use ikd_core::protocol::RegistrationQr;
use reqwest::{Response, StatusCode, header};
use serde_json::{Value, json};

use super::console::{console_login, csrf, get_page, html, post_form};
use super::{Device, SampleReason, TestApp, body, problem, spawn_app};

/// A registered (waiting) device of the `nth` eligible resident and its registration id.
async fn waiting_nth(app: &TestApp, seed: u8, nth: u32) -> (Device, String) {
    let resident = app
        .residents(SampleReason::Eligible, nth + 1)
        .remove(nth as usize);
    let device = Device::new(seed, &resident);
    let response = app
        .post("/v1/registrations", device.registration(app).await)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let id = body(response).await["registration_id"]
        .as_str()
        .expect("id")
        .to_owned();
    (device, id)
}

/// [`waiting_nth`] of the first eligible resident.
async fn waiting(app: &TestApp, seed: u8) -> (Device, String) {
    waiting_nth(app, seed, 0).await
}

async fn approve(app: &TestApp, token: &str, id: &str, qr: &str) -> Response {
    app.post_auth(
        &format!("/v1/operator/registrations/{id}/approve"),
        token,
        json!({"registration_qr": qr}),
    )
    .await
}

async fn state(app: &TestApp, id: &str) -> Value {
    body(app.get(&format!("/v1/registrations/{id}"), None).await).await["state"].clone()
}

/// Asserts that `id` still waits and no activation code was mailed to `device`.
async fn nothing_approved(app: &TestApp, id: &str, device: &Device) {
    assert_eq!(state(app, id).await, "awaiting_operator_scan");
    let outbox = body(
        app.get(&format!("/dev/outbox?to={}", device.email), None)
            .await,
    )
    .await;
    assert!(
        !outbox.to_string().contains("activation_code"),
        "no code mailed: {outbox}"
    );
}

#[tokio::test]
async fn the_queue_alone_approves_nothing_and_shows_nothing_a_qr_can_be_made_from() {
    let app = spawn_app().await;
    let (device, id) = waiting(&app, 101).await;
    let token = app.operator_token().await;

    let queue = body(app.get("/v1/operator/registrations", Some(&token)).await).await;
    let item = queue
        .as_array()
        .expect("list")
        .iter()
        .find(|q| q["registration"]["registration_id"] == id.as_str())
        .expect("queued");
    assert!(!queue.to_string().contains("IKDREG"), "{queue}");
    assert_eq!(item["registration"].get("registration_qr"), None);
    let cookie = console_login(&app).await;
    let page = html(get_page(&app, "/operator", Some(&cookie)).await).await;
    assert!(page.contains(&id) && !page.contains(&format!("IKDREG2:{}", id.to_uppercase())));

    // Every QR the operator can build from the queue's data: refused, nothing approved.
    let now = app.clock.now();
    let window = ikd_core::protocol::registration_qr::window_of(now);
    let zeros = "A".repeat(86);
    let upper = id.to_uppercase();
    for (qr, code) in [
        (format!("IKDREG1:{upper}"), "registration_qr_outdated"),
        (format!("IKDREG2:{upper}"), "registration_qr_malformed"),
        (
            format!("IKDREG2:{upper}.{window}.{zeros}"),
            "registration_qr_invalid",
        ),
    ] {
        problem(
            approve(&app, &token, &id, &qr).await,
            StatusCode::BAD_REQUEST,
            code,
        )
        .await;
    }
    // The console's form is the same check.
    let form = [
        ("csrf", csrf(&page)),
        (
            "registration_qr",
            format!("IKDREG2:{upper}.{window}.{zeros}"),
        ),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let path = format!("/operator/registrations/{id}/approve");
    let response = post_form(&app, &path, Some(&cookie), &form).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(html(response).await.contains("data-testid=\"banner-err\""));
    nothing_approved(&app, &id, &device).await;
}

#[tokio::test]
async fn an_ikdreg1_text_is_outdated_and_tells_the_officer_to_have_the_app_updated() {
    let app = spawn_app().await;
    let (device, id) = waiting(&app, 102).await;
    let token = app.operator_token().await;
    let old = format!("IKDREG1:{}", id.to_uppercase());
    let p = problem(
        approve(&app, &token, &id, &old).await,
        StatusCode::BAD_REQUEST,
        "registration_qr_outdated",
    )
    .await;
    assert!(
        p["message_en"]
            .as_str()
            .expect("en")
            .contains("update the app")
    );
    assert!(
        p["message_id"]
            .as_str()
            .expect("id")
            .contains("memperbarui aplikasi")
    );
    nothing_approved(&app, &id, &device).await;
}

#[tokio::test]
async fn a_qr_of_another_registration_approves_neither() {
    let app = spawn_app().await;
    let (device, id) = waiting(&app, 103).await;
    let (other, other_id) = waiting_nth(&app, 104, 1).await;
    let token = app.operator_token().await;
    // The other resident's phone, showing its own (valid) QR, held up for this registration.
    let theirs = other.registration_qr(&app, &other_id);
    problem(
        approve(&app, &token, &id, &theirs).await,
        StatusCode::BAD_REQUEST,
        "registration_qr_mismatch",
    )
    .await;
    // This phone's key signing the other id: still not this registration.
    let shifted = device.registration_qr(&app, &other_id);
    problem(
        approve(&app, &token, &id, &shifted).await,
        StatusCode::BAD_REQUEST,
        "registration_qr_mismatch",
    )
    .await;
    nothing_approved(&app, &id, &device).await;
    nothing_approved(&app, &other_id, &other).await;
}

#[tokio::test]
async fn a_qr_signed_by_another_key_is_invalid() {
    let app = spawn_app().await;
    let (device, id) = waiting(&app, 105).await;
    let token = app.operator_token().await;
    let forger = DeviceSigningKey::from_seed(&[0xee; 32]);
    let registration: RegistrationId = id.parse().expect("id");
    let forged = RegistrationQr::make(&forger, &device.nik, registration, app.clock.now());
    problem(
        approve(&app, &token, &id, &forged.to_string()).await,
        StatusCode::BAD_REQUEST,
        "registration_qr_invalid",
    )
    .await;
    // The right key over another NIK (what a proof for someone else would be): invalid too.
    let other_nik = RegistrationQr::make(
        &device.key,
        "3174066311880001",
        registration,
        app.clock.now(),
    );
    problem(
        approve(&app, &token, &id, &other_nik.to_string()).await,
        StatusCode::BAD_REQUEST,
        "registration_qr_invalid",
    )
    .await;
    nothing_approved(&app, &id, &device).await;
}

#[tokio::test]
async fn a_qr_from_two_windows_ago_is_expired_and_one_from_a_later_window_is_refused() {
    let app = spawn_app().await;
    let (device, id) = waiting(&app, 106).await;
    let token = app.operator_token().await;
    let photographed = device.registration_qr(&app, &id);
    app.advance(TimeDelta::seconds(60));
    let p = problem(
        approve(&app, &token, &id, &photographed).await,
        StatusCode::BAD_REQUEST,
        "registration_qr_expired",
    )
    .await;
    assert!(
        p["message_en"]
            .as_str()
            .expect("en")
            .contains("show the QR again")
    );
    // A phone whose clock runs a window ahead.
    let registration: RegistrationId = id.parse().expect("id");
    let ahead = RegistrationQr::make(
        &device.key,
        &device.nik,
        registration,
        app.clock.now() + TimeDelta::seconds(30),
    );
    problem(
        approve(&app, &token, &id, &ahead.to_string()).await,
        StatusCode::BAD_REQUEST,
        "registration_qr_clock_ahead",
    )
    .await;
    nothing_approved(&app, &id, &device).await;
}

#[tokio::test]
async fn five_wrong_scans_lock_approval_for_15_minutes_even_for_the_honest_qr() {
    let app = spawn_app().await;
    let (device, id) = waiting(&app, 107).await;
    let token = app.operator_token().await;
    let registration: RegistrationId = id.parse().expect("id");
    // A malformed text could never pass: it does not count.
    for _ in 0..6 {
        problem(
            approve(&app, &token, &id, "IKDREG2:typo").await,
            StatusCode::BAD_REQUEST,
            "registration_qr_malformed",
        )
        .await;
    }
    for seed in 0..5u8 {
        let guess = RegistrationQr::make(
            &DeviceSigningKey::from_seed(&[seed; 32]),
            &device.nik,
            registration,
            app.clock.now(),
        );
        problem(
            approve(&app, &token, &id, &guess.to_string()).await,
            StatusCode::BAD_REQUEST,
            "registration_qr_invalid",
        )
        .await;
    }
    // The 6th scan, even the resident's own phone's: locked.
    let honest = device.registration_qr(&app, &id);
    let response = approve(&app, &token, &id, &honest).await;
    assert_eq!(response.headers()[header::RETRY_AFTER], "900");
    problem(
        response,
        StatusCode::TOO_MANY_REQUESTS,
        "registration_qr_locked",
    )
    .await;
    nothing_approved(&app, &id, &device).await;

    // Still locked a minute before the end; the honest QR approves after 15 minutes.
    app.advance(TimeDelta::minutes(14));
    let honest = device.registration_qr(&app, &id);
    problem(
        approve(&app, &token, &id, &honest).await,
        StatusCode::TOO_MANY_REQUESTS,
        "registration_qr_locked",
    )
    .await;
    app.advance(TimeDelta::minutes(1));
    let honest = device.registration_qr(&app, &id);
    let approved = approve(&app, &token, &id, &honest).await;
    assert_eq!(approved.status(), StatusCode::OK);
    assert_eq!(state(&app, &id).await, "approved");
}

#[tokio::test]
async fn the_phones_own_qr_approves_in_its_window_and_the_next() {
    let app = spawn_app().await;
    let (device, id) = waiting(&app, 108).await;
    let token = app.operator_token().await;
    // Scanned as the window turns: the previous window is still accepted.
    let shown = device.registration_qr(&app, &id);
    assert!(shown.starts_with(&format!("IKDREG2:{}.", id.to_uppercase())));
    app.advance(TimeDelta::seconds(30));
    let approved = approve(&app, &token, &id, &shown).await;
    assert_eq!(approved.status(), StatusCode::OK);
    assert_eq!(body(approved).await["state"], "approved");
    assert!(!app.activation_code(&device.email).await.is_empty());
}

#[tokio::test]
async fn a_registration_locked_by_wrong_scans_can_still_be_rejected() {
    let app = spawn_app().await;
    let (device, id) = waiting(&app, 109).await;
    let token = app.operator_token().await;
    let registration: RegistrationId = id.parse().expect("id");
    let forger = DeviceSigningKey::from_seed(&[0xdd; 32]);
    for _ in 0..5 {
        let guess = RegistrationQr::make(&forger, &device.nik, registration, app.clock.now());
        problem(
            approve(&app, &token, &id, &guess.to_string()).await,
            StatusCode::BAD_REQUEST,
            "registration_qr_invalid",
        )
        .await;
    }
    let honest = device.registration_qr(&app, &id);
    problem(
        approve(&app, &token, &id, &honest).await,
        StatusCode::TOO_MANY_REQUESTS,
        "registration_qr_locked",
    )
    .await;
    let rejected = app
        .post_auth(
            &format!("/v1/operator/registrations/{id}/reject"),
            &token,
            json!({"reason": "data_mismatch"}),
        )
        .await;
    assert_eq!(rejected.status(), StatusCode::OK);
    assert_eq!(state(&app, &id).await, "rejected");
}
