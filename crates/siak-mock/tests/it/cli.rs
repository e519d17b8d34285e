//! The `siak-mock population` commands, run as a tester would.

use std::process::{Command, Output};

use siak_mock::SampleReason;

use super::TempDir;

fn siak_mock(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_siak-mock"))
        .args(args)
        .env_remove("SIAK_MOCK_DB")
        .output()
        .expect("the binary runs")
}

#[test]
fn generate_then_sample_finds_a_resident_for_every_reason() {
    let dir = TempDir::new();
    let db = dir.db();
    let db = db.to_str().expect("temp path is UTF-8");
    let out = siak_mock(&[
        "population",
        "generate",
        "--db",
        db,
        "--count",
        "300",
        "--seed",
        "9",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(summary["residents"], 300);

    for reason in SampleReason::ALL {
        let out = siak_mock(&[
            "population",
            "sample",
            "--db",
            db,
            "--reason",
            reason.as_str(),
            "--limit",
            "2",
            "--today",
            "2026-01-01",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<serde_json::Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON line"))
            .collect();
        assert!(!lines.is_empty() && lines.len() <= 2, "{reason}: {stdout}");
        for line in lines {
            assert_eq!(line["reason"], reason.as_str());
            assert_eq!(line["nik"].as_str().map(str::len), Some(16));
            assert!(line["name"].is_string());
        }
    }
}

#[test]
fn generate_refuses_to_overwrite_a_population() {
    let dir = TempDir::new();
    let db = dir.db();
    let db = db.to_str().expect("temp path is UTF-8");
    assert!(
        siak_mock(&["population", "generate", "--db", db, "--count", "100"])
            .status
            .success()
    );
    let again = siak_mock(&["population", "generate", "--db", db, "--count", "100"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a population"));
}

#[test]
fn an_unknown_reason_is_refused_with_the_list_of_reasons() {
    let out = siak_mock(&["population", "sample", "--reason", "bogus"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("married_minor"));
}
