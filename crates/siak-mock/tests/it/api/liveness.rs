//! Liveness over real HTTP: the challenge is bound, single-use and expires; the server re-runs
//! the analysis (a wrong order is refused whatever the app claims); frames sent before are a
//! replay; the operator sees the frames. Then the self-service device change with its mails.

use chrono::TimeDelta;
use ikd_core::credential::DeviceSigningKey;
use ikd_liveness::{Action, LivenessEvidence, synthetic};
use reqwest::StatusCode;
use serde_json::{Value, json};
use siak_mock::SampleReason;

use super::*;

pub(super) fn actions_of(challenge: &Value) -> Vec<Action> {
    serde_json::from_value(challenge["actions"].clone()).expect("actions")
}

pub(super) fn evidence_for(device: &Device, actions: &[Action], challenge: &Value) -> Value {
    let id = challenge["challenge_id"].as_str().expect("id");
    let evidence = synthetic::evidence_for(actions, &device.key, &device.nik, id)
        .expect("the synthetic face passes");
    serde_json::to_value(evidence).expect("json")
}

/// Lets the time of the capture in `liveness` pass on the server's clock: the server refuses
/// frames that claim more time than passed since the challenge.
fn let_capture_time_pass(app: &TestApp, liveness: &Value) {
    let span_ms = liveness["frames"]
        .as_array()
        .and_then(|f| f.last())
        .and_then(|f| f["t_ms"].as_i64())
        .unwrap_or(0);
    app.advance(TimeDelta::seconds(span_ms / 1000 + 1));
}

pub(super) async fn register_with(
    app: &TestApp,
    device: &Device,
    liveness: Value,
) -> reqwest::Response {
    let_capture_time_pass(app, &liveness);
    let mut request = device.registration_without_liveness();
    request["liveness"] = liveness;
    app.post("/v1/registrations", request).await
}

#[tokio::test]
async fn a_registration_needs_a_fresh_challenge_answered_by_this_device() {
    let app = spawn_app().await;
    let device = Device::new(41, &app.resident(SampleReason::Eligible));

    // No selfie at all.
    let r = app
        .post("/v1/registrations", device.registration_without_liveness())
        .await;
    problem(r, StatusCode::UNPROCESSABLE_ENTITY, "liveness_required").await;

    // A challenge is 2–4 actions, random, for this NIK and device only.
    let challenge = device.liveness_challenge(&app, "register").await;
    let actions = actions_of(&challenge);
    assert!((2..=4).contains(&actions.len()), "{challenge}");
    let other = Device::new(42, &app.resident(SampleReason::Eligible));
    let r = register_with(&app, &other, evidence_for(&other, &actions, &challenge)).await;
    problem(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "liveness_challenge_unknown",
    )
    .await;

    // The movements in another order: the server's own analysis refuses it, and the challenge
    // is spent, so the right answer cannot follow.
    let mut wrong = actions.clone();
    wrong.swap(0, 1);
    let r = register_with(&app, &device, evidence_for(&device, &wrong, &challenge)).await;
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY, "liveness_wrong_action").await;
    assert!(
        p["message_en"]
            .as_str()
            .is_some_and(|m| m.contains("order")),
        "{p}"
    );
    let r = register_with(&app, &device, evidence_for(&device, &actions, &challenge)).await;
    problem(r, StatusCode::CONFLICT, "liveness_challenge_used").await;

    // A challenge answered too late.
    let late = device.liveness_challenge(&app, "register").await;
    app.advance(TimeDelta::minutes(6));
    let r = register_with(
        &app,
        &device,
        evidence_for(&device, &actions_of(&late), &late),
    )
    .await;
    problem(r, StatusCode::GONE, "liveness_challenge_expired").await;

    // A challenge for a device change does not serve a registration.
    let recover = device.liveness_challenge(&app, "recover").await;
    let r = register_with(
        &app,
        &device,
        evidence_for(&device, &actions_of(&recover), &recover),
    )
    .await;
    problem(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "liveness_challenge_unknown",
    )
    .await;

    // Evidence whose signature is not this device's.
    let fresh = device.liveness_challenge(&app, "register").await;
    let mut forged = evidence_for(&device, &actions_of(&fresh), &fresh);
    let stranger = DeviceSigningKey::from_seed(&[9; 32]);
    let evidence: LivenessEvidence = serde_json::from_value(forged.clone()).expect("evidence");
    forged["device_proof"] = json!(
        synthetic::evidence_for(
            &actions_of(&fresh),
            &stranger,
            &device.nik,
            &evidence.challenge_id
        )
        .expect("evidence")
        .device_proof
    );
    let r = register_with(&app, &device, forged).await;
    problem(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "liveness_evidence_signature",
    )
    .await;

    // The right answer to a fresh challenge registers; sending it again (a lost answer on a weak
    // network) gets the same registration back.
    let good = device.liveness_challenge(&app, "register").await;
    let mut request = device.registration_without_liveness();
    request["liveness"] = evidence_for(&device, &actions_of(&good), &good);
    let_capture_time_pass(&app, &request["liveness"]);
    let first = app.post("/v1/registrations", request.clone()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first = body(first).await;
    let again = app.post("/v1/registrations", request).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(
        body(again).await["registration_id"],
        first["registration_id"]
    );
}

