//! Attacks on login, device change and the PIN lock, each written as the attacker would try it:
//! telling accounts apart by the refusal, testing a NIK and email without a selfie, guessing PINs
//! for ever, and keeping a session alive after the PIN changed or the device was released.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::TimeDelta;
use ikd_core::protocol::ProofPurpose;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use siak_mock::SampleReason;

use super::{Device, TestApp, activated, body, login, problem, spawn_app};

pub(super) const PIN: &str = "284619";
const WRONG: &str = "000001";

/// An activated resident (the `index`-th eligible one) and the session of the activation.
async fn active(app: &TestApp, index: usize, seed: u8) -> (Device, String) {
    let residents = app.residents(SampleReason::Eligible, 4);
    let device = Device::new(seed, &residents[index]);
    let token = activated(app, &device, PIN).await;
    (device, token)
}

/// A fresh login challenge for `nik`: its id and nonce.
async fn login_challenge(app: &TestApp, nik: &str) -> (Value, Vec<u8>) {
    let challenge = body(app.post("/v1/login/challenge", json!({"nik": nik})).await).await;
    let nonce = B64
        .decode(challenge["nonce"].as_str().expect("nonce"))
        .expect("base64url");
    (challenge["challenge_id"].clone(), nonce)
}

async fn login_with(app: &TestApp, device: &Device, id: &Value, nonce: &[u8]) -> Response {
    app.post(
        "/v1/login",
        json!({
            "challenge_id": id,
            "device_proof": device.proof(ProofPurpose::Login, nonce),
            "pin_proof": device.pin_proof(PIN),
        }),
    )
    .await
}

/// Status, content type and body bytes of a response.
async fn exact(response: Response) -> (StatusCode, String, String) {
    let status = response.status();
    let ct = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    (status, ct, response.text().await.expect("body"))
}

#[tokio::test]
async fn login_for_an_unknown_nik_and_with_a_wrong_device_answer_the_same_bytes() {
    let app = spawn_app().await;
    let (owner, _) = active(&app, 0, 100).await;
    // A thief's key for the owner's NIK, and a NIK that has no account at all.
    let mut thief = Device::new(101, &app.residents(SampleReason::Eligible, 4)[0]);
    thief.nik = owner.nik.clone();
    let nobody = Device::new(102, &app.residents(SampleReason::Eligible, 4)[1]);

    let (id_a, nonce_a) = login_challenge(&app, &thief.nik).await;
    let wrong_device = exact(login_with(&app, &thief, &id_a, &nonce_a).await).await;
    let (id_b, nonce_b) = login_challenge(&app, &nobody.nik).await;
    let no_account = exact(login_with(&app, &nobody, &id_b, &nonce_b).await).await;
    assert_eq!(wrong_device, no_account);
    assert_eq!(wrong_device.0, StatusCode::UNAUTHORIZED);
    assert!(
        wrong_device.2.contains("\"code\":\"login_refused\""),
        "{}",
        wrong_device.2
    );

    // Both challenges are spent: trying them again is refused as such.
    for (device, id, nonce) in [(&thief, &id_a, &nonce_a), (&nobody, &id_b, &nonce_b)] {
        problem(
            login_with(&app, device, id, nonce).await,
            StatusCode::UNAUTHORIZED,
            "login_challenge_invalid",
        )
        .await;
    }
    // Nothing was counted against the owner: the right PIN still works.
    assert_eq!(login(&app, &owner, PIN).await.status(), StatusCode::OK);
}

/// A device-change start for `device`'s NIK with `email` and `liveness`.
async fn recovery(app: &TestApp, device: &Device, email: &str, liveness: &Value) -> Response {
    app.post(
        "/v1/recovery",
        json!({
            "nik": device.nik,
            "email": email,
            "device_public_key": device.public_key(),
            "liveness": liveness,
        }),
    )
    .await
}

