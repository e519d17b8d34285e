//! The app as its screens see it ([`ikd_client::App`]), against a real `siak-mock`: live form
//! checks, the status tracker, activation, the lock, the card and the QR, the language switch,
//! stale data offline, the office, and a rejection with "register again".

mod common;
use common::*;

use std::sync::Arc;

use chrono::Utc;
use ikd_client::views::{Draft, FrameSource, LinkScreen, LivenessPhase, Stage, WaitState};
use ikd_client::{App, MemoryStore, Resident, SiakClient, StateDir};
use ikd_core::activity::ActivityKind;
use ikd_core::credential::{IssuerKeySet, VerifyOptions, verify_presentation};
use ikd_core::i18n::Lang;
use ikd_core::registration::{StateCode, StepState, TrackerStep};
use ikd_core::wire::LivenessPurpose;
use serde_json::json;
use siak_mock::SampleReason;

const PIN: &str = "284619";

fn app(server: &Server, name: &str) -> App<Arc<MemoryStore>> {
    App::new(Resident::new(
        SiakClient::new(&server.url).expect("client"),
        Arc::new(MemoryStore::default()),
        StateDir::new(server.dir.join(name)).expect("data dir"),
    ))
}

async fn issuer_keys(server: &Server) -> IssuerKeySet {
    let text = reqwest::get(format!("{}/.well-known/ikd-issuer-keys", server.url))
        .await
        .expect("keys")
        .text()
        .await
        .expect("text");
    IssuerKeySet::from_json(&text).expect("key set")
}

