//! `ikd demo-qr` and `ikd verify`: what a verifier sees for good, stale, forged and unreadable QRs.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn ikd(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ikd"))
        .args(args)
        .output()
        .expect("run ikd")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

struct Demo {
    dir: PathBuf,
    presentation: String,
    keys: PathBuf,
    png: PathBuf,
    output: Value,
}

fn demo(profile: &str, name: &str) -> Demo {
    let dir = std::env::temp_dir().join(format!("ikd-cli-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let png = dir.join("qr.png");
    let svg = dir.join("qr.svg");
    let out = ikd(&[
        "demo-qr",
        "--profile",
        profile,
        "--png",
        png.to_str().expect("utf-8 path"),
        "--svg",
        svg.to_str().expect("utf-8 path"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let output = json(&out);
    let keys = dir.join("keys.json");
    std::fs::write(&keys, output["issuer_keys"].to_string()).expect("write keys");
    assert!(
        std::fs::read_to_string(&svg)
            .expect("svg written")
            .starts_with("<?xml")
    );
    Demo {
        presentation: output["presentation"]
            .as_str()
            .expect("presentation")
            .to_owned(),
        dir,
        keys,
        png,
        output,
    }
}

fn verify(demo: &Demo, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["verify", "--keys", demo.keys.to_str().expect("utf-8")];
    args.extend_from_slice(extra);
    let out = ikd(&args);
    (out.status.code(), json(&out))
}

#[test]
fn each_profile_verifies_and_discloses_only_its_claims() {
    for profile in ["age17", "basic", "full"] {
        let d = demo(profile, profile);
        assert!(d.presentation.starts_with("IKD1:"));
        assert!(d.output["qr_version"].as_i64().expect("version") <= 40);
        let (code, v) = verify(&d, &[&d.presentation]);
        assert_eq!(code, Some(0), "{v}");
        assert_eq!(v["valid"], true);
        assert_eq!(v["profile"], profile);
        let claims = v["claims"].as_object().expect("claims");
        match profile {
            "age17" => {
                assert_eq!(claims["age_over_17"], true);
                assert!(!claims.contains_key("nik") && !claims.contains_key("name"));
            }
            "basic" => {
                assert_eq!(claims["nik"], "3574015708950002");
                assert!(!claims.contains_key("address") && !claims.contains_key("religion"));
            }
            _ => assert_eq!(claims["rt"], "003"),
        }
        std::fs::remove_dir_all(&d.dir).ok();
    }
}

#[test]
fn a_photo_of_the_qr_verifies_like_the_text() {
    let d = demo("basic", "image");
    let (code, v) = verify(&d, &["--image", d.png.to_str().expect("utf-8")]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["claims"]["name"], "SITI NURHALIZA BINTI AHMAD SYAHPUTRA");

    // An image with no QR code in it.
    let blank = d.dir.join("blank.png");
    image::GrayImage::from_pixel(200, 200, image::Luma([255]))
        .save(&blank)
        .expect("save");
    let (code, v) = verify(&d, &["--image", blank.to_str().expect("utf-8")]);
    assert_eq!(code, Some(1));
    assert_eq!(v["error"], "no_qr_found");
    std::fs::remove_dir_all(&d.dir).ok();
}

#[test]
fn stale_forged_and_foreign_presentations_are_refused_with_their_reason() {
    let d = demo("basic", "refusals");
    let created: chrono::DateTime<chrono::Utc> = {
        let (_, v) = verify(&d, &[&d.presentation]);
        v["created_at"]
            .as_str()
            .expect("created_at")
            .parse()
            .expect("rfc3339")
    };
    let late = (created + chrono::TimeDelta::seconds(90 + 30 + 1)).to_rfc3339();
    let (code, v) = verify(&d, &["--at", &late, &d.presentation]);
    assert_eq!((code, v["error"].as_str()), (Some(1), Some("expired")));
    assert!(v["message_id"].as_str().expect("message").len() > 10);

    let (code, v) = verify(&d, &["--profile", "full", &d.presentation]);
    assert_eq!(
        (code, v["error"].as_str()),
        (Some(1), Some("wrong_profile"))
    );

    let other = demo("basic", "other-issuer");
    let (code, v) = verify(&other, &[&d.presentation]);
    assert_eq!((code, v["error"].as_str()), (Some(1), Some("unknown_key")));

    let mut forged = d.presentation.clone().into_bytes();
    let last = forged.len() - 1;
    forged[last] = if forged[last] == b'0' { b'1' } else { b'0' };
    let (code, v) = verify(&d, &[std::str::from_utf8(&forged).expect("ascii")]);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["valid"], false);

    let (code, v) = verify(&d, &["HC1:NOT-OURS"]);
    assert_eq!((code, v["error"].as_str()), (Some(1), Some("malformed")));
    for dir in [&d.dir, &other.dir] {
        std::fs::remove_dir_all(dir).ok();
    }
}

#[test]
fn stdin_and_a_key_set_url_work_together() {
    let d = demo("age17", "url");
    let body = std::fs::read_to_string(&d.keys).expect("keys");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!(
        "http://{}/.well-known/ikd-issuer-keys",
        listener.local_addr().expect("addr")
    );
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        let mut request = [0u8; 2048];
        let n = stream.read(&mut request).expect("read request");
        assert!(
            String::from_utf8_lossy(&request[..n]).starts_with("GET /.well-known/ikd-issuer-keys")
        );
        write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("respond");
    });
    let mut child = Command::new(env!("CARGO_BIN_EXE_ikd"))
        .args(["verify", "--keys", &url, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{}\n", d.presentation).as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    server.join().expect("server thread");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(json(&out)["profile"], "age17");
    std::fs::remove_dir_all(&d.dir).ok();
}

#[test]
fn a_missing_key_file_is_a_usage_error_not_a_verdict() {
    let out = ikd(&["verify", "--keys", "/nonexistent/keys.json", "IKD1:X"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/keys.json"));
}
