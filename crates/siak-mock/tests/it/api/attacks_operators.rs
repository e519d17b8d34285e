//! Attacks on the operators' credentials: the public development password against a deployment
//! server, an old password after the administrator replaced it, a weak password in
//! `SIAK_MOCK_OPERATOR_PASSWORD`; and `siak-mock operator add|passwd|list` giving each operator
//! their own password and office without ever printing a hash. Password guessing: ten wrong
//! passwords throttle a user name (surviving a restart) or an address, mail the office once, a
//! name that does not exist counts alike; a PBKDF2 hash of before logs in once and is re-hashed;
//! sessions idle out and end; on https the cookie is `__Host-` and `Secure`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use siak_mock::operator_accounts::DEV_PASSWORD;
use siak_mock::server::{ServerConfig, build_state};

use super::attacks_devmode::{serve_refuses, spawn_deployment};
use super::{
    Clock, OPERATOR_PASSWORD, TestApp, body, problem, restart, spawn_app, spawn_configured,
    spawn_with, test_config,
};
use crate::TempDir;
use chrono::TimeDelta;

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

/// The `Retry-After` seconds of a 429 `operator_login_throttled`.
async fn throttled(response: Response) -> i64 {
    let wait = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse::<i64>().ok())
        .expect("Retry-After");
    problem(
        response,
        StatusCode::TOO_MANY_REQUESTS,
        "operator_login_throttled",
    )
    .await;
    wait
}