#[tokio::test]
async fn from_the_form_to_a_verified_qr_through_the_screens_views() {
    let server = start_server("app-story").await;
    let resident = eligible(&server);
    let app = app(&server, "phone");
    let now = Utc::now();
    assert_eq!(app.info().expect("info").stage, Stage::New);

    // Live checks: nothing typed shows no error; a short NIK says why; a good one shows its region.
    let empty = app.check_registration("", "", "", now);
    assert!(empty.nik.field.empty && empty.nik.field.error.is_none() && !empty.ready);
    let short = app.check_registration("3574", "warga@", "0812", now);
    assert_eq!(
        short.nik.field.error.as_ref().map(|m| m.code.as_str()),
        Some("nik_wrong_length")
    );
    assert!(short.email.error.is_some() && short.phone.error.is_some());
    let email = resident
        .email
        .clone()
        .unwrap_or_else(|| "warga@example.id".into());
    let phone = resident
        .phone
        .clone()
        .unwrap_or_else(|| "0812-3456-7804".into());
    let good = app.check_registration(&resident.nik, &email, &phone, now);
    assert!(good.ready, "{good:?}");
    assert!(good.nik.province.is_some() && good.nik.birth_date.is_some());
    assert!(
        good.phone
            .value
            .as_deref()
            .is_some_and(|p| p.starts_with("+628"))
    );

    // The half-typed form survives the app being closed.
    let draft = Draft {
        nik: resident.nik.clone(),
        email: email.clone(),
        phone: phone.clone(),
    };
    app.save_draft(draft.clone()).expect("draft");
    assert_eq!(
        self::app(&server, "phone").info().expect("info").draft,
        draft
    );

    // The selfie: the server's challenge (2–4 actions, prompts in the app's language), a frame
    // of the wrong size is refused, a dark frame gets guidance, and the registration cannot be
    // sent before every action was seen.
    let session = app
        .liveness_start(&resident.nik, &email, &phone, now)
        .await
        .expect("challenge");
    assert!((2..=4).contains(&session.steps.len()));
    assert_eq!(
        (session.frame_width, session.frame_height, session.source),
        (320, 240, FrameSource::Camera)
    );
    let err = app.liveness_frame(&[0; 100], 0).expect_err("wrong size");
    assert_eq!(err.code, "frame_bad_size");
    let dark = app
        .liveness_frame(&vec![3; 320 * 240 * 4], 0)
        .expect("analysed");
    assert_eq!(dark.issue.map(|i| i.code), Some("too_dark".to_owned()));
    assert_eq!(dark.phase, LivenessPhase::Baseline);
    let err = app.liveness_finish(now).await.expect_err("not finished");
    assert_eq!(err.code, "liveness_not_finished");
    app.liveness_cancel();
    let err = app.liveness_frame(&[], 0).expect_err("cancelled");
    assert_eq!(err.code, "liveness_not_started");

    // Sent: the tracker shows the central check done and the operator's scan as the current step.
    let status = register_with_selfie(&app, &resident.nik, &email, &phone, now)
        .await
        .expect("registered");
    assert_eq!(status.state, StateCode::AwaitingOperatorScan);
    let states: Vec<_> = status.steps.iter().map(|s| s.state).collect();
    assert_eq!(
        states,
        [
            StepState::Done,
            StepState::Done,
            StepState::Current,
            StepState::Todo,
            StepState::Todo
        ]
    );
    assert_eq!(app.info().expect("info").stage, Stage::Registered);

    // The QR for the operator is made on the phone (no server call) for the current 30-second
    // window, the same until the window turns, another after.
    let shown_at = server_clock().now();
    let qr = app.registration_qr(shown_at).expect("registration QR");
    assert!(qr.svg.contains("<svg") && qr.text.starts_with("IKDREG2:"));
    assert!((1..=30).contains(&qr.seconds_left), "{}", qr.seconds_left);
    let turn = shown_at + chrono::TimeDelta::seconds(i64::from(qr.seconds_left));
    let same = app.registration_qr(turn - chrono::TimeDelta::seconds(1));
    assert_eq!(same.expect("same window").text, qr.text);
    let next = app.registration_qr(turn).expect("next window");
    assert_ne!(next.text, qr.text);
    assert_eq!(next.seconds_left, 30);

    // The operator scans the QR the phone shows: approved.
    let code = operator_approves(&server, &status.registration_id.to_string(), &qr.text).await;
    let approved = app.registration_status().await.expect("status");
    assert_eq!(approved.state, StateCode::Approved);

    // Nothing personal is shown before the PIN.
    assert_eq!(app.card(now).await.expect_err("locked").code, "locked");

    // The PIN screen explains a weak PIN and a mismatch before anything is sent.
    let weak = app.check_pin("123456", "123456", now);
    assert!(!weak.ready && weak.pin.error.is_some() && weak.rules.len() == 4);
    let mismatch = app.check_pin(PIN, "284610", now);
    assert_eq!(
        mismatch.confirm.error.as_ref().map(|m| m.code.as_str()),
        Some("pin_confirmation_mismatch")
    );

    let unlocked = app.activate(&code, PIN, now).await.expect("activated");
    assert!(unlocked.online && !unlocked.stale && unlocked.notice.is_none());
    assert_eq!(app.info().expect("info").stage, Stage::Activated);
    assert_eq!(app.info().expect("info").draft, Draft::default());
    let done = app.registration_qr(now).expect_err("no QR once activated");
    assert_eq!(done.code, "already_activated");

    let card = app.card(now).await.expect("card");
    assert_eq!(card.nik, resident.nik);
    assert_eq!(card.fields.len(), 16);
    assert!(!card.stale);

    // The QR verifies offline with the issuer's published keys and shows only what was chosen.
    let keys = issuer_keys(&server).await;
    let qr = app.present("age17", now).await.expect("qr");
    assert_eq!(qr.valid_secs, 90);
    assert!(qr.refresh_after_secs < qr.valid_secs);
    assert!(qr.svg.contains("<svg"));
    let verified = verify_presentation(&qr.text, &keys, Utc::now(), &VerifyOptions::default())
        .expect("valid QR");
    let disclosed = serde_json::to_string(&verified).expect("json");
    assert!(disclosed.contains("age_over_17"), "{disclosed}");
    assert!(
        !disclosed.contains(&resident.nik),
        "age17 must not show the NIK"
    );
    assert_eq!(
        app.present("everything", now).await.expect_err("bad").code,
        "profile_unknown"
    );

    // Going to the background locks; the PIN opens it again.
    app.lock().await;
    assert_eq!(
        app.present("basic", now).await.expect_err("locked").code,
        "locked"
    );
    let wrong = app.unlock("975310", now).await.expect_err("wrong PIN");
    assert_eq!(wrong.code, "pin_wrong");
    assert!(wrong.message.contains("PIN salah"));

    // English on request, remembered.
    assert_eq!(app.set_lang("en").expect("lang").lang, Lang::En);
    let wrong = app.unlock("975310", now).await.expect_err("wrong PIN");
    assert!(wrong.message.starts_with("Wrong PIN"), "{}", wrong.message);
    assert_eq!(
        app.set_lang("xx").expect_err("unknown").code,
        "lang_unknown"
    );
    app.unlock(PIN, now).await.expect("unlocked");
    assert_eq!(app.profiles()[0].label, "Age 17+ only");

    let family = app.family().await.expect("family");
    assert!(family.members.iter().any(|m| m.nik == resident.nik));
    let activity = app.activity().await.expect("activity");
    assert!(
        activity
            .iter()
            .any(|a| a.kind == ActivityKind::Activated && a.title == "Account activated")
    );

    // The office is the resident's own, or the national one with its channels.
    let office = app.office(now);
    assert!(!office.channels.is_empty());
    let regency = &resident.nik[..4];
    assert_eq!(
        office.national,
        !ikd_core::offices::all()
            .iter()
            .any(|o| o.regency_code == Some(regency))
    );

    // Server gone: the PIN still opens the card and the QR, flagged as saved data.
    server.task.abort();
    let _ = server.task.await;
    app.lock().await;
    let offline = app.unlock(PIN, now).await.expect("offline unlock");
    assert!(offline.stale && !offline.online);
    assert!(
        offline
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("saved data"))
    );
    assert!(app.card(now).await.expect("card").stale);
    let qr = app.present("basic", now).await.expect("offline QR");
    assert!(qr.stale);
    verify_presentation(&qr.text, &keys, Utc::now(), &VerifyOptions::default())
        .expect("still valid");
    assert!(app.refresh().await.expect("refresh").stale);
    std::fs::remove_dir_all(&server.dir).ok();
}