#[tokio::test]
async fn frames_sent_before_are_a_replay_even_under_a_new_challenge_and_key() {
    let app = spawn_replaying().await;
    let residents = app.residents(SampleReason::Eligible, 2);
    let first = Device::new(43, &residents[0]);
    let challenge = first.liveness_challenge(&app, "register").await;
    let actions = actions_of(&challenge);
    let evidence = evidence_for(&first, &actions, &challenge);
    let r = register_with(&app, &first, evidence.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // Another resident's modified app re-signs the same frames for a challenge that happens to
    // ask the same movements.
    let other = Device::new(44, &residents[1]);
    let r = replay_by(&app, &other, &actions, &evidence).await;
    problem(r, StatusCode::CONFLICT, "liveness_evidence_replayed").await;
}

/// A server for [`replay_by`], which draws challenges until one asks the wanted movements: no
/// limit per NIK nor per client address.
pub(super) async fn spawn_replaying() -> TestApp {
    spawn_configured(|c| {
        c.challenges_per_nik = 10_000;
        c.limits.rate_limit = siak_mock::api::RateLimit::Off;
    })
    .await
}

/// `by` (another resident's modified app) re-signs the frames of `evidence`, which answered a
/// challenge of `actions`, for a new challenge asking the same movements, and registers with them.
async fn replay_by(
    app: &TestApp,
    by: &Device,
    actions: &[Action],
    evidence: &Value,
) -> reqwest::Response {
    replay_changed_by(app, by, actions, evidence, <[u8]>::to_vec).await
}

/// [`replay_by`] with each frame's JPEG changed by `change` first (re-encoded, shifted, …).
pub(super) async fn replay_changed_by(
    app: &TestApp,
    by: &Device,
    actions: &[Action],
    evidence: &Value,
    change: impl Fn(&[u8]) -> Vec<u8>,
) -> reqwest::Response {
    let mut same = None;
    for _ in 0..3000 {
        let c = by.liveness_challenge(app, "register").await;
        if actions_of(&c) == actions {
            same = Some(c);
            break;
        }
    }
    let same = same.expect("156 possible challenges: one repeats within 3000 draws");
    let old: LivenessEvidence = serde_json::from_value(evidence.clone()).expect("evidence");
    let frames: Vec<_> = old
        .frames
        .iter()
        .map(|f| {
            use base64::Engine;
            let jpeg = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(&f.jpeg)
                .expect("base64");
            (f.t_ms, change(&jpeg), f.face)
        })
        .collect();
    let resigned = ikd_liveness::sign_evidence(
        &by.key,
        &by.nik,
        same["challenge_id"].as_str().expect("id"),
        &frames,
    );
    register_with(app, by, serde_json::to_value(resigned).expect("json")).await
}

#[tokio::test]
async fn pictures_are_deleted_after_the_retention_but_pending_cases_keep_theirs_and_replays_stay_refused()
 {
    let app = spawn_replaying().await;
    let residents = app.residents(SampleReason::Eligible, 3);
    // One registration approved today, one still waiting for its operator.
    let decided = Device::new(46, &residents[0]);
    let challenge = decided.liveness_challenge(&app, "register").await;
    let actions = actions_of(&challenge);
    let evidence = evidence_for(&decided, &actions, &challenge);
    let mut request = decided.registration_without_liveness();
    request["liveness"] = evidence.clone();
    let_capture_time_pass(&app, &evidence);
    register_and_approve_with(&app, &decided, request).await;
    let decided_id = challenge["challenge_id"].as_str().expect("id").to_owned();
    let pending = Device::new(47, &residents[1]);
    let pending_id = register_for_the_operator(&app, &pending).await["challenge_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let purge = |app: &TestApp| {
        let store = siak_mock::Store::open_unpopulated(&app.config.db).expect("open db");
        siak_mock::store::liveness::purge_frames(
            store.connection(),
            app.clock.now(),
            siak_mock::api::retention::DEFAULT_FRAME_RETENTION,
        )
        .expect("purge")
    };

    // Within the retention nothing goes.
    app.advance(siak_mock::api::retention::DEFAULT_FRAME_RETENTION - TimeDelta::hours(1));
    assert_eq!(purge(&app), 0);
    // After it, the decided case's pictures go, once.
    app.advance(TimeDelta::hours(2));
    let deleted = purge(&app);
    let sent = serde_json::from_value::<LivenessEvidence>(evidence.clone())
        .expect("evidence")
        .frames
        .len();
    assert_eq!(deleted, sent);
    assert_eq!(purge(&app), 0, "idempotent");

    let token = app.operator_token().await;
    let r = app
        .get(&format!("/operator/liveness/{decided_id}/0"), Some(&token))
        .await;
    problem(r, StatusCode::GONE, "liveness_frame_deleted").await;
    let r = app
        .get(&format!("/operator/liveness/{pending_id}/0"), Some(&token))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "a pending case keeps its frames"
    );
    assert_eq!(&r.bytes().await.expect("bytes")[..2], &[0xFF, 0xD8]);

    // The pictures are gone, their fingerprints are not: a replay is still refused.
    let other = Device::new(48, &residents[2]);
    let r = replay_by(&app, &other, &actions, &evidence).await;
    problem(r, StatusCode::CONFLICT, "liveness_evidence_replayed").await;
}

