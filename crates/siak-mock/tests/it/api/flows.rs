//! The resident's whole story through HTTP, and each way it can be refused.

use chrono::TimeDelta;
use ikd_core::credential::{
    Credential, IssuerKeySet, VerifyOptions, make_presentation, verify_presentation,
};
use reqwest::StatusCode;
use serde_json::json;
use siak_mock::SampleReason;

use super::{
    Device, TestApp, activate, activated, body, login, problem, register_and_approve, spawn_app,
};

const PIN: &str = "284619";

async fn active_resident(app: &TestApp, seed: u8) -> (Device, String) {
    let device = Device::new(seed, &app.resident(SampleReason::Eligible));
    let token = activated(app, &device, PIN).await;
    (device, token)
}

#[tokio::test]
async fn register_approve_activate_login_issue_and_verify() {
    let app = spawn_app().await;
    let device = Device::new(1, &app.resident(SampleReason::Eligible));

    let registration = body(
        app.post("/v1/registrations", device.registration(&app).await)
            .await,
    )
    .await;
    assert_eq!(registration["state"], "awaiting_operator_scan");
    let id = registration["registration_id"]
        .as_str()
        .expect("id")
        .to_owned();
    // The QR is made on the phone (device key, current window): the server sends none.
    assert_eq!(registration.get("registration_qr"), None);

    // Registering again from the same phone returns the same registration.
    let again = body(
        app.post("/v1/registrations", device.registration(&app).await)
            .await,
    )
    .await;
    assert_eq!(again["registration_id"], id.as_str());

    // The operator sees it in the queue.
    let token = app.operator_token().await;
    let queue = body(app.get("/v1/operator/registrations", Some(&token)).await).await;
    assert!(
        queue
            .as_array()
            .expect("list")
            .iter()
            .any(|q| q["registration"]["registration_id"] == id.as_str())
    );

    let (_, code) = {
        let qr = device.registration_qr(&app, &id);
        let approved = app
            .post_auth(
                &format!("/v1/operator/registrations/{id}/approve"),
                &token,
                json!({"registration_qr": qr}),
            )
            .await;
        assert_eq!(body(approved).await["state"], "approved");
        (id.clone(), app.activation_code(&device.email).await)
    };
    let status = body(app.get(&format!("/v1/registrations/{id}"), None).await).await;
    assert_eq!(status["state"], "approved");

    let session = body(activate(&app, &device, &id, &code, PIN).await).await;
    let token = session["session_token"].as_str().expect("token");
    assert_eq!(
        body(app.get(&format!("/v1/registrations/{id}"), None).await).await["state"],
        "activated"
    );

    // Login later with the PIN.
    let login = login(&app, &device, PIN).await;
    assert_eq!(login.status(), StatusCode::OK);

    // Credentials for every profile, bound to this device, verifiable offline with the published keys.
    let issued = body(
        app.me_post("/v1/me/credentials", token, &device, json!(null))
            .await,
    )
    .await;
    assert_eq!(issued.as_array().expect("list").len(), 3);
    let keys = IssuerKeySet::from_json(
        &app.get("/.well-known/ikd-issuer-keys", None)
            .await
            .text()
            .await
            .expect("text"),
    )
    .expect("jwks");
    let basic = issued
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["profile"] == "basic")
        .expect("basic");
    let credential = Credential::from_base64url(basic["credential"].as_str().expect("text"))
        .expect("credential");
    let now = super::start_time();
    let presentation = make_presentation(&credential, &device.key, now, None).expect("present");
    let verified =
        verify_presentation(presentation.as_str(), &keys, now, &VerifyOptions::default())
            .expect("verifies offline");
    assert_eq!(verified.claims.nik(), Some(device.nik.as_str()));

    // A verifier name with control characters would end up in the resident's history: refused.
    let hostile = app
        .post(
            "/v1/verify",
            json!({"presentation": presentation.as_str(), "verifier": "Bank\u{0}\n<script>"}),
        )
        .await;
    problem(hostile, StatusCode::BAD_REQUEST, "verifier_name_invalid").await;

    // Online verification knows it is active and writes the resident's history.
    let online = body(
        app.post(
            "/v1/verify",
            json!({"presentation": presentation.as_str(), "verifier": "Bank Jatim Probolinggo"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (online["valid"].as_bool(), online["status"].as_str()),
        (Some(true), Some("active"))
    );
    let history = body(app.me_get("/v1/me/activity", token, &device).await).await;
    let kinds: Vec<_> = history
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(kinds.first().map(String::as_str), Some("verified"));
    for kind in ["registered", "registration_approved", "activated", "login"] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
    assert_eq!(history[0]["verifier"], "Bank Jatim Probolinggo");

    // Biodata and family card.
    let me = body(app.me_get("/v1/me", token, &device).await).await;
    assert_eq!(me["nik"], device.nik.as_str());
    let family = body(app.me_get("/v1/me/family", token, &device).await).await;
    assert!(
        family["members"]
            .as_array()
            .expect("members")
            .iter()
            .any(|m| m["nik"] == device.nik.as_str())
    );
}

#[tokio::test]
async fn each_central_rejection_has_its_code() {
    let app = spawn_app().await;
    for (seed, category, code) in [
        (10, SampleReason::Under17Unmarried, "under_17_unmarried"),
        (11, SampleReason::KtpElNotRecorded, "ktp_el_not_recorded"),
        (12, SampleReason::DuplicateIdentity, "duplicate_identity"),
        (13, SampleReason::DeceasedOrInactive, "deceased_or_inactive"),
    ] {
        let device = Device::new(seed, &app.resident(category));
        problem(
            app.post("/v1/registrations", device.registration(&app).await)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    // A well-formed NIK that nobody holds.
    let mut ghost = Device::new(14, &app.resident(SampleReason::Eligible));
    ghost.nik = "3574011708959999".into();
    problem(
        app.post("/v1/registrations", ghost.registration(&app).await)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nik_not_found",
    )
    .await;
    // A married 16-year-old may register.
    let minor = Device::new(15, &app.resident(SampleReason::MarriedMinor));
    assert_eq!(
        app.post("/v1/registrations", minor.registration(&app).await)
            .await
            .status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_phone_serves_one_family_card_and_an_account_one_device() {
    let app = spawn_app().await;
    let (device, _token) = active_resident(&app, 20).await;

    // Someone of another family using the same phone number.
    let other = app.resident(SampleReason::Eligible);
    let store = siak_mock::Store::open_unpopulated(&app.config.db).expect("db");
    let others = store
        .sample(SampleReason::Eligible, super::super::reference(), 50, None)
        .expect("sample");
    let kk_of = |nik: &str| {
        store
            .resident(nik)
            .expect("query")
            .expect("resident")
            .resident
            .kk
    };
    let stranger = others
        .iter()
        .find(|s| kk_of(&s.nik) != kk_of(&device.nik))
        .expect("another family");
    let mut thief = Device::new(21, stranger);
    thief.phone = device.phone.clone();
    problem(
        app.post("/v1/registrations", thief.registration(&app).await)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "phone_used_by_other_family",
    )
    .await;
    let _ = other;

    // The same resident on a second phone, while the first is active.
    let mut second = Device::new(22, &app.resident(SampleReason::Eligible));
    second.nik = device.nik.clone();
    problem(
        app.post("/v1/registrations", second.registration(&app).await)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "active_on_other_device",
    )
    .await;
}

#[tokio::test]
async fn the_operator_rejects_with_a_reason_that_is_mailed() {
    let app = spawn_app().await;
    let device = Device::new(30, &app.resident(SampleReason::Eligible));
    let id = body(
        app.post("/v1/registrations", device.registration(&app).await)
            .await,
    )
    .await["registration_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let token = app.operator_token().await;

    // Approving needs the QR of this registration, not another.
    let wrong = app
        .post_auth(
            &format!("/v1/operator/registrations/{id}/approve"),
            &token,
            json!({"registration_qr": device.registration_qr(&app, &"a".repeat(32))}),
        )
        .await;
    problem(wrong, StatusCode::BAD_REQUEST, "registration_qr_mismatch").await;

    let rejected = app
        .post_auth(
            &format!("/v1/operator/registrations/{id}/reject"),
            &token,
            json!({"reason": "data_mismatch", "note": "Foto tidak sesuai"}),
        )
        .await;
    assert_eq!(body(rejected).await["reason"], "data_mismatch");
    let mail = app.last_mail(&device.email).await;
    assert_eq!(mail["kind"], "registration_rejected");
    assert!(
        mail["body"]
            .as_str()
            .expect("body")
            .contains("Foto tidak sesuai")
    );
    let status = body(app.get(&format!("/v1/registrations/{id}"), None).await).await;
    assert_eq!(
        (status["state"].as_str(), status["reason"].as_str()),
        (Some("rejected"), Some("data_mismatch"))
    );

    // A decided registration cannot be decided again.
    let again = app
        .post_auth(
            &format!("/v1/operator/registrations/{id}/reject"),
            &token,
            json!({"reason": "data_mismatch"}),
        )
        .await;
    problem(
        again,
        StatusCode::CONFLICT,
        "registration_invalid_transition",
    )
    .await;

    // Without an operator session nothing happens.
    let anonymous = app
        .post(
            &format!("/v1/operator/registrations/{id}/approve"),
            json!({"registration_qr": ""}),
        )
        .await;
    problem(
        anonymous,
        StatusCode::UNAUTHORIZED,
        "operator_session_invalid",
    )
    .await;
}

#[tokio::test]
async fn activation_codes_are_single_use_expire_and_burn_after_five_wrong_tries() {
    let app = spawn_app().await;
    let device = Device::new(40, &app.resident(SampleReason::Eligible));
    let (id, code) = register_and_approve(&app, &device).await;
    for left in (1..=4).rev() {
        let p = problem(
            activate(&app, &device, &id, "ABCD-EFGH", PIN).await,
            StatusCode::BAD_REQUEST,
            "activation_code_wrong",
        )
        .await;
        assert!(
            p["message_en"]
                .as_str()
                .expect("message")
                .ends_with(&format!("Tries left: {left}."))
        );
    }
    problem(
        activate(&app, &device, &id, "ABCD-EFGH", PIN).await,
        StatusCode::GONE,
        "activation_code_burnt",
    )
    .await;
    // Burnt: even the right code no longer works.
    problem(
        activate(&app, &device, &id, &code, PIN).await,
        StatusCode::GONE,
        "activation_code_burnt",
    )
    .await;

    // Another resident: the code expires after 24 hours.
    let late = Device::new(41, &app.resident(SampleReason::MarriedMinor));
    let (id, code) = register_and_approve(&app, &late).await;
    app.advance(TimeDelta::hours(24) + TimeDelta::seconds(1));
    problem(
        activate(&app, &late, &id, &code, PIN).await,
        StatusCode::GONE,
        "activation_code_expired",
    )
    .await;
}

#[tokio::test]
async fn a_used_code_cannot_activate_again_and_a_foreign_device_cannot_use_it() {
    let app = spawn_app().await;
    let device = Device::new(50, &app.resident(SampleReason::Eligible));
    let (id, code) = register_and_approve(&app, &device).await;
    let mut intruder = Device::new(51, &app.resident(SampleReason::Eligible));
    intruder.nik = device.nik.clone();
    problem(
        activate(&app, &intruder, &id, &code, PIN).await,
        StatusCode::BAD_REQUEST,
        "device_proof_invalid",
    )
    .await;
    assert_eq!(
        activate(&app, &device, &id, &code, PIN).await.status(),
        StatusCode::OK
    );
    problem(
        activate(&app, &device, &id, &code, PIN).await,
        StatusCode::CONFLICT,
        "registration_not_approved",
    )
    .await;
}

#[tokio::test]
async fn wrong_pins_lock_for_30_seconds_then_90_then_5_minutes() {
    let app = spawn_app().await;
    let (device, _) = active_resident(&app, 60).await;
    for _ in 0..2 {
        problem(
            login(&app, &device, "000001").await,
            StatusCode::UNAUTHORIZED,
            "pin_wrong",
        )
        .await;
    }
    let locked = problem(
        login(&app, &device, "000001").await,
        StatusCode::TOO_MANY_REQUESTS,
        "pin_locked",
    )
    .await;
    assert_eq!(locked["retry_after"], 30);
    // Even the right PIN is refused while locked.
    problem(
        login(&app, &device, PIN).await,
        StatusCode::TOO_MANY_REQUESTS,
        "pin_locked",
    )
    .await;
    app.advance(TimeDelta::seconds(30));
    let second = problem(
        login(&app, &device, "000001").await,
        StatusCode::TOO_MANY_REQUESTS,
        "pin_locked",
    )
    .await;
    assert_eq!(second["retry_after"], 90);
    app.advance(TimeDelta::seconds(90));
    let third = problem(
        login(&app, &device, "000001").await,
        StatusCode::TOO_MANY_REQUESTS,
        "pin_locked",
    )
    .await;
    assert_eq!(third["retry_after"], 300);
    app.advance(TimeDelta::seconds(300));
    assert_eq!(login(&app, &device, PIN).await.status(), StatusCode::OK);
    // The count starts again after a correct PIN.
    problem(
        login(&app, &device, "000001").await,
        StatusCode::UNAUTHORIZED,
        "pin_wrong",
    )
    .await;
}

#[tokio::test]
async fn changing_the_pin_refuses_the_old_one_afterwards() {
    let app = spawn_app().await;
    let (device, token) = active_resident(&app, 70).await;
    let wrong_old = app.me_post("/v1/me/pin", &token, &device, json!({"old_pin_proof": device.pin_proof("111112"), "new_pin_proof": device.pin_proof("502718")})).await;
    problem(wrong_old, StatusCode::UNAUTHORIZED, "pin_wrong").await;
    let changed = app.me_post("/v1/me/pin", &token, &device, json!({"old_pin_proof": device.pin_proof(PIN), "new_pin_proof": device.pin_proof("502718")})).await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    problem(
        login(&app, &device, PIN).await,
        StatusCode::UNAUTHORIZED,
        "pin_wrong",
    )
    .await;
    assert_eq!(
        login(&app, &device, "502718").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn releasing_the_device_revokes_credentials_and_allows_a_new_phone() {
    let app = spawn_app().await;
    let (device, token) = active_resident(&app, 80).await;
    let issued = body(
        app.me_post("/v1/me/credentials", &token, &device, json!(null))
            .await,
    )
    .await;
    let credential = Credential::from_base64url(issued[0]["credential"].as_str().expect("text"))
        .expect("credential");
    let presentation =
        make_presentation(&credential, &device.key, super::start_time(), None).expect("present");

    let released = app
        .me_post(
            "/v1/me/release-device",
            &token,
            &device,
            json!({"pin_proof": device.pin_proof(PIN)}),
        )
        .await;
    assert_eq!(released.status(), StatusCode::NO_CONTENT);
    // The old session and the old phone no longer work.
    problem(
        app.me_get("/v1/me", &token, &device).await,
        StatusCode::UNAUTHORIZED,
        "session_invalid",
    )
    .await;
    problem(
        login(&app, &device, PIN).await,
        StatusCode::UNAUTHORIZED,
        "login_refused",
    )
    .await;
    // A verifier online learns the credential is revoked; offline it still verifies until it expires.
    let online = body(
        app.post(
            "/v1/verify",
            json!({"presentation": presentation.as_str(), "verifier": "Klinik Sehat"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (online["valid"].as_bool(), online["status"].as_str()),
        (Some(false), Some("revoked"))
    );

    // The resident registers the new phone and is approved again.
    let mut new_phone = Device::new(81, &app.resident(SampleReason::Eligible));
    new_phone.nik = device.nik.clone();
    new_phone.email = device.email.clone();
    new_phone.phone = device.phone.clone();
    let (id, code) = register_and_approve(&app, &new_phone).await;
    assert_eq!(
        activate(&app, &new_phone, &id, &code, "640219")
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        login(&app, &new_phone, "640219").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn errors_speak_the_language_asked_for() {
    let app = spawn_app().await;
    let response = app
        .http
        .get(format!("{}/v1/registrations/00", app.url))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .expect("request");
    let p = problem(response, StatusCode::NOT_FOUND, "registration_not_found").await;
    assert_eq!(p["detail"], p["message_en"]);
    let p = problem(
        app.get("/v1/registrations/00", None).await,
        StatusCode::NOT_FOUND,
        "registration_not_found",
    )
    .await;
    assert_eq!(p["detail"], p["message_id"]);
}