#[tokio::test]
async fn a_rejection_is_explained_and_the_resident_can_register_again() {
    let server = start_server("app-reject").await;
    let resident = eligible(&server);
    let app = app(&server, "phone");
    let now = Utc::now();
    let status = register_with_selfie(&app, &resident.nik, "warga@example.id", "081234567805", now)
        .await
        .expect("registered");

    let http = reqwest::Client::new();
    let token = operator_token(&server).await;
    let rejected = http
        .post(format!(
            "{}/v1/operator/registrations/{}/reject",
            server.url, status.registration_id
        ))
        .bearer_auth(&token)
        .json(&json!({"reason": "data_mismatch"}))
        .send()
        .await
        .expect("reject");
    assert!(rejected.status().is_success());

    let status = app.registration_status().await.expect("status");
    assert_eq!(status.state, StateCode::Rejected);
    let failed: Vec<_> = status
        .steps
        .iter()
        .filter(|s| s.state == StepState::Failed)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].key, TrackerStep::OperatorScan);
    assert_eq!(
        status.reason.as_ref().map(|r| r.code.as_str()),
        Some("data_mismatch")
    );

    let info = app.start_over().expect("start over");
    assert_eq!(info.stage, Stage::New);
    assert_eq!(info.draft.nik, resident.nik, "what was typed is kept");
    std::fs::remove_dir_all(&server.dir).ok();
}

