//! The flood mode (`--flood`): a real server on 127.0.0.1:0 over a real SQLite file with the
//! per-client rate limits on, one registration a resident polls (`GET /v1/registrations/{id}`)
//! from `--readers` tasks without pause, and, in each of `--rounds` rounds, 40 wrong operator
//! logins and 8 liveness submissions (registrations with a synthetic selfie, analysed by the
//! server) fired at once. Reports p50/p95/p99/max of the reads during the floods, and how the
//! floods were answered (429 = refused by the rate limit before any work).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::{Value, json};

use super::{Holder, post, text};

/// Wrong operator logins per round.
pub const LOGINS: usize = 40;
/// Liveness submissions per round.
pub const SELFIES: usize = 8;

/// Runs the flood against `url` with `holders` (one for the polled registration, then
/// [`SELFIES`] per round).
pub async fn run(
    url: &str,
    holders: &[Holder],
    rounds: usize,
    readers: usize,
) -> anyhow::Result<()> {
    anyhow::ensure!(holders.len() > SELFIES * rounds, "not enough residents");
    let http = Client::new();
    let first = &holders[0];
    let evidence = first.selfie(&http, url).await?;
    let capture_ms = evidence.frames.last().map_or(0, |f| u64::from(f.t_ms));
    tokio::time::sleep(Duration::from_millis(capture_ms + 1000)).await;
    let registration = serde_json::to_value(first.registration(evidence))?;
    let registered = post(
        &http,
        &format!("{url}/v1/registrations"),
        &registration,
        None,
    )
    .await?;
    let status_url = format!(
        "{url}/v1/registrations/{}",
        text(&registered, "registration_id")?
    );

    let stop = Arc::new(AtomicBool::new(false));
    let flooding = Arc::new(AtomicBool::new(false));
    let reads: Vec<_> = (0..readers)
        .map(|_| {
            let (http, status_url) = (http.clone(), status_url.clone());
            let (stop, flooding) = (stop.clone(), flooding.clone());
            tokio::spawn(async move {
                let mut during = Vec::new();
                let mut failed = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    let ok = http
                        .get(&status_url)
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success());
                    if flooding.load(Ordering::Relaxed) {
                        during.push(t.elapsed());
                        failed += usize::from(!ok);
                    }
                }
                (during, failed)
            })
        })
        .collect();

    let mut answers: BTreeMap<String, usize> = BTreeMap::new();
    let started = Instant::now();
    for round in 0..rounds {
        // The selfies are made before the round (the client's CPU is not the server's).
        // A challenge the rate limit refuses is counted and its selfie left out.
        let mut bodies = Vec::with_capacity(SELFIES);
        let mut capture_ms = 0;
        for h in &holders[1 + round * SELFIES..][..SELFIES] {
            match h.selfie(&http, url).await {
                Ok(evidence) => {
                    let last = evidence.frames.last().map_or(0, |f| f.t_ms);
                    capture_ms = capture_ms.max(u64::from(last));
                    bodies.push(serde_json::to_value(h.registration(evidence))?);
                }
                Err(_) => {
                    *answers
                        .entry("liveness challenge | refused".into())
                        .or_default() += 1
                }
            }
        }
        // The server refuses frames claiming more time than passed since the challenge.
        tokio::time::sleep(Duration::from_millis(capture_ms + 1000)).await;
        flooding.store(true, Ordering::Relaxed);
        let mut flood = Vec::new();
        for i in 0..LOGINS {
            let body =
                json!({"username": "operator.pusat", "password": format!("wrong-password-{i}")});
            flood.push(fire(
                http.clone(),
                format!("{url}/v1/operator/login"),
                body,
                "operator login",
            ));
        }
        for body in bodies {
            flood.push(fire(
                http.clone(),
                format!("{url}/v1/registrations"),
                body,
                "liveness submission",
            ));
        }
        let flood: Vec<_> = flood.into_iter().map(tokio::spawn).collect();
        for answer in flood {
            *answers.entry(answer.await?).or_default() += 1;
        }
        flooding.store(false, Ordering::Relaxed);
    }
    let flood_time = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    let mut failed = 0;
    for reader in reads {
        let (during, f) = reader.await?;
        latencies.extend(during);
        failed += f;
    }
    latencies.sort();
    let q = |p: f64| {
        let last = latencies.len().saturating_sub(1);
        let d = latencies
            .get(((last as f64) * p).round() as usize)
            .copied()
            .unwrap_or_default();
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    };
    println!(
        "{rounds} round(s) of {LOGINS} wrong operator logins + {SELFIES} liveness submissions at once, {readers} reader(s), {flood_time:.1?}"
    );
    println!("| reads during the floods | failed | p50 | p95 | p99 | max |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| {} | {failed} | {} | {} | {} | {} |",
        latencies.len(),
        q(0.50),
        q(0.95),
        q(0.99),
        q(1.0)
    );
    println!();
    println!("| flood request | answer | count |");
    println!("|---|---|---|");
    for (what, n) in answers {
        println!("| {what} | {n} |");
    }
    Ok(())
}

/// Sends one flood request; answers "what | status code".
async fn fire(http: Client, url: String, body: Value, what: &'static str) -> String {
    let sent = http
        .post(url)
        .timeout(Duration::from_secs(120))
        .json(&body)
        .send()
        .await;
    match sent {
        Ok(r) => {
            let status = r.status();
            let code = r
                .json::<Value>()
                .await
                .ok()
                .and_then(|v| v["code"].as_str().map(str::to_owned))
                .unwrap_or_default();
            format!("{what} | {} {code}", status.as_u16())
        }
        Err(e) => format!("{what} | error {e}"),
    }
}
