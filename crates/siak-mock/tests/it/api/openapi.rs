//! The served OpenAPI document: version 3.1, every endpoint present, and identical to the copy
//! checked in at `docs/openapi.json` (regenerate with `IKD_REGENERATE_OPENAPI=1 cargo test -p
//! siak-mock openapi`).

use std::path::PathBuf;

use reqwest::StatusCode;
use serde_json::Value;

use super::{body, spawn_app};

fn checked_in_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

async fn served() -> Value {
    let app = spawn_app().await;
    let response = app.get("/openapi.json", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    body(response).await
}

#[tokio::test]
async fn the_document_is_openapi_3_1_with_every_endpoint_and_both_security_schemes() {
    let doc = served().await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/v1/registrations", "post"),
        ("/v1/registrations/{id}", "get"),
        ("/v1/activation", "post"),
        ("/v1/login/challenge", "post"),
        ("/v1/login", "post"),
        ("/v1/me", "get"),
        ("/v1/me/pin", "post"),
        ("/v1/me/release-device", "post"),
        ("/v1/me/credentials", "post"),
        ("/v1/me/family", "get"),
        ("/v1/me/activity", "get"),
        ("/v1/verify", "post"),
        ("/v1/operator/login", "post"),
        ("/v1/operator/registrations", "get"),
        ("/v1/operator/registrations/{id}/approve", "post"),
        ("/v1/operator/registrations/{id}/reject", "post"),
        ("/.well-known/ikd-issuer-keys", "get"),
        ("/dev/outbox", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is documented"
        );
    }
    let schemes = &doc["components"]["securitySchemes"];
    for name in ["session", "operator"] {
        assert_eq!(schemes[name]["type"], "http", "{name}");
        assert_eq!(schemes[name]["scheme"], "bearer", "{name}");
    }
    assert_eq!(schemes["request_proof"]["type"], "apiKey");
    assert_eq!(schemes["request_proof"]["name"], "IKD-Proof");
    // Every resident route asks for the session and the request proof together.
    for (path, method) in [
        ("/v1/me", "get"),
        ("/v1/me/pin", "post"),
        ("/v1/me/release-device", "post"),
        ("/v1/me/credentials", "post"),
        ("/v1/me/family", "get"),
        ("/v1/me/activity", "get"),
    ] {
        let security = &doc["paths"][path][method]["security"][0];
        assert!(
            security["session"].is_array() && security["request_proof"].is_array(),
            "{method} {path}: {security}"
        );
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    // Every request body a handler reads is described.
    for (path, schema) in [
        ("/v1/registrations", "RegisterRequest"),
        ("/v1/verify", "VerifyRequest"),
        ("/v1/activation", "ActivateRequest"),
    ] {
        let reference = &doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["$ref"];
        assert_eq!(
            reference,
            &format!("#/components/schemas/{schema}"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_checked_in_copy_matches_what_the_server_serves() {
    let doc = served().await;
    let text = serde_json::to_string_pretty(&doc).expect("json") + "\n";
    let path = checked_in_path();
    if std::env::var_os("IKD_REGENERATE_OPENAPI").is_some_and(|v| v == "1") {
        std::fs::write(&path, &text).expect("write docs/openapi.json");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == text,
        "docs/openapi.json is out of date with GET /openapi.json; regenerate it with\n    \
         IKD_REGENERATE_OPENAPI=1 cargo test -p siak-mock --test it openapi\nand commit the result"
    );
}