/// Registers `device` with a fresh selfie and answers the liveness record the operator's queue
/// shows for it.
async fn register_for_the_operator(app: &TestApp, device: &Device) -> Value {
    let response = app
        .post("/v1/registrations", device.registration(app).await)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let token = app.operator_token().await;
    let queue = body(app.get("/v1/operator/registrations", Some(&token)).await).await;
    queue
        .as_array()
        .expect("queue")
        .iter()
        .find(|i| i["nik"] == device.nik.as_str())
        .expect("listed")["liveness"]
        .clone()
}

#[tokio::test]
async fn the_operator_sees_the_movements_the_verdict_and_the_frames() {
    let app = spawn_app().await;
    let device = Device::new(45, &app.resident(SampleReason::Eligible));
    let liveness = &register_for_the_operator(&app, &device).await;
    let token = app.operator_token().await;
    assert_eq!(liveness["result"], "passed");
    let frames = liveness["frames"].as_u64().expect("frames");
    assert!(frames >= 3, "{liveness}");
    let id = liveness["challenge_id"].as_str().expect("id");
    let jpeg = app
        .get(&format!("/operator/liveness/{id}/0"), Some(&token))
        .await;
    assert_eq!(jpeg.status(), StatusCode::OK);
    assert_eq!(jpeg.headers()["content-type"], "image/jpeg");
    let bytes = jpeg.bytes().await.expect("bytes");
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "a JPEG");
    // Residents and strangers do not see them; a frame that does not exist is a clear 404.
    let r = app.get(&format!("/operator/liveness/{id}/0"), None).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .get(&format!("/operator/liveness/{id}/{frames}"), Some(&token))
        .await;
    problem(r, StatusCode::NOT_FOUND, "liveness_frame_not_found").await;
}

/// The code in the newest device-change mail to `to`.
async fn recovery_code(app: &TestApp, to: &str) -> String {
    let mail = app.last_mail(to).await;
    assert_eq!(mail["kind"], "device_change_code", "{mail}");
    let text = mail["body"].as_str().expect("body");
    assert!(
        text.contains("BUKAN Anda") && text.contains("NOT you"),
        "a warning: {text}"
    );
    text.lines()
        .find_map(|l| l.strip_prefix("Kode: "))
        .expect("the mail carries the code")
        .to_owned()
}

