//! Attacks on the device change: someone with the resident's mailbox and a passing selfie (the
//! project's own synthetic face passes) tries to take the account over. A confirmed change waits
//! (72 hours here); the old phone, the mailed link and the resident's office can stop it; only the
//! key that started it can complete it; probing the start learns nothing.

use chrono::TimeDelta;
use ikd_core::RecoveryId;
use ikd_core::device_change::{STATUS_PROOF_HEADER, complete_challenge, status_challenge};
use ikd_core::protocol::ProofPurpose;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use siak_mock::SampleReason;
use siak_mock::operator_accounts::DEV_PASSWORD;

use super::{Device, TestApp, activated, body, login, problem, spawn_app};

const PIN: &str = "864209";
const NEW_PIN: &str = "531864";

/// Starts a device change of `owner`'s account from `new` with `email`.
async fn start(app: &TestApp, new: &Device, email: &str) -> Response {
    new.start_device_change(app, email).await
}

/// The device-change code in the newest mail to `to`.
async fn mailed_code(app: &TestApp, to: &str) -> String {
    let mail = app.last_mail(to).await;
    assert_eq!(mail["kind"], "device_change_code", "{mail}");
    mail["body"]
        .as_str()
        .expect("body")
        .lines()
        .find_map(|l| l.strip_prefix("Kode: "))
        .expect("code")
        .to_owned()
}

async fn confirm(app: &TestApp, new: &Device, id: &str, code: &str) -> Response {
    app.post(
        &format!("/v1/recovery/{id}/confirm"),
        json!({
            "nik": new.nik,
            "code": code,
            "device_proof": new.proof(ProofPurpose::Activate, id.as_bytes()),
        }),
    )
    .await
}

/// The new phone's poll, signed by `device`.
async fn status(app: &TestApp, device: &Device, id: &str) -> Response {
    let secs = app.clock.now().timestamp();
    let rid: RecoveryId = id.parse().expect("id");
    let proof = device.proof(ProofPurpose::Activate, &status_challenge(&rid, secs));
    app.http
        .get(format!("{}/v1/recovery/{id}", app.url))
        .header(STATUS_PROOF_HEADER, format!("{secs}.{proof}"))
        .send()
        .await
        .expect("request")
}

async fn state_of(app: &TestApp, device: &Device, id: &str) -> String {
    let r = status(app, device, id).await;
    assert_eq!(r.status(), StatusCode::OK);
    body(r).await["state"].as_str().expect("state").to_owned()
}

/// Completes as `device` (signing) for `nik`'s change.
async fn complete(app: &TestApp, device: &Device, nik: &str, id: &str) -> Response {
    let rid: RecoveryId = id.parse().expect("id");
    app.post(
        &format!("/v1/recovery/{id}/complete"),
        json!({
            "nik": nik,
            "device_proof": device.proof(ProofPurpose::Activate, &complete_challenge(&rid)),
            "pin_proof": device.pin_proof(NEW_PIN),
        }),
    )
    .await
}

