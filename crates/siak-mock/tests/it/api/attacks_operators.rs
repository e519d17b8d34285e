//! Attacks on the operators' credentials: the public development password against a deployment
//! server, an old password after the administrator replaced it, a weak password in
//! `SIAK_MOCK_OPERATOR_PASSWORD`; and `siak-mock operator add|passwd|list` giving each operator
//! their own password and office without ever printing a hash.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use siak_mock::operator_accounts::DEV_PASSWORD;
use siak_mock::server::{ServerConfig, build_state};

use super::attacks_devmode::{serve_refuses, spawn_deployment};
use super::{
    Clock, OPERATOR_PASSWORD, TestApp, body, problem, restart, spawn_configured, spawn_with,
    test_config,
};
use crate::TempDir;

async fn operator_login(app: &TestApp, username: &str, password: &str) -> Response {
    app.post(
        "/v1/operator/login",
        json!({"username": username, "password": password}),
    )
    .await
}

async fn console_login(app: &TestApp, username: &str, password: &str) -> StatusCode {
    app.http
        .post(format!("{}/operator/login", app.url))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .expect("request")
        .status()
}

async fn refused(app: &TestApp, username: &str, password: &str) {
    let response = operator_login(app, username, password).await;
    problem(response, StatusCode::UNAUTHORIZED, "operator_login_failed").await;
    assert_eq!(
        console_login(app, username, password).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_development_password_is_refused_in_deployment_mode() {
    // A development server seeds every operator with the public password, and it works there.
    let app = spawn_configured(|config| config.operator_password = None).await;
    let dev_login = operator_login(&app, "operator.probolinggo", DEV_PASSWORD).await;
    assert_eq!(dev_login.status(), StatusCode::OK);

    // The same database served in deployment mode: nobody gets in with it.
    let app = restart(app, |config| {
        config.dev = false;
        config.operator_password = Some(OPERATOR_PASSWORD.into());
    })
    .await;
    for username in [
        "operator.probolinggo",
        "operator.denpasar",
        "operator.pusat",
    ] {
        refused(&app, username, DEV_PASSWORD).await;
    }
    // Only the password the administrator set opens the console.
    let ok = operator_login(&app, "operator.pusat", OPERATOR_PASSWORD).await;
    assert_eq!(ok.status(), StatusCode::OK);

    // A fresh deployment server never seeds the development operators at all.
    let fresh = spawn_deployment(|_| {}).await;
    refused(&fresh, "operator.probolinggo", DEV_PASSWORD).await;
}

#[tokio::test]
async fn the_password_variable_replaces_a_stored_password_and_ends_its_sessions() {
    let first = "first-operator-password";
    let second = "second-operator-password";
    let app = spawn_deployment(|config| config.operator_password = Some(first.into())).await;
    let token = body(operator_login(&app, "operator.pusat", first).await).await["token"]
        .as_str()
        .expect("token")
        .to_owned();

    let app = restart(app, |config| config.operator_password = Some(second.into())).await;
    refused(&app, "operator.pusat", first).await;
    let queue = app.get("/v1/operator/registrations", Some(&token)).await;
    problem(queue, StatusCode::UNAUTHORIZED, "operator_session_invalid").await;
    let ok = operator_login(&app, "operator.pusat", second).await;
    assert_eq!(ok.status(), StatusCode::OK);

    // Starting again with the same variable changes nothing: the new session survives.
    let token = body(ok).await["token"].as_str().expect("token").to_owned();
    let app = restart(app, |_| {}).await;
    let queue = app.get("/v1/operator/registrations", Some(&token)).await;
    assert_eq!(queue.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_weak_password_variable_is_refused_at_start_and_changes_nothing() {
    let app = spawn_deployment(|_| {}).await;
    let config = app.config.clone();
    for weak in [DEV_PASSWORD, "short-pw", "elevenchars"] {
        for dev in [false, true] {
            let mut config = config.clone();
            config.dev = dev;
            config.operator_password = Some(weak.into());
            let started = tokio::task::spawn_blocking(move || build_state(&config, Clock::System))
                .await
                .expect("join");
            let message = format!("{:#}", started.err().expect("refused"));
            assert!(message.contains("SIAK_MOCK_OPERATOR_PASSWORD"), "{message}");
        }
    }
    // The stored password is untouched.
    let ok = operator_login(&app, "operator.pusat", OPERATOR_PASSWORD).await;
    assert_eq!(ok.status(), StatusCode::OK);

    let dir = TempDir::new();
    let db = dir.db();
    let db = db.to_str().expect("UTF-8 path");
    for weak in [DEV_PASSWORD, "short-pw"] {
        let stderr = serve_refuses(
            &["--bind", "127.0.0.1:0", "--db", db],
            &[("SIAK_MOCK_OPERATOR_PASSWORD", weak)],
        )
        .await;
        assert!(stderr.contains("SIAK_MOCK_OPERATOR_PASSWORD"), "{stderr}");
    }
    assert!(!dir.db().exists(), "refused before opening the database");
}

/// Runs `siak-mock operator …` on `db` with `stdin`.
fn operator(db: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_siak-mock"))
        .arg("operator")
        .args(args)
        .args(["--db", db])
        .env_remove("SIAK_MOCK_SECRETS")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run siak-mock operator");
    // A refused command may exit before reading stdin: a broken pipe is no failure here.
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes());
    child.wait_with_output().expect("wait")
}

fn list(db: &str) -> Vec<Value> {
    let out = operator(db, &["list"], "");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

#[tokio::test]
async fn each_operator_gets_their_own_password_and_office_from_the_cli() {
    let dir = TempDir::new();
    let db = dir.db();
    let db = db.to_str().expect("UTF-8 path");
    let generated = Command::new(env!("CARGO_BIN_EXE_siak-mock"))
        .args(["population", "generate", "--count", "300", "--db", db])
        .output()
        .expect("generate");
    assert!(generated.status.success());
    let budi = "budi-long-password-1";
    let add = ["add", "--username", "budi.probolinggo", "--office", "3574"];

    // Weak passwords, unknown offices and a password on a pipe without --password-stdin are
    // refused, and create nobody.
    for (args, stdin) in [
        (&add[..], format!("{budi}\n")),
        (
            &[&add[..], &["--password-stdin"]].concat(),
            "short\n".into(),
        ),
        (
            &[&add[..], &["--password-stdin"]].concat(),
            format!("{DEV_PASSWORD}\n"),
        ),
        (
            &[
                "add",
                "--username",
                "x.y",
                "--office",
                "9999",
                "--password-stdin",
            ][..],
            format!("{budi}\n"),
        ),
    ] {
        let out = operator(db, args, &stdin);
        assert!(!out.status.success(), "{args:?} refused");
        assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
    }
    assert!(list(db).is_empty());

    let added = operator(
        db,
        &[&add[..], &["--password-stdin"]].concat(),
        &format!("{budi}\n"),
    );
    assert!(added.status.success(), "{added:?}");
    let national = [
        "add",
        "--username",
        "sari.pusat",
        "--office",
        "pusat",
        "--password-stdin",
    ];
    assert!(
        operator(db, &national, "sari-long-password-2\n")
            .status
            .success()
    );
    let again = operator(
        db,
        &[&add[..], &["--password-stdin"]].concat(),
        &format!("{budi}\n"),
    );
    assert!(!again.status.success(), "a user name is taken once");

    let listed = list(db);
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[0]["username"], "budi.probolinggo");
    assert_eq!(listed[0]["office_code"], "3574");
    assert_eq!(listed[0]["office"], "Kota Probolinggo");
    assert_eq!(listed[1]["office_code"], "pusat");
    for row in &listed {
        assert!(row["password_set_at"].is_string(), "{row}");
        let keys: Vec<&String> = row.as_object().expect("object").keys().collect();
        assert!(
            keys.iter()
                .all(|k| !k.contains("hash") && !k.contains("salt")),
            "{keys:?}"
        );
        assert!(!row.to_string().contains(budi));
    }

    // A deployment server starts on these credentials alone, and each works for its operator only.
    let config = ServerConfig {
        dev: false,
        operator_password: None,
        ..test_config(&dir)
    };
    let app = spawn_with(dir, config).await;
    let ok = operator_login(&app, "budi.probolinggo", budi).await;
    let token = body(ok).await["token"].as_str().expect("token").to_owned();
    refused(&app, "sari.pusat", budi).await;

    // passwd: the old password and the operator's open sessions stop working.
    let new = "budi-new-password-3";
    let changed = operator(
        db,
        &[
            "passwd",
            "--username",
            "budi.probolinggo",
            "--password-stdin",
        ],
        &format!("{new}\n"),
    );
    assert!(changed.status.success(), "{changed:?}");
    refused(&app, "budi.probolinggo", budi).await;
    let queue = app.get("/v1/operator/registrations", Some(&token)).await;
    problem(queue, StatusCode::UNAUTHORIZED, "operator_session_invalid").await;
    let ok = operator_login(&app, "budi.probolinggo", new).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let unknown = operator(
        db,
        &["passwd", "--username", "nobody", "--password-stdin"],
        &format!("{new}\n"),
    );
    assert!(!unknown.status.success());
}

#[tokio::test]
async fn a_logged_out_operator_token_opens_nothing() {
    let password = "a-long-operator-password";
    let app = spawn_deployment(|config| config.operator_password = Some(password.into())).await;
    let token = body(operator_login(&app, "operator.pusat", password).await).await["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let other = body(operator_login(&app, "operator.pusat", password).await).await["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let out = app
        .post_auth("/v1/operator/logout", &token, json!({}))
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let queue = app.get("/v1/operator/registrations", Some(&token)).await;
    problem(queue, StatusCode::UNAUTHORIZED, "operator_session_invalid").await;
    let again = app
        .post_auth("/v1/operator/logout", &token, json!({}))
        .await;
    problem(again, StatusCode::UNAUTHORIZED, "operator_session_invalid").await;
    // Only that session ended: the operator's other session still works.
    let queue = app.get("/v1/operator/registrations", Some(&other)).await;
    assert_eq!(queue.status(), StatusCode::OK);
}
