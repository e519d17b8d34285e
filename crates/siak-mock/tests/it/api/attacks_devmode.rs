//! Attacks on the development aids: someone on the network reading activation codes from
//! `/dev/outbox`, or from the database of a server that relays mail over SMTP; a development
//! server bound where others can reach it; a deployment server started without operator
//! credentials.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;
use siak_mock::mail::{SmtpConfig, SmtpSecurity};
use siak_mock::server::{ServerConfig, build_state};
use siak_mock::store::outbox;
use siak_mock::{SampleReason, Store};

use super::smtp::smtp_sink;
use super::{
    Clock, Device, TestApp, body, problem, register_and_approve, restart, spawn_configured,
    start_time, test_config,
};
use crate::TempDir;

/// A deployment-mode server (no `--dev`) whose default operator has [`OPERATOR_PASSWORD`].
pub async fn spawn_deployment(change: impl FnOnce(&mut ServerConfig)) -> TestApp {
    spawn_configured(|config| {
        config.dev = false;
        change(config);
    })
    .await
}

/// Runs `siak-mock serve` with `args` and `env`, which must refuse to start: returns its stderr.
/// A server that starts anyway is stopped and the test fails.
pub async fn serve_refuses(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_siak-mock"));
    command
        .arg("serve")
        .args(args)
        .env_remove("SIAK_MOCK_DEV")
        .env_remove("SIAK_MOCK_OPERATOR_PASSWORD")
        .env_remove("SIAK_MOCK_BIND")
        .env_remove("SIAK_MOCK_DB")
        .env("RUST_LOG", "warn")
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("start siak-mock");
    let stdout = child.stdout.take().expect("stdout");
    tokio::task::spawn_blocking(move || {
        let mut first = String::new();
        let _ = BufReader::new(stdout).read_line(&mut first);
        if first.starts_with("listening") {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server started: {first}");
        }
        let out = child.wait_with_output().expect("wait");
        assert!(
            !out.status.success(),
            "refusing to start exits non-zero, got {}",
            out.status
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    })
    .await
    .expect("join")
}

#[tokio::test]
async fn without_dev_the_outbox_endpoint_is_not_routed() {
    let app = spawn_deployment(|_| {}).await;
    for path in [
        "/dev/outbox",
        "/dev/outbox?limit=500",
        "/dev/outbox?to=a@b.id",
    ] {
        problem(
            app.get(path, None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    // The development server of the same build serves it: the route exists, only not here.
    let dev = spawn_configured(|_| {}).await;
    assert_eq!(dev.get("/dev/outbox", None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn without_dev_the_stored_outbox_holds_no_code_even_when_smtp_delivers_it() {
    let (port, mut received) = smtp_sink().await;
    let app = spawn_deployment(|config| {
        config.smtp = Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            credentials: None,
            from: "SIAK Mock <noreply@siak-mock.test>".into(),
        });
    })
    .await;
    let device = Device::new(61, &app.resident(SampleReason::Eligible));
    let registration = body(
        app.post("/v1/registrations", device.registration(&app).await)
            .await,
    )
    .await;
    let id = registration["registration_id"].as_str().expect("id");
    let token = app.operator_token().await;
    let approved = app
        .post_auth(
            &format!("/v1/operator/registrations/{id}/approve"),
            &token,
            json!({"registration_qr": device.registration_qr(&app, id)}),
        )
        .await;
    assert_eq!(approved.status(), StatusCode::OK);

    // The resident gets the code by mail ...
    let mail = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .expect("the SMTP server receives a mail within 10 s")
        .expect("the sink is running");
    let code = mail
        .data
        .lines()
        .find_map(|l| l.strip_prefix("Kode aktivasi: "))
        .expect("the delivered mail carries the code")
        .trim()
        .to_owned();

    // ... and the database keeps what a support desk may see, never the code.
    let store = Store::open_unpopulated(&app.config.db).expect("open db");
    let kept = outbox::newest(store.connection(), Some(&device.email), 10).expect("outbox");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].kind, "activation_code");
    assert_eq!(kept[0].delivery, "smtp");
    assert!(kept[0].subject.contains("Kode Aktivasi"), "{kept:?}");
    assert_eq!(kept[0].body, "", "no body in deployment mode");
    let everything = outbox::newest(store.connection(), None, 1000).expect("outbox");
    assert!(everything.iter().all(|m| !m.body.contains(&code)));

    // The outbox CLI says why it has no code to show.
    let db = app.config.db.to_str().expect("UTF-8 path").to_owned();
    let out = Command::new(env!("CARGO_BIN_EXE_siak-mock"))
        .args(["outbox", "--db", &db, "--code"])
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run the outbox CLI");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--dev"), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&code));
}

#[tokio::test]
async fn a_deployment_start_empties_the_codes_a_development_session_left() {
    let app = spawn_configured(|_| {}).await;
    let device = Device::new(62, &app.resident(SampleReason::Eligible));
    let (_, code) = register_and_approve(&app, &device).await;

    let app = restart(app, |config| config.dev = false).await;
    problem(
        app.get("/dev/outbox", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let store = Store::open_unpopulated(&app.config.db).expect("open db");
    let kept = outbox::newest(store.connection(), None, 1000).expect("outbox");
    assert!(!kept.is_empty(), "the mails' records stay");
    assert!(kept.iter().all(|m| m.body.is_empty()), "{kept:?}");
    assert!(kept.iter().all(|m| !m.body.contains(&code)));
}

#[tokio::test]
async fn dev_on_an_address_others_can_reach_refuses_to_start() {
    let dir = TempDir::new();
    let db = dir.db();
    let db = db.to_str().expect("UTF-8 path");
    for bind in ["0.0.0.0:0", "[::]:0"] {
        let stderr = serve_refuses(&["--dev", "--bind", bind, "--db", db], &[]).await;
        assert!(stderr.contains("loopback"), "{stderr}");
        assert!(
            stderr.contains("--bind 127.0.0.1"),
            "names the fix: {stderr}"
        );
        let stderr = serve_refuses(&["--bind", bind, "--db", db], &[("SIAK_MOCK_DEV", "1")]).await;
        assert!(stderr.contains("loopback"), "{stderr}");
    }
    assert!(!dir.db().exists(), "nothing was created");

    // The same refusal in process, before anything is opened.
    let config = ServerConfig {
        bind: "0.0.0.0:0".parse().expect("addr"),
        ..test_config(&dir)
    };
    let refused = build_state(&config, Clock::manual(start_time()));
    assert!(refused.is_err());
    assert!(!dir.db().exists());
}

#[tokio::test]
async fn a_deployment_server_without_operator_credentials_refuses_to_start() {
    let dir = TempDir::new();
    let db = dir.db();
    let db = db.to_str().expect("UTF-8 path");
    let args = ["--bind", "127.0.0.1:0", "--population", "100", "--db", db];
    let stderr = serve_refuses(&args, &[]).await;
    assert!(stderr.contains("SIAK_MOCK_OPERATOR_PASSWORD"), "{stderr}");
    assert!(stderr.contains("siak-mock operator add"), "{stderr}");

    // A database a development server seeded has only the development password: still refused.
    let dev = spawn_configured(|config| config.operator_password = None).await;
    let config = ServerConfig {
        dev: false,
        ..dev.config.clone()
    };
    let refused = tokio::task::spawn_blocking(move || build_state(&config, Clock::System))
        .await
        .expect("join");
    let message = format!("{:#}", refused.err().expect("refused"));
    assert!(message.contains("siak-mock operator add"), "{message}");
}
