//! The operator console as an operator uses it in a browser: HTML pages, form posts, a session
//! cookie and the per-session form token. Then the outbox CLI a script uses to read the code.

use std::process::Command;

use reqwest::{Client, Response, StatusCode, header};
use siak_mock::{SampleReason, Store};

use super::{Device, OPERATOR_PASSWORD, TestApp, body, spawn_app};

/// A browser-like client that does not follow redirects, so the test sees `Set-Cookie`.
fn browser() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

pub(super) async fn html(response: Response) -> String {
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .starts_with("text/html"),
        "the console answers HTML"
    );
    response.text().await.expect("body")
}

pub(super) async fn get_page(app: &TestApp, path: &str, cookie: Option<&str>) -> Response {
    let mut request = browser().get(format!("{}{path}", app.url));
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.send().await.expect("request")
}

pub(super) async fn post_form(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    form: &[(&str, &str)],
) -> Response {
    let mut request = browser().post(format!("{}{path}", app.url)).form(form);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.send().await.expect("request")
}

/// Logs the national operator in through the form; returns the `name=value` cookie.
pub(super) async fn console_login(app: &TestApp) -> String {
    let form = [
        ("username", "operator.pusat"),
        ("password", OPERATOR_PASSWORD),
    ];
    let response = post_form(app, "/operator/login", None, &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/operator");
    let set_cookie = response.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(
            set_cookie.contains(attribute),
            "{set_cookie} has {attribute}"
        );
    }
    // A plain-http (development) server: the plain name, without `Secure`.
    assert!(!set_cookie.contains("Secure"), "{set_cookie}");
    let cookie = set_cookie.split(';').next().expect("name=value").to_owned();
    assert!(cookie.starts_with("ikd_operator=") && cookie.len() > "ikd_operator=".len());
    cookie
}

/// The form token the page embeds in its forms.
pub(super) fn csrf(page: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).expect("the page has a form token") + marker.len();
    let end = start + page[start..].find('"').expect("closing quote");
    page[start..end].to_owned()
}

/// Registers `device`; returns (registration id, registration QR text).
async fn register(app: &TestApp, device: &Device) -> (String, String) {
    let response = app
        .post("/v1/registrations", device.registration(app).await)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let registration = body(response).await;
    let id = registration["registration_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let qr = device.registration_qr(app, &id);
    (id, qr)
}

/// An eligible resident whose register name is set to `name` (as a hostile record would be).
fn resident_named(app: &TestApp, name: &str) -> siak_mock::Sample {
    let resident = app.resident(SampleReason::Eligible);
    let store = Store::open_unpopulated(&app.config.db).expect("open db");
    let changed = store
        .connection()
        .execute(
            "UPDATE residents SET full_name = ?1 WHERE nik = ?2",
            (name, &resident.nik),
        )
        .expect("update");
    assert_eq!(changed, 1);
    resident
}

async fn state(app: &TestApp, id: &str) -> String {
    let view = body(app.get(&format!("/v1/registrations/{id}"), None).await).await;
    view["state"].as_str().expect("state").to_owned()
}

/// Logs in, registers one resident and returns (cookie, page with the queue, id, QR, device).
async fn logged_in_with_one_registration(
    app: &TestApp,
    seed: u8,
) -> (String, String, String, String, Device) {
    let device = Device::new(seed, &app.resident(SampleReason::Eligible));
    let (id, qr) = register(app, &device).await;
    let cookie = console_login(app).await;
    let page = html(get_page(app, "/operator", Some(&cookie)).await).await;
    assert!(page.contains(&format!("data-testid=\"registration-{id}\"")));
    (cookie, page, id, qr, device)
}

#[tokio::test]
async fn operator_page_without_a_session_shows_the_login_form() {
    let app = spawn_app().await;
    let response = get_page(&app, "/operator", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get(header::SET_COOKIE).is_none());
    let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    let page = html(response).await;
    assert!(page.contains("data-testid=\"login-form\""));
    assert!(page.contains("<label for=\"username\">Nama pengguna</label>"));
    assert!(page.contains("<label for=\"password\">Kata sandi</label>"));

    let english = html(get_page(&app, "/operator?lang=en", None).await).await;
    assert!(english.contains("<label for=\"username\">User name</label>"));
    assert!(english.contains("action=\"/operator/login?lang=en\""));
}

#[tokio::test]
async fn wrong_password_shows_an_error_and_sets_no_cookie() {
    let app = spawn_app().await;
    let form = [
        ("username", "operator.pusat"),
        ("password", "not-the-password"),
    ];
    let response = post_form(&app, "/operator/login", None, &form).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().get(header::SET_COOKIE).is_none());
    let page = html(response).await;
    assert!(page.contains("Nama pengguna atau kata sandi salah."));
    assert!(page.contains("data-testid=\"login-form\""));
}

#[tokio::test]
async fn the_queue_lists_a_fresh_registration_with_its_name_escaped() {
    let app = spawn_app().await;
    let hostile = "Siti <script>alert(\"x\")</script> & 'Co'";
    let resident = resident_named(&app, hostile);
    let device = Device::new(51, &resident);
    let (id, _) = register(&app, &device).await;

    let cookie = console_login(&app).await;
    let page = html(get_page(&app, "/operator", Some(&cookie)).await).await;
    assert!(
        page.contains("Operator Ditjen Dukcapil"),
        "the operator's name is shown"
    );
    assert!(page.contains(&format!("data-testid=\"registration-{id}\"")));
    assert!(page.contains(&resident.nik));
    assert!(page.contains(&device.email));
    assert!(
        page.contains("Siti &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;")
    );
    assert!(
        !page.contains("<script>alert"),
        "the name is never echoed raw"
    );
    for reason in ikd_core::RejectionReason::ALL {
        use ikd_core::Localized;
        assert!(page.contains(&format!("<option value=\"{}\">", reason.code())));
    }
}

