//! Attacks of an office operator on residents of another region: a Kota Probolinggo (3574)
//! operator against a Kota Denpasar (5171) resident, on every endpoint. Each answers exactly as
//! for a registration, frame or account that does not exist, changes nothing, and the Denpasar
//! office (or `pusat`) still can. Also the audit trail (pusat only, never a secret) and the
//! queue's paging and filters.

use reqwest::{Response, StatusCode, header};
use serde_json::{Value, json};
use siak_mock::operator_accounts::DEV_PASSWORD;
use siak_mock::{SampleReason, Store};

use super::attacks_lockout::{PIN, guess_twelve_times};
use super::{Device, TestApp, activated, body, problem, spawn_app};

const PROBOLINGGO: &str = "operator.probolinggo";
const DENPASAR: &str = "operator.denpasar";

/// A token of a seeded office operator (development password).
async fn office_token(app: &TestApp, username: &str) -> String {
    let response = app
        .post(
            "/v1/operator/login",
            json!({"username": username, "password": DEV_PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{username} logs in");
    body(response).await["token"]
        .as_str()
        .expect("token")
        .to_owned()
}

/// `n` eligible residents of regency `regency`.
fn residents_of(app: &TestApp, regency: u16, n: u32) -> Vec<siak_mock::Sample> {
    let store = Store::open_unpopulated(&app.config.db).expect("open db");
    let found = store
        .sample(SampleReason::Eligible, crate::reference(), n, Some(regency))
        .expect("sample");
    assert_eq!(found.len(), n as usize, "{n} residents of {regency}");
    found
}

/// Registers `device`: the registration as answered (id, QR).
async fn register(app: &TestApp, device: &Device) -> Value {
    let request = device.registration(app).await;
    let response = app.post("/v1/registrations", request).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    body(response).await
}

/// Status and body of an answer, to compare two refusals byte for byte.
async fn exact(response: Response) -> (StatusCode, String) {
    let status = response.status();
    (status, response.text().await.expect("body"))
}

/// The registration ids of a queue answer.
async fn ids(response: Response) -> Vec<String> {
    assert_eq!(response.status(), StatusCode::OK);
    body(response)
        .await
        .as_array()
        .expect("array")
        .iter()
        .map(|i| {
            i["registration"]["registration_id"]
                .as_str()
                .expect("id")
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_probolinggo_operator_can_neither_see_nor_decide_nor_view_a_denpasar_registration() {
    let app = spawn_app().await;
    let resident = &residents_of(&app, 5171, 1)[0];
    let device = Device::new(91, resident);
    let registration = register(&app, &device).await;
    let id = registration["registration_id"].as_str().expect("id");
    let qr = device.registration_qr(&app, id);
    let unknown = "0123456789abcdef0123456789abcdef";
    let probolinggo = office_token(&app, PROBOLINGGO).await;

    // The queue: not listed, and asking for the region is refused.
    assert!(
        !ids(app
            .get("/v1/operator/registrations", Some(&probolinggo))
            .await)
        .await
        .contains(&id.to_owned())
    );
    problem(
        app.get("/v1/operator/registrations?region=5171", Some(&probolinggo))
            .await,
        StatusCode::FORBIDDEN,
        "operator_region_out_of_scope",
    )
    .await;

    // Approve and reject: exactly the answer for a registration that does not exist.
    for (action, payload) in [
        ("approve", json!({"registration_qr": qr})),
        ("reject", json!({"reason": "data_mismatch"})),
    ] {
        let theirs = exact(
            app.post_auth(
                &format!("/v1/operator/registrations/{id}/{action}"),
                &probolinggo,
                payload.clone(),
            )
            .await,
        )
        .await;
        let none = exact(
            app.post_auth(
                &format!("/v1/operator/registrations/{unknown}/{action}"),
                &probolinggo,
                payload,
            )
            .await,
        )
        .await;
        assert_eq!(theirs.0, StatusCode::NOT_FOUND, "{action}: {}", theirs.1);
        assert_eq!(theirs, none, "{action} answers like no registration");
    }

    // The selfie frames: as a frame that does not exist.
    let pusat = app.operator_token().await;
    let queue = body(app.get("/v1/operator/registrations", Some(&pusat)).await).await;
    let item = queue
        .as_array()
        .expect("array")
        .iter()
        .find(|i| i["registration"]["registration_id"] == id)
        .expect("pusat sees it")
        .clone();
    let challenge = item["liveness"]["challenge_id"]
        .as_str()
        .expect("challenge");
    let frame = format!("/operator/liveness/{challenge}/0");
    let theirs = exact(app.get(&frame, Some(&probolinggo)).await).await;
    let none = exact(
        app.get(
            &format!("/operator/liveness/{unknown}/0"),
            Some(&probolinggo),
        )
        .await,
    )
    .await;
    assert_eq!(theirs.0, StatusCode::NOT_FOUND);
    assert_eq!(theirs, none);

    // The console does not list it either.
    let page = console_page(&app, PROBOLINGGO, "/operator").await;
    assert!(
        !page.contains(id),
        "the console lists no Denpasar registration"
    );

    // Nothing changed: the registration still waits; Denpasar's own office decides it.
    let status = body(app.get(&format!("/v1/registrations/{id}"), None).await).await;
    assert_eq!(status["state"], "awaiting_operator_scan", "{status}");
    let denpasar = office_token(&app, DENPASAR).await;
    assert!(
        ids(app.get("/v1/operator/registrations", Some(&denpasar)).await)
            .await
            .contains(&id.to_owned())
    );
    let own_frame = app.get(&frame, Some(&denpasar)).await;
    assert_eq!(own_frame.status(), StatusCode::OK);
    let approved = app
        .post_auth(
            &format!("/v1/operator/registrations/{id}/approve"),
            &denpasar,
            json!({"registration_qr": device.registration_qr(&app, id)}),
        )
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
}

/// The console page at `path` for a seeded office operator logged in through the form.
async fn console_page(app: &TestApp, username: &str, path: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let login = client
        .post(format!("{}/operator/login", app.url))
        .form(&[("username", username), ("password", DEV_PASSWORD)])
        .send()
        .await
        .expect("login");
    let cookie = login.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("cookie")
        .to_owned();
    client
        .get(format!("{}{path}", app.url))
        .header(header::COOKIE, cookie)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html")
}

#[tokio::test]
async fn a_probolinggo_operator_cannot_unlock_a_denpasar_account() {
    let app = spawn_app().await;
    let resident = &residents_of(&app, 5171, 1)[0];
    let device = Device::new(92, resident);
    activated(&app, &device, PIN).await;
    problem(
        guess_twelve_times(&app, &device).await,
        StatusCode::LOCKED,
        "account_hard_locked",
    )
    .await;

    let probolinggo = office_token(&app, PROBOLINGGO).await;
    let theirs = exact(
        app.post_auth(
            &format!("/v1/operator/accounts/{}/unlock", device.nik),
            &probolinggo,
            json!(null),
        )
        .await,
    )
    .await;
    // A Denpasar NIK with no account at all.
    let other = residents_of(&app, 5171, 2)[1].nik.clone();
    let none = exact(
        app.post_auth(
            &format!("/v1/operator/accounts/{other}/unlock"),
            &probolinggo,
            json!(null),
        )
        .await,
    )
    .await;
    assert_eq!(theirs.0, StatusCode::NOT_FOUND, "{}", theirs.1);
    assert_eq!(theirs, none, "answers like an account that does not exist");

    // Still hard-locked; the Denpasar office unlocks it.
    let denpasar = office_token(&app, DENPASAR).await;
    let path = format!("/v1/operator/accounts/{}/unlock", device.nik);
    assert_eq!(
        app.post_auth(&path, &denpasar, json!(null)).await.status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn the_audit_trail_records_who_did_what_from_where_for_pusat_only_and_never_a_secret() {
    let app = spawn_app().await;
    let resident = &residents_of(&app, 5171, 1)[0];
    let device = Device::new(93, resident);
    let registration = register(&app, &device).await;
    let id = registration["registration_id"].as_str().expect("id");
    let wrong = app
        .post(
            "/v1/operator/login",
            json!({"username": DENPASAR, "password": "a-wrong-guess-123"}),
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let denpasar = office_token(&app, DENPASAR).await;
    let queue = body(app.get("/v1/operator/registrations", Some(&denpasar)).await).await;
    let challenge = queue[0]["liveness"]["challenge_id"]
        .as_str()
        .expect("challenge")
        .to_owned();
    assert_eq!(
        app.get(
            &format!("/operator/liveness/{challenge}/0"),
            Some(&denpasar)
        )
        .await
        .status(),
        StatusCode::OK
    );
    let rejected = app
        .post_auth(
            &format!("/v1/operator/registrations/{id}/reject"),
            &denpasar,
            json!({"reason": "data_mismatch"}),
        )
        .await;
    assert_eq!(rejected.status(), StatusCode::OK);

    // An office operator may not read it.
    problem(
        app.get("/v1/operator/audit", Some(&denpasar)).await,
        StatusCode::FORBIDDEN,
        "operator_audit_forbidden",
    )
    .await;
    problem(
        app.get("/v1/operator/audit", None).await,
        StatusCode::UNAUTHORIZED,
        "operator_session_invalid",
    )
    .await;

    let pusat = app.operator_token().await;
    let response = app.get("/v1/operator/audit?limit=100", Some(&pusat)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.expect("body");
    for secret in [
        DEV_PASSWORD,
        "a-wrong-guess-123",
        denpasar.as_str(),
        pusat.as_str(),
    ] {
        assert!(
            !text.contains(secret),
            "the audit trail holds no password or token"
        );
    }
    let entries: Vec<Value> = serde_json::from_str(&text).expect("JSON");
    let find = |action: &str| {
        entries
            .iter()
            .find(|e| e["action"] == action && e["username"] == DENPASAR)
            .unwrap_or_else(|| panic!("{action} recorded: {entries:?}"))
            .clone()
    };
    for action in ["login_failed", "login", "frame_viewed", "reject"] {
        let entry = find(action);
        assert_eq!(entry["client_addr"], "127.0.0.1", "{entry}");
        assert_eq!(entry["office_code"], "5171", "{entry}");
    }
    assert_eq!(find("reject")["subject"], id);
    assert_eq!(find("reject")["nik"], device.nik.as_str());
    assert_eq!(find("frame_viewed")["nik"], device.nik.as_str());
    // Newest first, paged: the second page continues where the first ended.
    let first = app.get("/v1/operator/audit?limit=2", Some(&pusat)).await;
    let link = first.headers()[header::LINK]
        .to_str()
        .expect("ascii")
        .to_owned();
    let first = body(first).await;
    assert!(first[0]["id"].as_i64() > first[1]["id"].as_i64());
    let next = link
        .trim_start_matches('<')
        .split('>')
        .next()
        .expect("url")
        .to_owned();
    let second = body(app.get(&next, Some(&pusat)).await).await;
    assert!(second[0]["id"].as_i64() < first[1]["id"].as_i64(), "{link}");
    // The console page is pusat's too.
    let page = console_page(&app, DENPASAR, "/operator/audit").await;
    assert!(page.contains("banner-err") && !page.contains("login_failed"));
}

#[tokio::test]
async fn the_queue_pages_oldest_first_and_filters_by_state_and_region() {
    let app = spawn_app().await;
    let denpasar_residents = residents_of(&app, 5171, 3);
    let mut registered = Vec::new();
    for (i, resident) in denpasar_residents.iter().enumerate() {
        let device = Device::new(100 + i as u8, resident);
        let registration = register(&app, &device).await;
        registered.push((
            registration["registration_id"]
                .as_str()
                .expect("id")
                .to_owned(),
            device,
        ));
        app.advance(chrono::TimeDelta::minutes(1));
    }
    let other = &residents_of(&app, 3574, 1)[0];
    let other = register(&app, &Device::new(110, other)).await;
    let pusat = app.operator_token().await;

    // Oldest first, one a page, following the Link header.
    let mut seen = Vec::new();
    let mut next = Some("/v1/operator/registrations?region=5171&limit=1".to_owned());
    while let Some(path) = next.take() {
        let response = app.get(&path, Some(&pusat)).await;
        next = response.headers().get(header::LINK).map(|l| {
            l.to_str()
                .expect("ascii")
                .trim_start_matches('<')
                .split('>')
                .next()
                .expect("url")
                .to_owned()
        });
        seen.extend(ids(response).await);
        assert!(seen.len() <= 3, "pages end");
    }
    let expected: Vec<String> = registered.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(
        seen, expected,
        "every Denpasar registration once, oldest first"
    );

    // Without a region pusat sees all four; the filters by state.
    assert_eq!(
        ids(app.get("/v1/operator/registrations", Some(&pusat)).await)
            .await
            .len(),
        4
    );
    let (first, device) = &registered[0];
    let approve = app
        .post_auth(
            &format!("/v1/operator/registrations/{first}/approve"),
            &pusat,
            json!({"registration_qr": device.registration_qr(&app, first)}),
        )
        .await;
    assert_eq!(approve.status(), StatusCode::OK);
    let approved = ids(app
        .get("/v1/operator/registrations?state=approved", Some(&pusat))
        .await)
    .await;
    assert_eq!(approved, vec![first.clone()]);
    let waiting = ids(app
        .get(
            "/v1/operator/registrations?state=waiting&region=5171",
            Some(&pusat),
        )
        .await)
    .await;
    assert_eq!(waiting, expected[1..].to_vec());
    let probolinggo = office_token(&app, PROBOLINGGO).await;
    assert_eq!(
        ids(app
            .get("/v1/operator/registrations", Some(&probolinggo))
            .await)
        .await,
        vec![other["registration_id"].as_str().expect("id").to_owned()]
    );

    // Forged paging input is a 400 with its code, never a 5xx.
    for (query, code) in [
        ("limit=0", "queue_limit_invalid"),
        ("limit=101", "queue_limit_invalid"),
        ("state=deleted", "queue_state_invalid"),
        ("region=51", "queue_region_invalid"),
        ("after=yesterday", "queue_cursor_invalid"),
        (
            "state=approved&after=2026-01-01T08:00:00Z,0123456789abcdef0123456789abcdef",
            "queue_cursor_invalid",
        ),
    ] {
        let response = app
            .get(&format!("/v1/operator/registrations?{query}"), Some(&pusat))
            .await;
        problem(response, StatusCode::BAD_REQUEST, code).await;
    }

    // The console shows the filter form and a next-page link.
    let page = console_page(&app, DENPASAR, "/operator?limit=1").await;
    assert!(page.contains("data-testid=\"queue-filter\""));
    assert!(page.contains("data-testid=\"next-page\""), "{page}");
}