#[tokio::test]
async fn ten_wrong_passwords_throttle_the_operator_even_for_the_right_password_across_a_restart() {
    let app = spawn_app().await;
    let victim = "operator.probolinggo";
    // Ten wrong passwords, each time once through the JSON API and once through the console.
    for _ in 0..5 {
        refused(&app, victim, "guess-guess-guess").await;
        app.advance(TimeDelta::seconds(20));
    }
    // The next login is 429 even with the password, for the rest of the 15 minutes the first
    // wrong password began.
    let wait = throttled(operator_login(&app, victim, DEV_PASSWORD).await).await;
    assert!((500..=900).contains(&wait), "{wait}");
    assert_eq!(
        console_login(&app, victim, DEV_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // One mail to the office, however many tries follow.
    let mail = app.last_mail("disdukcapil-3574@siak.test").await;
    assert_eq!(mail["kind"], "operator_login_throttled", "{mail}");
    assert!(mail["body"].as_str().expect("body").contains(victim));
    let mails = body(
        app.get("/dev/outbox?to=disdukcapil-3574@siak.test", None)
            .await,
    )
    .await;
    assert_eq!(mails.as_array().expect("array").len(), 1, "{mails}");

    // The count is in the database: a restart (which forgets the per-address counts) keeps it,
    // while another operator from the same address gets in again.
    let app = restart(app, |_| {}).await;
    let wait = throttled(operator_login(&app, victim, DEV_PASSWORD).await).await;
    let other = operator_login(&app, "operator.pusat", OPERATOR_PASSWORD).await;
    assert_eq!(other.status(), StatusCode::OK);

    // When the window ends the right password works again.
    app.advance(TimeDelta::seconds(wait));
    let ok = operator_login(&app, victim, DEV_PASSWORD).await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn ten_wrong_passwords_from_one_address_throttle_every_login_from_it() {
    let app = spawn_app().await;
    // A flood over many names (existing or not) from one address: each name counts once.
    for i in 0..10 {
        let response = operator_login(&app, &format!("guess.{i}"), "guess-guess-guess").await;
        problem(response, StatusCode::UNAUTHORIZED, "operator_login_failed").await;
    }
    throttled(operator_login(&app, "operator.pusat", OPERATOR_PASSWORD).await).await;
    app.advance(TimeDelta::minutes(15));
    let ok = operator_login(&app, "operator.pusat", OPERATOR_PASSWORD).await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_successful_login_resets_the_operators_count_and_an_unknown_name_is_counted_alike() {
    let app = spawn_app().await;
    for _ in 0..9 {
        let response = operator_login(&app, "operator.denpasar", "guess-guess-guess").await;
        problem(response, StatusCode::UNAUTHORIZED, "operator_login_failed").await;
    }
    let ok = operator_login(&app, "operator.denpasar", DEV_PASSWORD).await;
    assert_eq!(ok.status(), StatusCode::OK);
    // A restart clears the address's nine; the operator's own count was reset by the login.
    let app = restart(app, |_| {}).await;
    for _ in 0..9 {
        let response = operator_login(&app, "operator.denpasar", "guess-guess-guess").await;
        problem(response, StatusCode::UNAUTHORIZED, "operator_login_failed").await;
    }
    let ok = operator_login(&app, "operator.denpasar", DEV_PASSWORD).await;
    assert_eq!(
        ok.status(),
        StatusCode::OK,
        "9 + 9 wrong, but reset between"
    );

    // A name that does not exist is throttled after ten like a real one: no oracle.
    let app = restart(app, |_| {}).await;
    for _ in 0..10 {
        let response = operator_login(&app, "nobody.here", "guess-guess-guess").await;
        problem(response, StatusCode::UNAUTHORIZED, "operator_login_failed").await;
    }
    let app = restart(app, |_| {}).await;
    throttled(operator_login(&app, "nobody.here", "guess-guess-guess").await).await;
}

#[tokio::test]
async fn a_pbkdf2_hash_of_before_still_logs_in_once_and_is_stored_as_argon2id() {
    let password = "an-old-operator-password";
    let app = spawn_configured(|config| config.operator_password = Some(password.into())).await;
    let phc = |app: &TestApp| -> (Vec<u8>, Vec<u8>) {
        let conn = rusqlite::Connection::open(&app.config.db).expect("db");
        conn.query_row(
            "SELECT password_salt, password_hash FROM operators WHERE username = 'operator.pusat'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("row")
    };
    let (salt, hash) = phc(&app);
    assert!(salt.is_empty() && hash.starts_with(b"$argon2id$v=19$m=19456,t=2,p=1$"));
    // Write the row the way the server did before argon2id: PBKDF2-HMAC-SHA256, 100,000 rounds.
    let salt = [5u8; 16];
    let mut old = [0u8; 32];
    ring::pbkdf2::derive(
        ring::pbkdf2::PBKDF2_HMAC_SHA256,
        std::num::NonZeroU32::new(100_000).expect("rounds"),
        &salt,
        password.as_bytes(),
        &mut old,
    );
    let conn = rusqlite::Connection::open(&app.config.db).expect("db");
    conn.execute(
        "UPDATE operators SET password_salt = ?1, password_hash = ?2 WHERE username = 'operator.pusat'",
        rusqlite::params![&salt[..], &old[..]],
    )
    .expect("old row");
    refused(&app, "operator.pusat", "not-the-old-password").await;
    assert_eq!(
        phc(&app).1,
        old.to_vec(),
        "a wrong password changes nothing"
    );
    let ok = operator_login(&app, "operator.pusat", password).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let (salt, hash) = phc(&app);
    assert!(
        salt.is_empty() && hash.starts_with(b"$argon2id$"),
        "re-hashed"
    );
    let again = operator_login(&app, "operator.pusat", password).await;
    assert_eq!(again.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_operator_session_idles_out_after_15_minutes_and_ends_12_hours_after_login() {
    let app = spawn_app().await;
    let token = app.operator_token().await;
    let queue = |token: String| {
        let app = &app;
        async move {
            app.get("/v1/operator/registrations", Some(&token))
                .await
                .status()
        }
    };
    // Each use extends it.
    for _ in 0..3 {
        app.advance(TimeDelta::minutes(14));
        assert_eq!(queue(token.clone()).await, StatusCode::OK);
    }
    app.advance(TimeDelta::minutes(15));
    problem(
        app.get("/v1/operator/registrations", Some(&token)).await,
        StatusCode::UNAUTHORIZED,
        "operator_session_invalid",
    )
    .await;
    // A busy operator still logs in again after 12 hours.
    let token = app.operator_token().await;
    for _ in 0..(12 * 60 / 14) {
        app.advance(TimeDelta::minutes(14));
        assert_eq!(queue(token.clone()).await, StatusCode::OK);
    }
    app.advance(TimeDelta::minutes(14));
    assert_eq!(queue(token.clone()).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn on_https_the_console_cookie_is_host_prefixed_and_secure() {
    let links = siak_mock::links::AppLinks::new(Some("ikd.example.id"), &[], &[]).expect("links");
    let app = spawn_configured(|config| config.app_links = links).await;
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(format!("{}/operator/login", app.url))
        .form(&[
            ("username", "operator.pusat"),
            ("password", OPERATOR_PASSWORD),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        set_cookie.starts_with("__Host-ikd_operator="),
        "{set_cookie}"
    );
    for attribute in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(!set_cookie.contains("Domain"), "{set_cookie}");
    let token = set_cookie
        .split(';')
        .next()
        .and_then(|c| c.split_once('='))
        .expect("name=value")
        .1
        .to_owned();
    let page = |cookie: String| {
        let app = &app;
        async move {
            app.http
                .get(format!("{}/operator", app.url))
                .header("cookie", cookie)
                .send()
                .await
                .expect("page")
                .text()
                .await
                .expect("html")
        }
    };
    assert!(
        page(format!("__Host-ikd_operator={token}"))
            .await
            .contains("queue-filter")
    );
    // The plain name (what a sibling subdomain could plant) opens nothing here.
    assert!(
        page(format!("ikd_operator={token}"))
            .await
            .contains("login-form")
    );
}

#[tokio::test]
async fn the_cli_sets_an_office_address_for_the_throttle_mail() {
    let dir = TempDir::new();
    let db = dir.db();
    let db = db.to_str().expect("UTF-8 path");
    let add = [
        "add",
        "--username",
        "budi.probolinggo",
        "--office",
        "3574",
        "--email",
        "not an address",
        "--password-stdin",
    ];
    assert!(
        !operator(db, &add, "budi-long-password-1\n")
            .status
            .success()
    );
    let mut add = add;
    add[6] = "kantor@disdukcapil.example.id";
    let out = operator(db, &add, "budi-long-password-1\n");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(list(db)[0]["email"], "kantor@disdukcapil.example.id");
    let passwd = [
        "passwd",
        "--username",
        "budi.probolinggo",
        "--email",
        "baru@disdukcapil.example.id",
        "--password-stdin",
    ];
    assert!(
        operator(db, &passwd, "budi-long-password-2\n")
            .status
            .success()
    );
    assert_eq!(list(db)[0]["email"], "baru@disdukcapil.example.id");
}
