//! Hostile path segments, query strings, bearer tokens and HTTP methods: each a 4xx
//! problem+json with a stable code, and nothing stored changes.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::bad_input::{INJECTIONS, snapshot, world};
use super::{body, problem};

/// Percent-encodes every byte that is not unreserved, so the server sees the value as one segment.
fn segment(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'~' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn hostile_path_segments_queries_tokens_and_methods_get_problems_without_a_trace() {
    let w = world().await;
    let before = snapshot(&w.app);
    let long = "A'<>".repeat(2560);
    let mut values: Vec<&str> = INJECTIONS.to_vec();
    values.push(&long);
    for value in values {
        let s = segment(value);
        let r = w
            .send(Method::GET, &format!("/v1/registrations/{s}"), None, vec![])
            .await;
        problem(r, StatusCode::NOT_FOUND, "registration_not_found").await;
        for action in ["approve", "reject"] {
            let path = format!("/v1/operator/registrations/{s}/{action}");
            let body = if action == "approve" {
                json!({"registration_qr": "IKDREG1:00"})
            } else {
                json!({"reason": "data_mismatch"})
            };
            let r = w.json(&path, &body).await;
            problem(r, StatusCode::NOT_FOUND, "registration_not_found").await;
        }
        let r = w.send(Method::GET, &format!("/v1/{s}"), None, vec![]).await;
        problem(r, StatusCode::NOT_FOUND, "not_found").await;
        // A filter, not a query: a hostile address matches no mail at all.
        let r = w
            .send(Method::GET, &format!("/dev/outbox?to={s}"), None, vec![])
            .await;
        assert_eq!(body(r).await, json!([]), "{value:?}");
        if !value.contains('\0') {
            // Signed as the app signs, so the token itself is what is judged.
            let r = w.app.me_get("/v1/me", value, &w.device).await;
            problem(r, StatusCode::UNAUTHORIZED, "session_invalid").await;
        }
    }
    // Bytes that are not UTF-8 in a path segment, and query values of the wrong type.
    let r = w
        .send(Method::GET, "/v1/registrations/%FF%FE", None, vec![])
        .await;
    problem(r, StatusCode::BAD_REQUEST, "request_invalid").await;
    for query in ["limit=-1", "limit=abc", "limit=99999999999"] {
        let r = w
            .send(Method::GET, &format!("/dev/outbox?{query}"), None, vec![])
            .await;
        problem(r, StatusCode::BAD_REQUEST, "request_invalid").await;
    }
    // A method the endpoint does not have.
    for (method, path) in [
        (Method::GET, "/v1/registrations"),
        (Method::DELETE, "/v1/me"),
        (Method::PUT, "/v1/verify"),
    ] {
        let r = w.send(method, path, None, vec![]).await;
        problem(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    }
    assert_eq!(snapshot(&w.app), before);
}