#[tokio::test]
async fn a_device_change_with_a_wrong_email_or_an_unknown_nik_answers_the_same_and_spends_the_selfie()
 {
    let app = spawn_app().await;
    let (owner, _) = active(&app, 0, 110).await;
    let mut taker = Device::new(111, &app.residents(SampleReason::Eligible, 4)[0]);
    taker.nik = owner.nik.clone();
    let stranger = Device::new(112, &app.residents(SampleReason::Eligible, 4)[1]);

    // Without a passing selfie the pair is not even looked at: junk evidence is refused alike.
    let mut junk_answers = Vec::new();
    for (device, email) in [(&taker, owner.email.as_str()), (&stranger, "x@example.id")] {
        let mut challenge = device.liveness_challenge(&app, "recover").await;
        challenge["challenge_id"] = json!("00000000000000000000000000000000");
        let evidence = device.evidence(&app, &challenge);
        junk_answers.push(exact(recovery(&app, device, email, &evidence).await).await);
    }
    assert_eq!(junk_answers[0], junk_answers[1]);
    assert_eq!(junk_answers[0].0, StatusCode::UNPROCESSABLE_ENTITY);

    // With a passing selfie: the owner's NIK with another email, and a NIK without an account.
    let c1 = taker.liveness_challenge(&app, "recover").await;
    let e1 = taker.evidence(&app, &c1);
    let wrong_email = exact(recovery(&app, &taker, "orang.lain@example.id", &e1).await).await;
    let c2 = stranger.liveness_challenge(&app, "recover").await;
    let e2 = stranger.evidence(&app, &c2);
    let unknown_nik = exact(recovery(&app, &stranger, "orang.lain@example.id", &e2).await).await;
    // Both are answered as a match would be (202, a decoy id), with the hint of what was typed.
    assert_eq!(wrong_email.0, unknown_nik.0);
    assert_eq!(wrong_email.0, StatusCode::ACCEPTED);
    assert!(
        wrong_email.2.contains("\"email_hint\":\"or***@"),
        "{}",
        wrong_email.2
    );

    // Both challenges were spent: the same evidence again is refused, even with the right email.
    problem(
        recovery(&app, &taker, &owner.email, &e1).await,
        StatusCode::CONFLICT,
        "liveness_challenge_used",
    )
    .await;
    problem(
        recovery(&app, &stranger, "orang.lain@example.id", &e2).await,
        StatusCode::CONFLICT,
        "liveness_challenge_used",
    )
    .await;
    // And the owner got no device-change mail.
    assert_eq!(app.last_mail(&owner.email).await["kind"], "activation_code");
}

/// Twelve wrong PINs, waiting out each lock: the last answer.
pub(super) async fn guess_twelve_times(app: &TestApp, device: &Device) -> Response {
    let mut last = None;
    for _ in 0..12 {
        let response = login(app, device, WRONG).await;
        let wait = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()?.parse::<i64>().ok());
        if let Some(secs) = wait {
            app.advance(TimeDelta::seconds(secs));
        }
        last = Some(response);
    }
    last.expect("twelve answers")
}

