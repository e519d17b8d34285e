//! The `siak-mock serve` binary as scripts use it: first line on stdout names the address,
//! the database is created on first start, and SIGTERM stops it cleanly (development mode).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use super::super::TempDir;

#[tokio::test]
async fn serve_prints_its_address_first_answers_and_stops_on_sigterm() {
    let dir = TempDir::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_siak-mock"))
        .args([
            "serve",
            "--dev",
            "--bind",
            "127.0.0.1:0",
            "--population",
            "200",
            "--db",
        ])
        .arg(dir.db())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start siak-mock");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("read the first line");
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line names the address: {first:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let health = reqwest::get(format!("{url}/healthz"))
        .await
        .expect("request");
    assert_eq!(health.text().await.expect("body"), "ok");
    let keys = reqwest::get(format!("{url}/.well-known/ikd-issuer-keys"))
        .await
        .expect("request");
    assert_eq!(keys.headers()["content-type"], "application/jwk-set+json");
    assert!(dir.db().exists(), "the database was created on first start");
    assert!(
        siak_mock::secrets::default_path(&dir.db()).exists(),
        "the secrets file too"
    );

    let pid = child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}
