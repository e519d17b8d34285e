//! A flooder: many requests from one address (with forged `X-Forwarded-For` headers), requests
//! that must be refused before the expensive selfie analysis (unknown NIK, spent challenge,
//! replayed frames: the frames here are garbage, so an analysis would answer differently), slow
//! requests and slow clients, and a squatter holding a NIK with a registration nobody presents.
//! Each refused request must change nothing stored.

use std::io::{Read as _, Write as _};
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::StatusCode;
use serde_json::Value;
use siak_mock::api::RateLimit;
use siak_mock::api::limits::Group;
use siak_mock::api::retention::expire_pending;
use siak_mock::{SampleReason, Store};

use super::bad_input::snapshot;
use super::{Device, TestApp, body, problem, spawn_app, spawn_configured};

/// Rows the refused requests must not touch: row counts, and which challenges are spent.
fn stored(app: &TestApp) -> Vec<String> {
    let mut out = snapshot(app);
    let store = Store::open_unpopulated(&app.config.db).expect("open db");
    for sql in [
        "SELECT count(*) FROM liveness_frames",
        "SELECT count(*) FROM liveness_challenges WHERE used_at IS NOT NULL",
        "SELECT count(*) FROM liveness_challenges WHERE result IS NOT NULL",
    ] {
        let n: i64 = store
            .connection()
            .query_row(sql, [], |r| r.get(0))
            .expect("count");
        out.push(format!("{sql}: {n}"));
    }
    out
}

/// `request` with every frame after the first `keep` replaced by bytes that are no JPEG.
fn garbage_frames(mut request: Value, keep: usize) -> Value {
    let garbage = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([0x5a; 600]);
    let frames = request["liveness"]["frames"]
        .as_array_mut()
        .expect("frames");
    for (i, frame) in frames.iter_mut().enumerate().skip(keep) {
        let mut bytes = garbage.clone().into_bytes();
        bytes[0] = b'A' + i as u8; // each frame different
        frame["jpeg"] = Value::String(String::from_utf8(bytes).expect("ascii"));
    }
    request
}