#[tokio::test]
async fn every_rejection_reaches_the_resident_with_its_reason() {
    let server = start_server("app-rejections").await;
    let store = siak_mock::Store::open_unpopulated(&server.db).expect("db");
    let today = Utc::now().date_naive();
    let now = Utc::now();
    let mut phone_no = 10;
    let mut next_phone = || {
        phone_no += 1;
        format!("0812345678{phone_no}")
    };

    // The central checks, each by a resident of the register who must be refused for it.
    for reason in [
        SampleReason::Under17Unmarried,
        SampleReason::KtpElNotRecorded,
        SampleReason::DuplicateIdentity,
        SampleReason::DeceasedOrInactive,
    ] {
        let who = store
            .sample(reason, today, 1, None)
            .expect("sample")
            .remove(0);
        let app = app(&server, &format!("phone-{reason}"));
        let err = register_with_selfie(&app, &who.nik, "warga@example.id", &next_phone(), now)
            .await
            .expect_err("refused");
        let expected = reason.rejection_reason().expect("a rejection");
        assert_eq!(err.code, ikd_core::Localized::code(&expected), "{reason}");
        assert_eq!(
            err.message,
            ikd_core::Localized::message(&expected, ikd_core::Lang::Id)
        );
        // Nothing was registered: the form can be corrected and sent again.
        assert_eq!(app.info().expect("info").stage, Stage::New);
    }

    // A well-formed NIK nobody has.
    let mut unknown = eligible(&server).nik;
    unknown.replace_range(12..16, "9999");
    let err = register_with_selfie(
        &app(&server, "phone-unknown"),
        &unknown,
        "warga@example.id",
        &next_phone(),
        now,
    )
    .await
    .expect_err("unknown NIK");
    assert_eq!(err.code, "nik_not_found");

    // A married minor may register.
    let minor = store
        .sample(SampleReason::MarriedMinor, today, 1, None)
        .expect("sample")
        .remove(0);
    let status = register_with_selfie(
        &app(&server, "phone-minor"),
        &minor.nik,
        "warga@example.id",
        &next_phone(),
        now,
    )
    .await
    .expect("a married minor may register");
    assert_eq!(status.state, StateCode::AwaitingOperatorScan);

    // One account, one device: a second phone is refused while the first is active, and one
    // phone number serves one family card only.
    let holder = eligible(&server);
    let first = app(&server, "phone-first");
    let phone = next_phone();
    let code = approved_with_selfie(
        &first,
        &server,
        &holder.nik,
        "warga@example.id",
        &phone,
        now,
    )
    .await;
    first.activate(&code, PIN, now).await.expect("activated");
    let err = register_with_selfie(
        &app(&server, "phone-second"),
        &holder.nik,
        "warga@example.id",
        &next_phone(),
        now,
    )
    .await
    .expect_err("active elsewhere");
    assert_eq!(err.code, "active_on_other_device");
    assert!(err.message.contains("Lepas Perangkat") || err.message.contains("perangkat"));

    let kk_of = |nik: &str| {
        store
            .resident(nik)
            .expect("query")
            .expect("resident")
            .resident
            .kk
    };
    let stranger = store
        .sample(SampleReason::Eligible, today, 50, None)
        .expect("sample")
        .into_iter()
        .find(|s| kk_of(&s.nik) != kk_of(&holder.nik))
        .expect("someone of another family");
    let err = register_with_selfie(
        &app(&server, "phone-stranger"),
        &stranger.nik,
        "lain@example.id",
        &phone,
        now,
    )
    .await
    .expect_err("phone of another family");
    assert_eq!(err.code, "phone_used_by_other_family");
    std::fs::remove_dir_all(&server.dir).ok();
}