#[tokio::test]
async fn approving_through_the_console_with_the_right_qr_mails_the_activation_code() {
    let app = spawn_app().await;
    let (cookie, page, id, qr, device) = logged_in_with_one_registration(&app, 52).await;
    let token = csrf(&page);
    let path = format!("/operator/registrations/{id}/approve");

    // A QR that is not a registration QR: a localized message, nothing changes.
    let form = [
        ("csrf", token.as_str()),
        ("registration_qr", "IKDREG1:not-a-qr"),
    ];
    let response = post_form(&app, &path, Some(&cookie), &form).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = html(response).await;
    assert!(page.contains("data-testid=\"banner-err\""));
    assert!(
        !page.contains("internal_error") && !page.contains("{\""),
        "no raw error"
    );
    assert_eq!(state(&app, &id).await, "awaiting_operator_scan");

    let form = [("csrf", token.as_str()), ("registration_qr", qr.as_str())];
    let response = post_form(&app, &path, Some(&cookie), &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = html(response).await;
    assert!(page.contains("data-testid=\"banner-ok\""), "{page}");
    assert!(page.contains(&format!("Pendaftaran {id} disetujui.")));
    assert!(
        !page.contains(&format!("data-testid=\"registration-{id}\"")),
        "it left the queue"
    );
    assert_eq!(state(&app, &id).await, "approved");
    let code = app.activation_code(&device.email).await;

    // A script reads the same code with the outbox CLI.
    let db = app.config.db.to_str().expect("UTF-8 path").to_owned();
    let to = device.email.clone();
    let (code_out, lines_out) = tokio::task::spawn_blocking(move || {
        let run = |args: &[&str]| {
            let out = Command::new(env!("CARGO_BIN_EXE_siak-mock"))
                .args(args)
                .env_remove("SIAK_MOCK_DB")
                .output()
                .expect("the binary runs");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).expect("UTF-8")
        };
        (
            run(&["outbox", "--db", &db, "--to", &to, "--code"]),
            run(&["outbox", "--db", &db, "--limit", "5"]),
        )
    })
    .await
    .expect("join");
    assert_eq!(code_out.trim(), code);
    let newest: serde_json::Value =
        serde_json::from_str(lines_out.lines().next().expect("a line")).expect("JSON line");
    assert_eq!(newest["to"], device.email.as_str());
    assert_eq!(newest["kind"], "activation_code");
}

#[tokio::test]
async fn a_post_without_the_right_form_token_or_session_is_refused() {
    let app = spawn_app().await;
    let (cookie, _, id, qr, device) = logged_in_with_one_registration(&app, 53).await;
    let path = format!("/operator/registrations/{id}/approve");

    let response = post_form(
        &app,
        &path,
        Some(&cookie),
        &[("registration_qr", qr.as_str())],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        html(response)
            .await
            .contains("Formulir kedaluwarsa atau tidak sah.")
    );

    // The token of another session does not fit this one.
    let other = console_login(&app).await;
    let other_token = csrf(&html(get_page(&app, "/operator", Some(&other)).await).await);
    let form = [
        ("csrf", other_token.as_str()),
        ("registration_qr", qr.as_str()),
    ];
    let response = post_form(&app, &path, Some(&cookie), &form).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // No cookie at all: the login form, not an error body.
    let response = post_form(&app, &path, None, &form).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(html(response).await.contains("data-testid=\"login-form\""));

    assert_eq!(state(&app, &id).await, "awaiting_operator_scan");
    let mails = body(
        app.get(&format!("/dev/outbox?to={}", device.email), None)
            .await,
    )
    .await;
    assert_eq!(mails.as_array().expect("list").len(), 0, "no mail was sent");
}

#[tokio::test]
async fn rejecting_through_the_console_mails_the_reason_and_escapes_the_note() {
    let app = spawn_app().await;
    let (cookie, page, id, _, device) = logged_in_with_one_registration(&app, 54).await;
    let token = csrf(&page);
    let path = format!("/operator/registrations/{id}/reject");

    let response = post_form(
        &app,
        &path,
        Some(&cookie),
        &[("csrf", token.as_str()), ("reason", "")],
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        html(response)
            .await
            .contains("Pilih alasan penolakan dari daftar.")
    );

    let note = "Foto buram <script>alert(1)</script>";
    let form = [
        ("csrf", token.as_str()),
        ("reason", "liveness_failed"),
        ("note", note),
    ];
    let response = post_form(&app, &path, Some(&cookie), &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = html(response).await;
    assert!(page.contains(&format!("Pendaftaran {id} ditolak:")));
    assert!(page.contains("Foto buram &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<script>alert"));

    assert_eq!(state(&app, &id).await, "rejected");
    let mail = app.last_mail(&device.email).await;
    assert_eq!(mail["kind"], "registration_rejected");
    let text = mail["body"].as_str().expect("body");
    assert!(
        text.contains("(code: liveness_failed)") && text.contains(note),
        "{text}"
    );
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let cookie = console_login(&app).await;
    let token = csrf(&html(get_page(&app, "/operator?lang=en", Some(&cookie)).await).await);
    let response = post_form(
        &app,
        "/operator/logout?lang=en",
        Some(&cookie),
        &[("csrf", token.as_str())],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/operator?lang=en");
    assert!(
        response.headers()[header::SET_COOKIE]
            .to_str()
            .expect("ascii")
            .contains("Max-Age=0")
    );
    // The old cookie no longer opens the queue.
    let page = html(get_page(&app, "/operator", Some(&cookie)).await).await;
    assert!(page.contains("data-testid=\"login-form\""));
}