/// An active owner and a taker who has the owner's mailbox and a passing selfie, with the change
/// confirmed and waiting: (owner, taker, recovery id).
async fn waiting(app: &TestApp, seed: u8) -> (Device, Device, String) {
    let owner = Device::new(seed, &app.resident(SampleReason::Eligible));
    activated(app, &owner, PIN).await;
    let mut taker = Device::new(seed + 1, &app.residents(SampleReason::Eligible, 4)[1]);
    taker.nik = owner.nik.clone();
    taker.email = owner.email.clone();
    let r = start(app, &taker, &owner.email).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let id = body(r).await["recovery_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let code = mailed_code(app, &owner.email).await;
    let r = confirm(app, &taker, &id, &code).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let view = body(r).await;
    assert_eq!(view["state"], "waiting", "{view}");
    (owner, taker, id)
}

async fn session(response: Response) -> String {
    assert_eq!(response.status(), StatusCode::OK);
    body(response).await["session_token"]
        .as_str()
        .expect("token")
        .to_owned()
}

#[tokio::test]
async fn the_mailbox_and_a_selfie_get_no_session_and_no_credential_before_the_wait_ends() {
    let app = spawn_app().await;
    let (owner, taker, id) = waiting(&app, 150).await;
    assert_eq!(
        app.last_mail(&owner.email).await["kind"],
        "device_change_waiting"
    );

    app.advance(TimeDelta::hours(71) + TimeDelta::minutes(59));
    assert_eq!(state_of(&app, &taker, &id).await, "waiting");
    let r = complete(&app, &taker, &owner.nik, &id).await;
    let refused = problem(r, StatusCode::CONFLICT, "device_change_waiting").await;
    assert!(
        refused["retry_after"].as_u64().is_some_and(|s| s <= 60),
        "{refused}"
    );
    // The taker's key logs in to nothing; the old phone still logs in and gets credentials.
    problem(
        login(&app, &taker, NEW_PIN).await,
        StatusCode::UNAUTHORIZED,
        "login_refused",
    )
    .await;
    let old = session(login(&app, &owner, PIN).await).await;
    let issued = app
        .me_post("/v1/me/credentials", &old, &owner, json!(null))
        .await;
    assert_eq!(issued.status(), StatusCode::OK);

    // At 72 hours the new phone completes, and only then is the old one out.
    app.advance(TimeDelta::minutes(1));
    assert_eq!(state_of(&app, &taker, &id).await, "ready");
    let new = session(complete(&app, &taker, &owner.nik, &id).await).await;
    assert_eq!(
        app.me_get("/v1/me", &new, &taker).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.me_get("/v1/me", &old, &owner).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(state_of(&app, &taker, &id).await, "completed");
    assert_eq!(app.last_mail(&owner.email).await["kind"], "device_changed");
    problem(
        complete(&app, &taker, &owner.nik, &id).await,
        StatusCode::CONFLICT,
        "device_change_completed",
    )
    .await;
}

#[tokio::test]
async fn the_old_phone_sees_the_change_and_its_cancel_stops_it_for_good() {
    let app = spawn_app().await;
    let (owner, taker, id) = waiting(&app, 152).await;
    let old = session(login(&app, &owner, PIN).await).await;
    let mine = body(app.me_get("/v1/me/device-change", &old, &owner).await).await;
    assert_eq!(mine["pending"]["from"], "new_phone", "{mine}");
    assert!(mine["pending"]["completes_at"].is_string(), "{mine}");

    let r = app
        .me_post("/v1/me/device-change/cancel", &old, &owner, json!(null))
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(state_of(&app, &taker, &id).await, "cancelled");
    assert_eq!(
        app.last_mail(&owner.email).await["kind"],
        "device_change_cancelled"
    );
    let mine = body(app.me_get("/v1/me/device-change", &old, &owner).await).await;
    assert!(mine["pending"].is_null(), "{mine}");
    let history = body(app.me_get("/v1/me/activity", &old, &owner).await).await;
    assert!(
        history.to_string().contains("device_change_cancelled"),
        "{history}"
    );
    problem(
        app.me_post("/v1/me/device-change/cancel", &old, &owner, json!(null))
            .await,
        StatusCode::NOT_FOUND,
        "device_change_none",
    )
    .await;

    // Never completes, however long the taker waits.
    app.advance(TimeDelta::hours(100));
    problem(
        complete(&app, &taker, &owner.nik, &id).await,
        StatusCode::GONE,
        "device_change_cancelled",
    )
    .await;
    assert_eq!(login(&app, &owner, PIN).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_mailed_link_cancels_with_one_post_and_only_once() {
    let app = spawn_app().await;
    let (owner, taker, id) = waiting(&app, 154).await;
    let mail = app.last_mail(&owner.email).await;
    let text = mail["body"].as_str().expect("body");
    let token = text
        .split("/device-change/cancel?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a cancel link")
        .to_owned();
    let page = app
        .get(&format!("/device-change/cancel?token={token}"), None)
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("method=\"post\"") && html.contains("Batalkan / Cancel"),
        "{html}"
    );
    // Opening the link changed nothing.
    assert_eq!(state_of(&app, &taker, &id).await, "waiting");

    let post = |t: String| {
        let app = &app;
        async move {
            app.http
                .post(format!("{}/device-change/cancel", app.url))
                .form(&[("token", t)])
                .send()
                .await
                .expect("request")
        }
    };
    assert_eq!(post(token.clone()).await.status(), StatusCode::OK);
    assert_eq!(state_of(&app, &taker, &id).await, "cancelled");
    assert_eq!(post(token.clone()).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(post("forged".into()).await.status(), StatusCode::NOT_FOUND);
    let again = app
        .get(&format!("/device-change/cancel?token={token}"), None)
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

/// Logs in a seeded operator with the development password.
async fn operator(app: &TestApp, username: &str) -> String {
    let r = app
        .post(
            "/v1/operator/login",
            json!({"username": username, "password": DEV_PASSWORD}),
        )
        .await;
    body(r).await["token"].as_str().expect("token").to_owned()
}

/// A seeded regency operator whose office does not cover `nik`.
fn other_office(nik: &str) -> &'static str {
    [
        ("operator.probolinggo", "3574"),
        ("operator.labura", "1223"),
    ]
    .into_iter()
    .find(|(_, code)| !nik.starts_with(code))
    .map(|(name, _)| name)
    .expect("an office elsewhere")
}

#[tokio::test]
async fn an_operator_of_another_office_can_neither_see_nor_decide_and_the_right_one_approves() {
    let app = spawn_app().await;
    let (owner, taker, id) = waiting(&app, 156).await;
    let stranger = operator(&app, other_office(&owner.nik)).await;
    let list = body(
        app.get("/v1/operator/device-changes", Some(&stranger))
            .await,
    )
    .await;
    assert_eq!(list, json!([]));
    for action in ["approve", "reject"] {
        problem(
            app.post_auth(
                &format!("/v1/operator/device-changes/{id}/{action}"),
                &stranger,
                json!(null),
            )
            .await,
            StatusCode::NOT_FOUND,
            "device_change_not_found",
        )
        .await;
    }
    // The national office sees it with the new phone's frames; the other office not even those.
    let national = app.operator_token().await;
    let list = body(
        app.get("/v1/operator/device-changes", Some(&national))
            .await,
    )
    .await;
    assert_eq!(list[0]["recovery_id"], id.as_str(), "{list}");
    let challenge = list[0]["challenge_id"].as_str().expect("challenge");
    let frame = format!("/operator/liveness/{challenge}/0");
    assert_eq!(
        app.get(&frame, Some(&national)).await.status(),
        StatusCode::OK
    );
    problem(
        app.get(&frame, Some(&stranger)).await,
        StatusCode::NOT_FOUND,
        "liveness_frame_not_found",
    )
    .await;
    assert_eq!(state_of(&app, &taker, &id).await, "waiting");

    let r = app
        .post_auth(
            &format!("/v1/operator/device-changes/{id}/approve"),
            &national,
            json!(null),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(state_of(&app, &taker, &id).await, "ready");
    session(complete(&app, &taker, &owner.nik, &id).await).await;
}

#[tokio::test]
async fn an_office_reject_cancels_for_good_and_mails_the_resident() {
    let app = spawn_app().await;
    let (owner, taker, id) = waiting(&app, 158).await;
    let national = app.operator_token().await;
    let r = app
        .post_auth(
            &format!("/v1/operator/device-changes/{id}/reject"),
            &national,
            json!(null),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let mail = app.last_mail(&owner.email).await;
    assert_eq!(mail["kind"], "device_change_cancelled", "{mail}");
    app.advance(TimeDelta::hours(73));
    assert_eq!(state_of(&app, &taker, &id).await, "cancelled");
    problem(
        complete(&app, &taker, &owner.nik, &id).await,
        StatusCode::GONE,
        "device_change_cancelled",
    )
    .await;
}

#[tokio::test]
async fn only_the_key_that_started_the_change_polls_or_completes_it() {
    let app = spawn_app().await;
    let (owner, taker, id) = waiting(&app, 160).await;
    app.advance(TimeDelta::hours(72));
    let mut thief = Device::new(162, &app.residents(SampleReason::Eligible, 4)[2]);
    thief.nik = owner.nik.clone();
    problem(
        status(&app, &thief, &id).await,
        StatusCode::UNAUTHORIZED,
        "recovery_proof_invalid",
    )
    .await;
    // The id alone opens nothing either.
    let bare = app.get(&format!("/v1/recovery/{id}"), None).await;
    problem(bare, StatusCode::UNAUTHORIZED, "recovery_proof_invalid").await;
    let r = complete(&app, &thief, &owner.nik, &id).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // The confirm request's proof (over the bare id) is not a completion proof.
    let replayed = app
        .post(
            &format!("/v1/recovery/{id}/complete"),
            json!({
                "nik": owner.nik,
                "device_proof": taker.proof(ProofPurpose::Activate, id.as_bytes()),
                "pin_proof": taker.pin_proof(NEW_PIN),
            }),
        )
        .await;
    assert_eq!(replayed.status(), StatusCode::BAD_REQUEST);
    assert_eq!(state_of(&app, &taker, &id).await, "ready");
    assert_eq!(login(&app, &owner, PIN).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_second_start_while_one_waits_neither_resets_nor_hides_the_first() {
    let app = spawn_app().await;
    let (owner, taker, id) = waiting(&app, 164).await;
    let old = session(login(&app, &owner, PIN).await).await;
    let first = body(app.me_get("/v1/me/device-change", &old, &owner).await).await;
    app.advance(TimeDelta::hours(10));

    let mut second = Device::new(166, &app.residents(SampleReason::Eligible, 4)[3]);
    second.nik = owner.nik.clone();
    let r = start(&app, &second, &owner.email).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let second_id = body(r).await["recovery_id"]
        .as_str()
        .expect("id")
        .to_owned();
    // No new code went out, and a code on the second id is simply wrong.
    assert_eq!(
        app.last_mail(&owner.email).await["kind"],
        "device_change_waiting"
    );
    problem(
        confirm(&app, &second, &second_id, "AAAA-AAAA").await,
        StatusCode::BAD_REQUEST,
        "recovery_code_wrong",
    )
    .await;
    let old = session(login(&app, &owner, PIN).await).await;
    let still = body(app.me_get("/v1/me/device-change", &old, &owner).await).await;
    assert_eq!(still, first);
    app.advance(TimeDelta::hours(62));
    session(complete(&app, &taker, &owner.nik, &id).await).await;
}

/// Status, and the body without the values that differ by nature (id, times).
async fn shape(response: Response) -> (StatusCode, Vec<String>, Value) {
    let status = response.status();
    let v = body(response).await;
    let keys = v
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    (status, keys, v)
}

#[tokio::test]
async fn the_start_and_a_confirm_answer_alike_whether_or_not_the_pair_is_an_account() {
    let app = spawn_app().await;
    let owner = Device::new(168, &app.resident(SampleReason::Eligible));
    activated(&app, &owner, PIN).await;
    let others = app.residents(SampleReason::Eligible, 4);
    let mut taker = Device::new(169, &others[1]);
    taker.nik = owner.nik.clone();
    let stranger = Device::new(170, &others[2]);

    let right = shape(start(&app, &taker, &owner.email).await).await;
    let wrong_email = shape(start(&app, &taker, "orang.lain@example.id").await).await;
    let no_account = shape(start(&app, &stranger, "orang.lain@example.id").await).await;
    for other in [&wrong_email, &no_account] {
        assert_eq!(
            (other.0, &other.1),
            (right.0, &right.1),
            "{} / {}",
            other.2,
            right.2
        );
    }
    assert_eq!(right.0, StatusCode::ACCEPTED);
    // The hint is of what was typed, not of the stored email.
    assert!(
        wrong_email.2["email_hint"]
            .as_str()
            .expect("hint")
            .starts_with("or***@")
    );

    // A wrong code on the real id and any code on a decoy id: the same answer, word for word.
    let id_of = |v: &Value| v["recovery_id"].as_str().expect("id").to_owned();
    let real = confirm(&app, &taker, &id_of(&right.2), "AAAA-AAAA").await;
    let decoy = confirm(&app, &taker, &id_of(&wrong_email.2), "AAAA-AAAA").await;
    let unknown = confirm(&app, &stranger, &id_of(&no_account.2), "AAAA-AAAA").await;
    let real = (real.status(), real.text().await.expect("text"));
    assert_eq!(real.0, StatusCode::BAD_REQUEST);
    for other in [decoy, unknown] {
        assert_eq!((other.status(), other.text().await.expect("text")), real);
    }
    // Nor does the poll tell an unconfirmed real id from a decoy.
    let a = status(&app, &taker, &id_of(&right.2)).await;
    let b = status(&app, &taker, &id_of(&wrong_email.2)).await;
    let a = (a.status(), a.text().await.expect("text"));
    assert_eq!(a.0, StatusCode::NOT_FOUND);
    assert_eq!((b.status(), b.text().await.expect("text")), a);
    // Only the real pair was mailed a code.
    assert_eq!(
        app.last_mail(&owner.email).await["kind"],
        "device_change_code"
    );
}