#[tokio::test]
async fn a_new_phone_takes_over_with_a_selfie_and_the_emailed_code() {
    let server = start_server("app-recover").await;
    let resident = eligible(&server);
    let now = Utc::now();
    let email = "pindah@example.id";
    let old = app(&server, "old-phone");
    let code = approved_with_selfie(&old, &server, &resident.nik, email, "081234567871", now).await;
    old.activate(&code, PIN, now).await.expect("activated");
    old.lock().await;

    // The new phone: NIK + the account's email, then the selfie.
    let new = app(&server, "new-phone");
    // Another email: the selfie passes and the server answers as for a match (nothing is mailed,
    // and the id it gives never takes a code), so a prober learns nothing.
    let wrong = new
        .recovery_start(&resident.nik, "bukan@example.id", now)
        .await
        .expect("challenge");
    let actions: Vec<&str> = wrong.steps.iter().map(|s| s.action.code()).collect();
    let mut last_t = 0;
    for (t, rgba) in camera_frames(&actions, &wrong.challenge_id.to_string()) {
        new.liveness_frame(&rgba, t).expect("progress");
        last_t = t;
    }
    let_capture_time_pass(last_t);
    let decoy = new.liveness_finish(now).await.expect("answered alike");
    assert!(decoy.recovery.is_some());
    let session = new
        .recovery_start(&resident.nik, email, now)
        .await
        .expect("challenge");
    assert_eq!(session.purpose, LivenessPurpose::Recover);
    let actions: Vec<&str> = session.steps.iter().map(|s| s.action.code()).collect();
    for (t, rgba) in camera_frames(&actions, &session.challenge_id.to_string()) {
        if new.liveness_frame(&rgba, t).expect("progress").phase == LivenessPhase::Done {
            let_capture_time_pass(t);
            break;
        }
    }
    let result = new.liveness_finish(now).await.expect("code mailed");
    let recovery = result.recovery.expect("a pending device change");
    assert!(
        recovery.email_hint.starts_with("pi***@"),
        "{}",
        recovery.email_hint
    );
    assert!(
        (29..=31).contains(&recovery.expires_in_minutes),
        "{}",
        recovery.expires_in_minutes
    );
    let info = new.info().expect("info");
    assert_eq!(info.stage, Stage::Recovering);
    assert_eq!(
        info.recovery.map(|r| r.email_hint),
        Some(recovery.email_hint)
    );

    // The code and a new PIN: this phone is unlocked with the card; the old one is out.
    let code = recovery_code(&server).await;
    // The mail's link opens the confirmation with that code, on this phone only.
    let link = mail_link(&server).await;
    let opened = new.open_link(&link).expect("the new phone's link");
    assert_eq!(opened.screen, LinkScreen::Recover);
    assert_eq!(opened.code, code);
    assert_eq!(
        old.open_link(&link).expect_err("not the old phone's").code,
        "link_other_phone"
    );
    // The confirmed code starts the waiting period: nothing moves yet, the old phone is told and
    // still works.
    let waiting = new
        .recovery_confirm(&code, now)
        .await
        .expect("confirmed")
        .waiting
        .expect("a wait");
    assert_eq!(waiting.state, WaitState::Waiting);
    assert!((71..=73).contains(&waiting.hours_left), "{waiting:?}");
    let polled = new.recovery_poll(now).await.expect("polled");
    assert_eq!(polled.waiting.map(|w| w.state), Some(WaitState::Waiting));
    let err = new
        .recovery_complete("123456", now)
        .await
        .expect_err("weak PIN");
    assert!(err.code.starts_with("pin_"), "{}", err.code);
    let err = new
        .recovery_complete("730192", now)
        .await
        .expect_err("the change waits");
    assert_eq!(err.code, "device_change_waiting");
    assert!(err.message.contains("UTC"), "{}", err.message);
    old.unlock(PIN, now)
        .await
        .expect("the old phone still works");
    let notice = old
        .device_change_notice(now)
        .await
        .expect("asked")
        .expect("a change is waiting");
    assert!((71..=73).contains(&notice.hours_left), "{notice:?}");
    // The office speeds it up; the new PIN then completes it (the code is not asked again).
    let token = operator_token(&server).await;
    let id = new
        .resident()
        .state()
        .expect("state")
        .recovery
        .expect("pending")
        .id;
    let approved = reqwest::Client::new()
        .post(format!(
            "{}/v1/operator/device-changes/{id}/approve",
            server.url
        ))
        .bearer_auth(token)
        .send()
        .await
        .expect("approve");
    assert_eq!(approved.status(), reqwest::StatusCode::NO_CONTENT);
    let polled = new.recovery_poll(now).await.expect("polled");
    assert_eq!(polled.waiting.map(|w| w.state), Some(WaitState::Ready));
    new.recovery_complete("730192", now).await.expect("moved");
    assert_eq!(new.info().expect("info").stage, Stage::Activated);
    new.card(now).await.expect("the card on the new phone");
    let err = old
        .unlock(PIN, now)
        .await
        .expect_err("the old phone is signed out");
    // The server's one answer for "no account" and "not this device", in the app's words.
    assert_eq!(err.code, "login_refused");
    assert!(err.message.contains("Ganti Perangkat"), "{}", err.message);
    std::fs::remove_dir_all(&server.dir).ok();
}

#[tokio::test]
async fn the_approval_mails_link_opens_activation_with_the_code_on_the_registering_phone() {
    let server = start_server("app-link").await;
    let resident = eligible(&server);
    let now = Utc::now();
    let phone = app(&server, "registering-phone");
    let code = approved_with_selfie(
        &phone,
        &server,
        &resident.nik,
        "tautan@example.id",
        "081234567872",
        now,
    )
    .await;
    let link = mail_link(&server).await;

    // Another phone (or a fresh install) has nothing waiting for this link.
    let other = app(&server, "other-phone");
    assert_eq!(
        other.open_link(&link).expect_err("not this phone's").code,
        "link_other_phone"
    );
    // Not the app's link at all, or cut off by a mail client.
    for (url, code) in [
        (
            "https://evil.example/app/activate?registration=00&code=ABCDEFGH",
            "link_foreign",
        ),
        ("ikd://activate?registration=0123", "link_damaged"),
        ("ikd://transfer?to=me", "link_unknown_action"),
    ] {
        let err = phone.open_link(url).expect_err("refused");
        assert_eq!(err.code, code, "{url}");
        assert!(!err.message.is_empty());
    }

    // The shell hands the OS's link over before the screens are up; they take it once.
    assert_eq!(phone.take_link(), Ok(None));
    phone.offer_link("ikd://transfer?to=me");
    phone.offer_link(&link);
    let taken = phone
        .take_link()
        .expect("a good link")
        .expect("the newest link");
    assert_eq!(phone.take_link(), Ok(None));
    let opened = phone
        .open_link(&link)
        .expect("the registering phone's link");
    assert_eq!(opened, taken);
    assert_eq!(opened.screen, LinkScreen::Activate);
    assert_eq!(opened.code, code);
    // Opening a link changes nothing: the resident still confirms with a PIN.
    assert_eq!(phone.info().expect("info").stage, Stage::Registered);
    phone
        .activate(&opened.code, PIN, now)
        .await
        .expect("the link's code activates");
    assert_eq!(
        phone.open_link(&link).expect_err("used").code,
        "link_already_active"
    );
}

