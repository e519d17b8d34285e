//! The operator-login flood phase: `--login-flood N` wrong operator logins run in parallel (each
//! task from its own loopback address 127.0.0.x and with user names that do not exist, so
//! neither throttle stops them before ten tries each: every one costs an argon2id hash), while
//! `GET /v1/registrations/{id}` is timed beside them; and the same reads without the flood.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::{Client, StatusCode};
use serde_json::json;

use crate::drive::drive;

/// Prints the rows of the flood phase: status reads alone, then beside `logins` parallel wrong
/// logins, for `limit` each.
pub async fn run(
    url: &str,
    registration: &str,
    logins: usize,
    limit: Duration,
) -> anyhow::Result<()> {
    let reads = |concurrency: usize| {
        let http = Client::new();
        let path = format!("{url}/v1/registrations/{registration}");
        drive(concurrency, usize::MAX, limit, move |_| {
            let request = http.get(&path).send();
            async move { request.await.is_ok_and(|r| r.status() == StatusCode::OK) }
        })
    };
    println!(
        "{}",
        reads(4)
            .await
            .row("HTTP `GET /v1/registrations/{id}`, concurrency 4, no flood")
    );

    let stop = Arc::new(AtomicBool::new(false));
    let (refused, throttled) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut flooders = Vec::with_capacity(logins);
    for i in 0..logins {
        let octet = u8::try_from(10 + i % 240)?;
        let http = Client::builder()
            .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, octet)))
            .build()?;
        let (url, stop) = (url.to_owned(), stop.clone());
        let (refused, throttled) = (refused.clone(), throttled.clone());
        flooders.push(tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let body = json!({"username": format!("flood.{i}.{n}"), "password": "wrong-password-guess"});
                let status = http
                    .post(format!("{url}/v1/operator/login"))
                    .json(&body)
                    .send()
                    .await
                    .map(|r| r.status());
                match status {
                    Ok(StatusCode::UNAUTHORIZED) => refused.fetch_add(1, Ordering::Relaxed),
                    Ok(StatusCode::TOO_MANY_REQUESTS) => throttled.fetch_add(1, Ordering::Relaxed),
                    _ => 0,
                };
            }
        }));
    }
    let stats = reads(4).await;
    stop.store(true, Ordering::Relaxed);
    for flooder in flooders {
        let _ = flooder.await;
    }
    println!(
        "{}",
        stats.row(&format!(
            "HTTP `GET /v1/registrations/{{id}}`, concurrency 4, beside {logins} parallel wrong operator logins ({} hashed and refused 401, {} throttled 429)",
            refused.load(Ordering::Relaxed),
            throttled.load(Ordering::Relaxed)
        ))
    );
    Ok(())
}