#[tokio::test]
async fn twelve_wrong_pins_hard_lock_the_account_until_an_operator_unlocks_it() {
    let app = spawn_app().await;
    let (device, session) = active(&app, 0, 120).await;
    problem(
        guess_twelve_times(&app, &device).await,
        StatusCode::LOCKED,
        "account_hard_locked",
    )
    .await;
    // A day later, even the right PIN is refused; the sessions were ended; the resident was told.
    app.advance(TimeDelta::days(1));
    let refused = problem(
        login(&app, &device, PIN).await,
        StatusCode::LOCKED,
        "account_hard_locked",
    )
    .await;
    assert!(
        refused["message_en"]
            .as_str()
            .expect("text")
            .contains("Disdukcapil")
    );
    problem(
        app.me_get("/v1/me", &session, &device).await,
        StatusCode::UNAUTHORIZED,
        "session_invalid",
    )
    .await;
    let mail = app.last_mail(&device.email).await;
    assert_eq!(mail["kind"], "account_hard_locked", "{mail}");

    // Only an operator may unlock, only an account that exists and is hard-locked.
    let path = format!("/v1/operator/accounts/{}/unlock", device.nik);
    problem(
        app.post(&path, json!(null)).await,
        StatusCode::UNAUTHORIZED,
        "operator_session_invalid",
    )
    .await;
    problem(
        app.post_auth(&path, &session, json!(null)).await,
        StatusCode::UNAUTHORIZED,
        "operator_session_invalid",
    )
    .await;
    let operator = app.operator_token().await;
    let other = app.residents(SampleReason::Eligible, 4)[1].nik.clone();
    problem(
        app.post_auth(
            &format!("/v1/operator/accounts/{other}/unlock"),
            &operator,
            json!(null),
        )
        .await,
        StatusCode::NOT_FOUND,
        "account_not_found",
    )
    .await;
    problem(
        app.post_auth("/v1/operator/accounts/12345/unlock", &operator, json!(null))
            .await,
        StatusCode::BAD_REQUEST,
        "nik_wrong_length",
    )
    .await;
    let unlocked = app.post_auth(&path, &operator, json!(null)).await;
    assert_eq!(unlocked.status(), StatusCode::NO_CONTENT);
    problem(
        app.post_auth(&path, &operator, json!(null)).await,
        StatusCode::CONFLICT,
        "account_not_hard_locked",
    )
    .await;
    assert_eq!(login(&app, &device, PIN).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_completed_device_change_ends_the_hard_lock() {
    // Twelve guesses, the device change and the logins after it are more login-group requests
    // from one address than the per-client limit allows; this test is about the lock.
    let app =
        super::spawn_configured(|c| c.limits.rate_limit = siak_mock::api::RateLimit::Off).await;
    let (old, _) = active(&app, 0, 130).await;
    problem(
        guess_twelve_times(&app, &old).await,
        StatusCode::LOCKED,
        "account_hard_locked",
    )
    .await;
    let mut new = Device::new(131, &app.residents(SampleReason::Eligible, 4)[0]);
    new.nik = old.nik.clone();
    new.email = old.email.clone();
    let challenge = new.liveness_challenge(&app, "recover").await;
    let started = recovery(&app, &new, &old.email, &new.evidence(&app, &challenge)).await;
    assert_eq!(started.status(), StatusCode::ACCEPTED);
    let id = body(started).await["recovery_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mail = app.last_mail(&old.email).await;
    let code = mail["body"]
        .as_str()
        .expect("body")
        .lines()
        .find_map(|l| l.strip_prefix("Kode: "))
        .expect("code")
        .to_owned();
    let confirmed = app
        .post(
            &format!("/v1/recovery/{id}/confirm"),
            json!({
                "nik": new.nik,
                "code": code,
                "device_proof": new.proof(ProofPurpose::Activate, id.as_bytes()),
            }),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::ACCEPTED);
    // Confirmed is not completed: the old phone stays hard-locked through the wait.
    app.advance(TimeDelta::hours(71));
    problem(
        login(&app, &old, PIN).await,
        StatusCode::LOCKED,
        "account_hard_locked",
    )
    .await;
    app.advance(TimeDelta::hours(1));
    let rid: ikd_core::RecoveryId = id.parse().expect("id");
    let completed = app
        .post(
            &format!("/v1/recovery/{id}/complete"),
            json!({
                "nik": new.nik,
                "device_proof": new.proof(
                    ProofPurpose::Activate,
                    &ikd_core::device_change::complete_challenge(&rid),
                ),
                "pin_proof": new.pin_proof(PIN),
            }),
        )
        .await;
    assert_eq!(completed.status(), StatusCode::OK);
    assert_eq!(login(&app, &new, PIN).await.status(), StatusCode::OK);
}

async fn session_of(response: Response) -> String {
    assert_eq!(response.status(), StatusCode::OK);
    body(response).await["session_token"]
        .as_str()
        .expect("token")
        .to_owned()
}

#[tokio::test]
async fn a_pin_change_ends_every_other_session_and_keeps_the_callers() {
    let app = spawn_app().await;
    let (device, mine) = active(&app, 0, 140).await;
    let stolen = session_of(login(&app, &device, PIN).await).await;
    assert_eq!(
        app.me_get("/v1/me", &stolen, &device).await.status(),
        StatusCode::OK
    );
    let changed = app
        .me_post("/v1/me/pin", &mine, &device, json!({"old_pin_proof": device.pin_proof(PIN), "new_pin_proof": device.pin_proof("502718")}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    problem(
        app.me_get("/v1/me", &stolen, &device).await,
        StatusCode::UNAUTHORIZED,
        "session_invalid",
    )
    .await;
    assert_eq!(
        app.me_get("/v1/me", &mine, &device).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_release_ends_every_session_of_the_account() {
    let app = spawn_app().await;
    let (device, mine) = active(&app, 0, 150).await;
    let other = session_of(login(&app, &device, PIN).await).await;
    let released = app
        .me_post(
            "/v1/me/release-device",
            &mine,
            &device,
            json!({"pin_proof": device.pin_proof(PIN)}),
        )
        .await;
    assert_eq!(released.status(), StatusCode::NO_CONTENT);
    for token in [&mine, &other] {
        problem(
            app.me_get("/v1/me", token, &device).await,
            StatusCode::UNAUTHORIZED,
            "session_invalid",
        )
        .await;
    }
}
