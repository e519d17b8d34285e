//! The mails' links into the app and the association files that let phones open them there.

use axum::http::StatusCode;
use ikd_core::link::{self, Link};
use serde_json::json;
use siak_mock::SampleReason;
use siak_mock::links::AppLinks;

use super::{Device, activate, body, problem, register_and_approve, spawn_app, spawn_configured};

const HOST: &str = "ikd.example.id";

fn fingerprint() -> String {
    "0a".repeat(32)
}

async fn configured() -> super::TestApp {
    spawn_configured(|c| {
        c.app_links = AppLinks::new(
            Some(HOST),
            &[fingerprint()],
            &["ABCDE12345.id.ikd.resident".into()],
        )
        .expect("valid settings");
    })
    .await
}

#[tokio::test]
async fn the_association_files_list_only_this_app() {
    let app = configured().await;
    let response = app.get("/.well-known/assetlinks.json", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(
        body(response).await,
        json!([{
            "relation": ["delegate_permission/common.handle_all_urls"],
            "target": {
                "namespace": "android_app",
                "package_name": "id.ikd.resident",
                "sha256_cert_fingerprints": [vec!["0A"; 32].join(":")],
            }
        }])
    );
    // iOS fetches it without an extension and wants JSON.
    let response = app
        .get("/.well-known/apple-app-site-association", None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    let aasa = body(response).await;
    assert_eq!(
        aasa["applinks"]["details"][0]["appIDs"],
        json!(["ABCDE12345.id.ikd.resident"])
    );
    assert_eq!(
        aasa["applinks"]["details"][0]["components"][0]["/"],
        "/app/*"
    );
}

#[tokio::test]
async fn without_settings_the_files_say_what_is_missing() {
    let app = spawn_app().await;
    for path in [
        "/.well-known/assetlinks.json",
        "/.well-known/apple-app-site-association",
    ] {
        let p = problem(
            app.get(path, None).await,
            StatusCode::NOT_FOUND,
            "app_links_not_configured",
        )
        .await;
        assert!(
            p["message_en"].as_str().expect("en").contains("SIAK_MOCK_"),
            "{p}"
        );
    }
}

fn links_in(mail: &serde_json::Value) -> Vec<String> {
    mail["body"]
        .as_str()
        .expect("body")
        .lines()
        .filter(|l| l.starts_with("https://") || l.starts_with("ikd://"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn the_approval_mail_links_open_activation_with_the_code_that_activates() {
    let app = configured().await;
    let device = Device::new(60, &app.resident(SampleReason::Eligible));
    let (id, code) = register_and_approve(&app, &device).await;
    let mail = app.last_mail(&device.email).await;
    let links = links_in(&mail);
    assert_eq!(links.len(), 2, "{mail}");
    assert!(links[0].starts_with(&format!("https://{HOST}/app/activate?")));
    assert!(links[1].starts_with("ikd://activate?"));
    let mut opened = Vec::new();
    for l in &links {
        match link::parse(l, Some(HOST)).expect("the app takes the mail's link") {
            Link::Activate {
                registration,
                code: from_link,
            } => {
                assert_eq!(registration, id);
                assert_eq!(from_link.to_string(), code);
                opened.push(from_link);
            }
            other => panic!("{other:?}"),
        }
    }
    // The code from the link activates (once).
    let response = activate(&app, &device, &id, opened[0].as_str(), "135790").await;
    assert_eq!(response.status(), StatusCode::OK);

    // Without the app, the https link lands on a page that shows the code and leaks nothing.
    let path = links[0].trim_start_matches(&format!("https://{HOST}"));
    let page = app.get(path, None).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.expect("page");
    assert!(html.contains(&code), "{html}");
    assert!(html.contains("Buka aplikasi KTP Digital"));
}

#[tokio::test]
async fn without_a_domain_the_mail_carries_only_the_app_link() {
    let app = spawn_app().await;
    let device = Device::new(61, &app.resident(SampleReason::Eligible));
    let (id, code) = register_and_approve(&app, &device).await;
    let links = links_in(&app.last_mail(&device.email).await);
    assert_eq!(links.len(), 1);
    assert_eq!(
        link::parse(&links[0], None),
        Ok(Link::Activate {
            registration: id,
            code: ikd_core::protocol::ActivationCode::parse(&code).expect("code"),
        })
    );
}

#[tokio::test]
async fn the_landing_page_never_echoes_what_is_not_a_code() {
    let app = spawn_app().await;
    let page = app
        .get("/app/activate?code=%3Cscript%3Ealert(1)%3C/script%3E", None)
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("page");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("alert"), "{html}");
    let page = app.get("/app/pay?code=ABCDEFGH", None).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
}
