//! `ikd nik`: the JSON-lines interface other tools rely on.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

fn ikd() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ikd"))
}

fn lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn each_argument_gives_one_json_line_and_exit_zero_even_when_invalid() {
    let out = ikd()
        .args([
            "nik",
            "--today",
            "2026-11-22",
            "3574015708950002",
            "1234",
            "9171011708950001",
        ])
        .output()
        .expect("run ikd");
    assert!(out.status.success());
    let rows = lines(&out.stdout);
    assert_eq!(rows.len(), 3);

    let woman = &rows[0];
    assert_eq!(woman["nik"], "3574015708950002");
    assert_eq!(woman["valid"], true);
    assert_eq!(woman["province"], "Jawa Timur");
    assert_eq!(woman["regency"], "Kota Probolinggo");
    assert_eq!(woman["district"], "Kademangan");
    assert_eq!(woman["birth_date"], "1995-08-17");
    assert_eq!(woman["sex"], "female");
    assert_eq!(woman["warnings"], Value::Array(vec![]));

    assert_eq!(rows[1]["valid"], false);
    assert_eq!(rows[1]["error"], "nik_wrong_length");
    assert!(rows[1]["message"].as_str().expect("message").contains("16"));

    assert_eq!(rows[2]["valid"], true);
    assert_eq!(rows[2]["warnings"][0]["code"], "province_code_reassigned");
}

#[test]
fn stdin_mode_reads_one_nik_per_line_in_order() {
    let mut child = ikd()
        .args(["nik", "--today", "2026-11-22", "--lang", "id", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn ikd");
    let input: String = (1..=500)
        .map(|i| format!("35.74.01-170895-{i:04}\r\n"))
        .chain(["x\n".to_owned(), "\n".to_owned()])
        .collect();
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let rows = lines(&out.stdout);
    assert_eq!(rows.len(), 502);
    assert!(rows[..500].iter().all(|r| r["valid"] == true));
    assert_eq!(rows[499]["nik"], "35.74.01-170895-0500");
    assert_eq!(rows[500]["error"], "nik_non_digit");
    assert_eq!(rows[501]["error"], "nik_empty");
    assert!(
        rows[501]["message"]
            .as_str()
            .expect("message")
            .starts_with("Masukkan NIK")
    );
}

#[test]
fn a_bad_language_is_a_usage_error() {
    let out = ikd()
        .args(["nik", "--lang", "fr", "3574015708950002"])
        .output()
        .expect("run ikd");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--lang"));
}