async fn post_from(
    app: &TestApp,
    path: &str,
    forwarded_for: &str,
    body: &Value,
) -> reqwest::Response {
    app.http
        .post(format!("{}{path}", app.url))
        .header("x-forwarded-for", forwarded_for)
        .json(body)
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn twelve_registrations_from_one_address_are_refused_with_429_and_change_nothing() {
    let app = spawn_app().await;
    let burst = Group::Register.quota().burst as usize;
    assert!(burst < 12, "the registration quota lets a flooder through");
    let mut ghost = Device::new(40, &app.resident(SampleReason::Eligible));
    ghost.nik = "3574011708959999".into();
    for _ in 0..burst {
        problem(
            app.post("/v1/registrations", ghost.registration_without_liveness())
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "nik_not_found",
        )
        .await;
    }
    // A real registration with a fresh selfie, past the quota: refused, and nothing moves.
    let device = Device::new(41, &app.resident(SampleReason::Eligible));
    let before = stored(&app);
    for _ in 0..2 {
        let request = device.registration(&app).await;
        let refused = app.post("/v1/registrations", request).await;
        let retry: u64 = refused.headers()["retry-after"]
            .to_str()
            .expect("ascii")
            .parse()
            .expect("seconds");
        assert!(retry >= 1, "{retry}");
        let problem = problem(refused, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
        assert_eq!(problem["retry_after"], retry);
    }
    assert_eq!(stored(&app), before);
    // Reads are not limited: the app keeps polling its status.
    for _ in 0..3 {
        let read = app
            .get("/v1/registrations/00000000000000000000000000000000", None)
            .await;
        assert_eq!(read.status(), StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_forged_x_forwarded_for_does_not_give_a_client_a_fresh_address() {
    let app = spawn_app().await;
    let mut ghost = Device::new(42, &app.resident(SampleReason::Eligible));
    ghost.nik = "3574011708959999".into();
    let request = ghost.registration_without_liveness();
    let burst = Group::Register.quota().burst;
    for i in 0..burst {
        let answer = post_from(
            &app,
            "/v1/registrations",
            &format!("198.51.100.{i}"),
            &request,
        )
        .await;
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let answer = post_from(&app, "/v1/registrations", "198.51.100.250", &request).await;
    problem(answer, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;

    // Behind a configured proxy (here the test itself, 127.0.0.1), the forwarded address is the
    // key: each forwarded client has its own quota, the proxy's address none of its own.
    let proxied = spawn_configured(|config| {
        config.limits.trusted_proxy = Some("127.0.0.1".parse().expect("ip"));
    })
    .await;
    for i in 0..=burst {
        let answer = post_from(
            &proxied,
            "/v1/registrations",
            &format!("198.51.100.{i}"),
            &request,
        )
        .await;
        assert_eq!(
            answer.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "client {i}"
        );
    }
    for _ in 0..burst {
        post_from(&proxied, "/v1/registrations", "203.0.113.9", &request).await;
    }
    let answer = post_from(&proxied, "/v1/registrations", "203.0.113.9", &request).await;
    problem(answer, StatusCode::TOO_MANY_REQUESTS, "too_many_requests").await;
}

#[tokio::test]
async fn a_registration_the_cheap_checks_refuse_is_never_analysed_and_stores_nothing() {
    let app = spawn_configured(|config| config.limits.rate_limit = RateLimit::Off).await;

    // An unknown NIK and a deceased resident with a fresh challenge and garbage frames: the
    // central check answers (the analysis would have answered `liveness_evidence_signature`), the
    // challenge stays unspent, no frame is kept.
    let mut ghost = Device::new(43, &app.resident(SampleReason::Eligible));
    ghost.nik = "3574011708959999".into();
    let dead = Device::new(44, &app.resident(SampleReason::DeceasedOrInactive));
    for (device, code) in [(&ghost, "nik_not_found"), (&dead, "deceased_or_inactive")] {
        let request = garbage_frames(device.registration(&app).await, 0);
        let before = stored(&app);
        problem(
            app.post("/v1/registrations", request).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
        assert_eq!(stored(&app), before, "{code}");
    }

    // A challenge already spent (by an attempt the analysis refused), sent again with garbage
    // frames: `liveness_challenge_used`, nothing kept.
    let first = Device::new(45, &app.resident(SampleReason::Eligible));
    let spent = garbage_frames(first.registration(&app).await, 0);
    problem(
        app.post("/v1/registrations", spent.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "liveness_evidence_signature",
    )
    .await;
    let before = stored(&app);
    problem(
        app.post("/v1/registrations", spent).await,
        StatusCode::CONFLICT,
        "liveness_challenge_used",
    )
    .await;
    assert_eq!(stored(&app), before);
    let request = first.registration(&app).await;
    assert_eq!(
        app.post("/v1/registrations", request.clone())
            .await
            .status(),
        StatusCode::CREATED
    );

    // Replayed frames: the first frame of the registration above, the others garbage. The replay
    // is named before any analysis (which would have found the garbage), and nothing is kept.
    let third = Device::new(47, &app.residents(SampleReason::Eligible, 2)[1]);
    let mut replay = garbage_frames(third.registration(&app).await, 0);
    replay["liveness"]["frames"][0]["jpeg"] = request["liveness"]["frames"][0]["jpeg"].clone();
    let frames_before = stored(&app);
    problem(
        app.post("/v1/registrations", replay).await,
        StatusCode::CONFLICT,
        "liveness_evidence_replayed",
    )
    .await;
    // Only the challenge moved: spent, with the replay recorded as its result.
    let frames_after = stored(&app);
    let unchanged = frames_before.len() - 2;
    assert_eq!(frames_before[..unchanged], frames_after[..unchanged]);
}

#[tokio::test]
async fn a_request_whose_body_never_arrives_is_answered_503_request_timeout() {
    let app =
        spawn_configured(|config| config.limits.request_timeout = Duration::from_secs(1)).await;
    let answer = raw_exchange(
        &app,
        b"POST /v1/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAccept-Language: en\r\nContent-Length: 5000\r\n\r\n{\"nik\": \"35",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains("\"code\":\"request_timeout\""), "{answer}");
}

/// Sends `bytes` on a new connection and never more; answers what the server sent until it
/// closed the connection (waiting at most 20 s).
async fn raw_exchange(app: &TestApp, bytes: &'static [u8]) -> String {
    let addr = app.url.trim_start_matches("http://").to_owned();
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        stream.write_all(bytes).expect("write");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        let started = Instant::now();
        let mut answer = Vec::new();
        let read = stream.read_to_end(&mut answer);
        assert!(
            read.is_ok(),
            "the server kept the connection open for {:?}",
            started.elapsed()
        );
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .expect("join")
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let app =
        spawn_configured(|config| config.limits.header_read_timeout = Duration::from_secs(1)).await;
    let answer = raw_exchange(&app, b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await;
    assert!(!answer.contains("200 OK"), "{answer}");
}

#[tokio::test]
async fn a_registration_nobody_scans_for_14_days_expires_and_the_nik_may_register_again() {
    let app = spawn_app().await;
    let device = Device::new(48, &app.resident(SampleReason::Eligible));
    let first = body(
        app.post("/v1/registrations", device.registration(&app).await)
            .await,
    )
    .await;
    let id = first["registration_id"].as_str().expect("id").to_owned();

    // A squatter's device cannot register the NIK while the registration waits.
    let mut squatter = Device::new(49, &app.resident(SampleReason::Eligible));
    squatter.email = "squatter@example.id".into();
    problem(
        app.post("/v1/registrations", squatter.registration(&app).await)
            .await,
        StatusCode::CONFLICT,
        "registration_pending_other_device",
    )
    .await;

    // 14 days after submission (less the capture time the selfie helper let pass): still waiting.
    let submitted: chrono::DateTime<chrono::Utc> = first["created_at"]
        .as_str()
        .expect("time")
        .parse()
        .expect("rfc3339");
    app.advance(submitted + chrono::TimeDelta::days(14) - app.clock.now());
    assert_eq!(expire_pending(&app.state).await.expect("sweep"), 0);
    assert_eq!(
        registration(&app, &id).await["state"],
        "awaiting_operator_scan"
    );

    // One second more: expired, the resident is mailed, the operator can no longer approve it.
    app.advance(chrono::TimeDelta::seconds(1));
    assert_eq!(expire_pending(&app.state).await.expect("sweep"), 1);
    assert_eq!(
        expire_pending(&app.state).await.expect("sweep"),
        0,
        "idempotent"
    );
    let expired = registration(&app, &id).await;
    assert_eq!(expired["state"], "expired", "{expired}");
    assert!(expired["registration_qr"].is_null());
    let mail = app.last_mail(&device.email).await;
    assert_eq!(mail["kind"], "registration_expired");
    assert!(
        mail["body"]
            .as_str()
            .expect("body")
            .contains("Registration expired — register again"),
        "{mail}"
    );
    let token = app.operator_token().await;
    let approve = app
        .post_auth(
            &format!("/v1/operator/registrations/{id}/approve"),
            &token,
            serde_json::json!({"registration_qr": device.registration_qr(&app, &id)}),
        )
        .await;
    problem(
        approve,
        StatusCode::CONFLICT,
        "registration_invalid_transition",
    )
    .await;

    // The NIK may register again, from this device or another.
    let again = app
        .post("/v1/registrations", squatter.registration(&app).await)
        .await;
    assert_eq!(again.status(), StatusCode::CREATED);
}

/// The resident's view of registration `id`.
async fn registration(app: &TestApp, id: &str) -> Value {
    body(app.get(&format!("/v1/registrations/{id}"), None).await).await
}