#[tokio::test]
async fn a_hard_locked_account_tells_the_resident_to_change_device_or_visit_the_office() {
    let server = start_server("app-hard-lock").await;
    let resident = eligible(&server);
    let now = Utc::now();
    let phone = app(&server, "locked-phone");
    let code = approved_with_selfie(
        &phone,
        &server,
        &resident.nik,
        "kunci@example.id",
        "081234567873",
        now,
    )
    .await;
    phone.activate(&code, PIN, now).await.expect("activated");
    phone.lock().await;
    // Someone holding the device key guessed 12 wrong PINs against the server.
    let mut store = siak_mock::Store::open_unpopulated(&server.db).expect("db");
    let mut attempts = ikd_core::PinAttempts::default();
    for _ in 0..ikd_core::pin::SERVER_HARD_LOCK_AFTER {
        attempts.record_failure(now);
    }
    siak_mock::store::accounts::save_pin_attempts(store.connection_mut(), &resident.nik, &attempts)
        .expect("count saved");

    // Even the right PIN: the screen says what to do.
    let err = phone
        .unlock(PIN, now)
        .await
        .expect_err("hard-locked on the server");
    assert_eq!(err.code, "account_hard_locked");
    assert!(
        err.message.contains("Ganti Perangkat") && err.message.contains("Disdukcapil"),
        "{}",
        err.message
    );
    std::fs::remove_dir_all(&server.dir).ok();
}

#[tokio::test]
async fn the_old_phone_cancels_a_takeover_by_someone_with_the_mailbox_and_a_selfie() {
    let server = start_server("app-recover-cancel").await;
    let resident = eligible(&server);
    let now = Utc::now();
    let email = "batal@example.id";
    let old = app(&server, "old-phone");
    let code = approved_with_selfie(&old, &server, &resident.nik, email, "081234567873", now).await;
    old.activate(&code, PIN, now).await.expect("activated");

    // The taker has the mailbox and a passing selfie, and confirms the code.
    let taker = app(&server, "taker-phone");
    let session = taker
        .recovery_start(&resident.nik, email, now)
        .await
        .expect("challenge");
    let actions: Vec<&str> = session.steps.iter().map(|s| s.action.code()).collect();
    for (t, rgba) in camera_frames(&actions, &session.challenge_id.to_string()) {
        if taker.liveness_frame(&rgba, t).expect("progress").phase == LivenessPhase::Done {
            let_capture_time_pass(t);
            break;
        }
    }
    taker.liveness_finish(now).await.expect("code mailed");
    let code = recovery_code(&server).await;
    taker.recovery_confirm(&code, now).await.expect("confirmed");
    let err = taker
        .recovery_complete("730192", now)
        .await
        .expect_err("waits");
    assert_eq!(err.code, "device_change_waiting");

    // The old phone sees it and cancels; the taker can never complete, the old phone keeps it.
    old.unlock(PIN, now).await.expect("unlocked");
    assert!(
        old.device_change_notice(now)
            .await
            .expect("asked")
            .is_some()
    );
    old.device_change_cancel().await.expect("cancelled");
    assert!(
        old.device_change_notice(now)
            .await
            .expect("asked")
            .is_none()
    );
    let polled = taker.recovery_poll(now).await.expect("polled");
    assert_eq!(polled.waiting.map(|w| w.state), Some(WaitState::Cancelled));
    let err = taker
        .recovery_complete("730192", now)
        .await
        .expect_err("cancelled for good");
    assert_eq!(err.code, "device_change_cancelled");
    old.card(now)
        .await
        .expect("the card stays on the old phone");
    std::fs::remove_dir_all(&server.dir).ok();
}
