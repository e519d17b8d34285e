//! A restart keeps every acknowledged write: a second server over the same database and secrets
//! file still knows the registration, the account, the PIN and the issuer keys.

use reqwest::StatusCode;
use serde_json::json;
use siak_mock::SampleReason;

use super::{Device, activate, body, login, register_and_approve, restart, spawn_app};

const PIN: &str = "284619";

#[tokio::test]
async fn a_restart_keeps_registrations_accounts_pins_and_issuer_keys() {
    let app = spawn_app().await;
    let device = Device::new(41, &app.resident(SampleReason::Eligible));
    let (id, code) = register_and_approve(&app, &device).await;
    assert_eq!(
        activate(&app, &device, &id, &code, PIN).await.status(),
        StatusCode::OK
    );
    let keys_before = body(app.get("/.well-known/ikd-issuer-keys", None).await).await;
    let pending = Device::new(42, &app.resident(SampleReason::MarriedMinor));
    let waiting = body(
        app.post("/v1/registrations", pending.registration(&app).await)
            .await,
    )
    .await;

    let app = restart(app, |_| {}).await;
    let status = body(app.get(&format!("/v1/registrations/{id}"), None).await).await;
    assert_eq!(status["state"], "activated");
    let again = body(
        app.get(
            &format!(
                "/v1/registrations/{}",
                waiting["registration_id"].as_str().expect("id")
            ),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(again["state"], "awaiting_operator_scan");
    assert_eq!(again["created_at"], waiting["created_at"]);

    // The same PIN logs in on the same device, and credentials are issued under the same keys.
    let session = login(&app, &device, PIN).await;
    assert_eq!(session.status(), StatusCode::OK);
    let token = body(session).await["session_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let keys_after = body(app.get("/.well-known/ikd-issuer-keys", None).await).await;
    assert_eq!(keys_after, keys_before);
    assert!(keys_after["keys"][0]["kid"].is_string());
    let issued = app
        .me_post("/v1/me/credentials", &token, &device, json!(null))
        .await;
    assert_eq!(issued.status(), StatusCode::OK);
    let history = body(app.me_get("/v1/me/activity", &token, &device).await).await;
    for kind in ["registered", "registration_approved", "activated", "login"] {
        assert!(
            history
                .as_array()
                .expect("list")
                .iter()
                .any(|e| e["kind"] == kind),
            "{kind} survived the restart"
        );
    }
    let mail = app.last_mail(&device.email).await;
    assert_eq!(mail["kind"], "activation_code");
}