#[tokio::test]
async fn a_new_phone_takes_over_the_account_with_a_selfie_and_the_emailed_code() {
    let app = spawn_app().await;
    let old = Device::new(46, &app.resident(SampleReason::Eligible));
    let (id, code) = register_and_approve(&app, &old).await;
    assert_eq!(
        activate(&app, &old, &id, &code, "864209").await.status(),
        StatusCode::OK
    );
    let session = body(login(&app, &old, "864209").await).await["session_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let issued = app
        .me_post("/v1/me/credentials", &session, &old, json!(null))
        .await;
    assert_eq!(issued.status(), StatusCode::OK);

    let mut new = Device::new(47, &app.resident(SampleReason::Eligible));
    new.nik = old.nik.clone();
    new.email = old.email.clone();
    let start = |email: String| {
        let (new, app) = (&new, &app);
        async move { new.start_device_change(app, &email).await }
    };
    // The NIK with another email is not an account: answered alike (202), and nothing is mailed.
    let r = start("orang.lain@example.id".into()).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    assert_eq!(app.last_mail(&old.email).await["kind"], "activation_code");

    let r = start(old.email.to_uppercase()).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let pending = body(r).await;
    let hint = pending["email_hint"].as_str().expect("hint");
    assert!(
        hint.contains("***@") && !hint.contains(old.email.split('@').next().expect("local")),
        "{hint}"
    );
    let recovery = pending["recovery_id"].as_str().expect("id").to_owned();
    let code = recovery_code(&app, &old.email).await;

    let confirm = |code: &str| {
        json!({
            "nik": new.nik,
            "code": code,
            "device_proof": new.proof(ikd_core::protocol::ProofPurpose::Activate, recovery.as_bytes()),
        })
    };
    let path = format!("/v1/recovery/{recovery}/confirm");
    let r = app.post(&path, confirm("AAAA-AAAA")).await;
    problem(r, StatusCode::BAD_REQUEST, "recovery_code_wrong").await;
    // The old device still works until the code is entered.
    assert_eq!(login(&app, &old, "864209").await.status(), StatusCode::OK);

    let r = app.post(&path, confirm(&code)).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    assert_eq!(body(r).await["state"], "waiting");
    let r = app.post(&path, confirm(&code)).await;
    problem(r, StatusCode::CONFLICT, "recovery_code_used").await;
    // The confirmed change waits (72 hours); the old device still works meanwhile.
    assert_eq!(login(&app, &old, "864209").await.status(), StatusCode::OK);
    app.advance(TimeDelta::hours(72));
    let rid: ikd_core::RecoveryId = recovery.parse().expect("id");
    let done = app
        .post(
            &format!("/v1/recovery/{recovery}/complete"),
            json!({
                "nik": new.nik,
                "device_proof": new.proof(
                    ikd_core::protocol::ProofPurpose::Activate,
                    &ikd_core::device_change::complete_challenge(&rid),
                ),
                "pin_proof": new.pin_proof("531864"),
            }),
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);

    // The account is on the new phone with the new PIN; the old phone is out, its session and
    // credentials revoked, and the resident was told.
    assert_eq!(login(&app, &new, "531864").await.status(), StatusCode::OK);
    assert!(!login(&app, &old, "864209").await.status().is_success());
    assert_eq!(
        app.me_get("/v1/me", &session, &old).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let mail = app.last_mail(&old.email).await;
    assert_eq!(mail["kind"], "device_changed", "{mail}");
}

#[tokio::test]
async fn a_recovery_code_expires_and_burns_after_five_wrong_tries() {
    let app = spawn_app().await;
    let old = Device::new(48, &app.resident(SampleReason::Eligible));
    let (id, code) = register_and_approve(&app, &old).await;
    assert_eq!(
        activate(&app, &old, &id, &code, "864209").await.status(),
        StatusCode::OK
    );
    let start = || async {
        let r = old.start_device_change(&app, &old.email).await;
        assert_eq!(r.status(), StatusCode::ACCEPTED);
        body(r).await["recovery_id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    // A PIN reset on the same phone: five wrong codes burn it.
    let recovery = start().await;
    let path = format!("/v1/recovery/{recovery}/confirm");
    let body_with = |code: &str| {
        json!({"nik": old.nik, "code": code,
               "device_proof": old.proof(ikd_core::protocol::ProofPurpose::Activate, recovery.as_bytes())})
    };
    for _ in 0..4 {
        problem(
            app.post(&path, body_with("AAAA-AAAA")).await,
            StatusCode::BAD_REQUEST,
            "recovery_code_wrong",
        )
        .await;
    }
    problem(
        app.post(&path, body_with("AAAA-AAAA")).await,
        StatusCode::GONE,
        "recovery_code_burnt",
    )
    .await;
    let code = recovery_code(&app, &old.email).await;
    problem(
        app.post(&path, body_with(&code)).await,
        StatusCode::GONE,
        "recovery_code_burnt",
    )
    .await;

    // A new attempt, answered after 30 minutes.
    let recovery = start().await;
    let code = recovery_code(&app, &old.email).await;
    app.advance(TimeDelta::minutes(31));
    let path = format!("/v1/recovery/{recovery}/confirm");
    let late = json!({"nik": old.nik, "code": code,
        "device_proof": old.proof(ikd_core::protocol::ProofPurpose::Activate, recovery.as_bytes())});
    problem(
        app.post(&path, late).await,
        StatusCode::GONE,
        "recovery_code_expired",
    )
    .await;
    // The old PIN still works: nothing changed.
    assert_eq!(login(&app, &old, "864209").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn one_nik_gets_a_limited_number_of_challenges_an_hour_whoever_asks() {
    let app = spawn_configured(|c| c.challenges_per_nik = 3).await;
    let resident = app.resident(SampleReason::Eligible);
    let (phone, stranger) = (Device::new(49, &resident), Device::new(50, &resident));
    let first = body(phone.ask_challenge(&app, "register").await).await;
    assert!(first["challenge_id"].is_string(), "{first}");
    app.advance(TimeDelta::minutes(20));
    for device in [&phone, &stranger] {
        let r = device.ask_challenge(&app, "recover").await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    // The fourth within the hour is refused, for any device key and purpose, in both languages,
    // with the time until the first one leaves the hour.
    app.advance(TimeDelta::minutes(10));
    for device in [&phone, &stranger] {
        let r = device.ask_challenge(&app, "register").await;
        assert_eq!(r.headers()["retry-after"], "1800");
        let p = problem(
            r,
            StatusCode::TOO_MANY_REQUESTS,
            "liveness_too_many_challenges",
        )
        .await;
        assert!(
            p["message_id"]
                .as_str()
                .is_some_and(|m| m.contains("30 menit")),
            "{p}"
        );
        assert!(
            p["message_en"]
                .as_str()
                .is_some_and(|m| m.contains("30 minutes")),
            "{p}"
        );
    }
    // Another resident is not affected.
    let other = Device::new(51, &app.resident(SampleReason::KtpElNotRecorded));
    let r = other.ask_challenge(&app, "register").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // Once the first challenge is an hour old, one more may be had.
    app.advance(TimeDelta::minutes(30));
    let r = phone.ask_challenge(&app, "register").await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

/// Attack: frames recorded before the challenge existed (a prepared video, answered the instant
/// the challenge arrives) claim more capture time than has passed since the challenge was issued.
#[tokio::test]
async fn frames_claiming_more_time_than_since_the_challenge_are_refused() {
    let app = spawn_app().await;
    let device = Device::new(47, &app.resident(SampleReason::Eligible));
    let challenge = device.liveness_challenge(&app, "register").await;
    let evidence = evidence_for(&device, &actions_of(&challenge), &challenge);
    let span_ms = evidence["frames"]
        .as_array()
        .and_then(|f| f.last())
        .and_then(|f| f["t_ms"].as_i64())
        .expect("frames");
    assert!(span_ms > 2_000, "the synthetic capture lasts {span_ms} ms");
    // Sent at once: no time has passed on the server's clock.
    let mut request = device.registration_without_liveness();
    request["liveness"] = evidence;
    let before = super::bad_input::snapshot(&app);
    let r = app.post("/v1/registrations", request.clone()).await;
    problem(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "liveness_frame_times_invalid",
    )
    .await;
    assert_eq!(super::bad_input::snapshot(&app), before);
    // The challenge is spent like any failed answer: waiting afterwards does not help.
    app.advance(TimeDelta::seconds(span_ms / 1000 + 1));
    let r = app.post("/v1/registrations", request).await;
    problem(r, StatusCode::CONFLICT, "liveness_challenge_used").await;
}
