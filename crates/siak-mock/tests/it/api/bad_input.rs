//! Bad input of every kind — malformed JSON, wrong types, missing and unknown fields, oversized
//! bodies, wrong content types, injection-looking strings in every field and path segment — gets
//! a 4xx `application/problem+json` with a stable code and both messages, and leaves every stored
//! row as it was.

use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use siak_mock::{SampleReason, Store};

use super::{
    Device, TestApp, activate, body, login, problem, register_and_approve, spawn_configured,
};

const PIN: &str = "284619";

/// Strings that look like attacks; each must be refused (or treated as inert data).
pub const INJECTIONS: &[&str] = &[
    "' OR 1=1 --",
    "'; DROP TABLE registrations; --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "3574\u{0}011708950001",
    "${jndi:ldap://x}",
];

/// Tables whose rows bad input must never add, remove or change.
const TABLES: &[&str] = &[
    "registrations",
    "accounts",
    "outbox",
    "activity_log",
    "sessions",
    "credentials",
    "activation_codes",
];

/// A digest of every stored row that matters: row counts and the full content of the
/// resident-facing tables.
pub fn snapshot(app: &TestApp) -> Vec<String> {
    let store = Store::open_unpopulated(&app.config.db).expect("open db");
    let conn = store.connection();
    let mut out = Vec::new();
    for table in TABLES {
        let count: i64 = conn
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .expect("count");
        out.push(format!("{table}: {count}"));
    }
    for sql in [
        "SELECT id || state || IFNULL(reason, '') FROM registrations ORDER BY id",
        "SELECT nik || state || IFNULL(device_key, '') || pin_failures || hex(pin_hash) FROM accounts ORDER BY nik",
        "SELECT registration_id || wrong_tries || IFNULL(used_at, '') || IFNULL(burnt_at, '') FROM activation_codes ORDER BY registration_id",
    ] {
        let mut stmt = conn.prepare(sql).expect("prepare");
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .expect("query")
            .collect::<Result<Vec<_>, _>>()
            .expect("rows");
        out.extend(rows);
    }
    out
}

/// A server with one active account (with credentials) and one registration awaiting a scan.
pub struct World {
    pub app: TestApp,
    pub device: Device,
    session: String,
    operator: String,
    activated_id: String,
    pub pending_id: String,
}

pub async fn world() -> World {
    // Hundreds of bad requests from one address: without the per-client rate limits.
    let app = spawn_configured(|c| c.limits.rate_limit = siak_mock::api::RateLimit::Off).await;
    let device = Device::new(31, &app.resident(SampleReason::Eligible));
    let (activated_id, code) = register_and_approve(&app, &device).await;
    let response = activate(&app, &device, &activated_id, &code, PIN).await;
    assert_eq!(response.status(), StatusCode::OK);
    let session = body(response).await["session_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let issued = app
        .me_post("/v1/me/credentials", &session, &device, json!(null))
        .await;
    assert_eq!(issued.status(), StatusCode::OK);
    let store = Store::open_unpopulated(&app.config.db).expect("open db");
    let other = store
        .sample(SampleReason::Eligible, super::super::reference(), 2, None)
        .expect("sample")
        .into_iter()
        .find(|s| s.nik != device.nik)
        .expect("a second eligible resident");
    let pending = body(
        app.post(
            "/v1/registrations",
            Device::new(32, &other).registration(&app).await,
        )
        .await,
    )
    .await;
    let pending_id = pending["registration_id"].as_str().expect("id").to_owned();
    let operator = app.operator_token().await;
    World {
        app,
        device,
        session,
        operator,
        activated_id,
        pending_id,
    }
}

impl World {
    /// Sends `body` as-is with `content_type` (none when `None`) and the right credentials.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        payload: Vec<u8>,
    ) -> reqwest::Response {
        let mut request = self
            .app
            .http
            .request(method.clone(), format!("{}{path}", self.app.url));
        if path.starts_with("/v1/me") {
            let t = self.app.proof_time();
            let proof = self
                .device
                .request_proof(&method, path, &payload, &self.session, t);
            request = request
                .bearer_auth(&self.session)
                .header(ikd_core::protocol::REQUEST_PROOF_HEADER, proof);
        }
        request = request.body(payload);
        if let Some(ct) = content_type {
            request = request.header(CONTENT_TYPE, ct);
        }
        if path.starts_with("/v1/operator/registrations") {
            request = request.bearer_auth(&self.operator);
        }
        request.send().await.expect("request")
    }

    pub async fn json(&self, path: &str, value: &Value) -> reqwest::Response {
        let bytes = serde_json::to_vec(value).expect("json");
        self.send(Method::POST, path, Some("application/json"), bytes)
            .await
    }

    /// A well-formed body for each JSON endpoint.
    fn valid_bodies(&self) -> Vec<(String, Value)> {
        let proof = self.device.pin_proof(PIN);
        let approve = format!("/v1/operator/registrations/{}/approve", self.pending_id);
        let reject = format!("/v1/operator/registrations/{}/reject", self.pending_id);
        vec![
            (
                "/v1/registrations".into(),
                self.device.registration_without_liveness(),
            ),
            (
                "/v1/activation".into(),
                json!({"registration_id": self.activated_id, "nik": self.device.nik, "code": "ABCD-EFGH",
                       "device_proof": self.device.proof(ikd_core::protocol::ProofPurpose::Activate, b"x"), "pin_proof": proof}),
            ),
            (
                "/v1/login/challenge".into(),
                json!({"nik": self.device.nik}),
            ),
            (
                "/v1/login".into(),
                json!({"challenge_id": "00", "device_proof": self.device.proof(ikd_core::protocol::ProofPurpose::Login, b"x"), "pin_proof": proof}),
            ),
            (
                "/v1/me/pin".into(),
                json!({"old_pin_proof": proof, "new_pin_proof": proof}),
            ),
            ("/v1/me/release-device".into(), json!({"pin_proof": proof})),
            (
                "/v1/verify".into(),
                json!({"presentation": "IKD1:X", "verifier": "Bank"}),
            ),
            (
                "/v1/operator/login".into(),
                json!({"username": "operator.pusat", "password": "x"}),
            ),
            (approve, json!({"registration_qr": "IKDREG1:00"})),
            (reject, json!({"reason": "data_mismatch"})),
            (
                "/v1/liveness/challenges".into(),
                json!({"nik": self.device.nik, "device_public_key": self.device.public_key(), "purpose": "register"}),
            ),
        ]
    }
}

#[tokio::test]
async fn malformed_json_wrong_types_missing_and_unknown_fields_are_refused_without_a_trace() {
    let w = world().await;
    let before = snapshot(&w.app);
    for (path, valid) in w.valid_bodies() {
        let malformed: [&[u8]; 5] = [b"{\"", b"", b"not json", b"{,}", b"\xff\xfe{}"];
        for raw in malformed {
            let r = w
                .send(Method::POST, &path, Some("application/json"), raw.to_vec())
                .await;
            assert_eq!(
                r.status(),
                StatusCode::BAD_REQUEST,
                "{path} {:?}",
                String::from_utf8_lossy(&raw[..raw.len().min(20)])
            );
            problem(r, StatusCode::BAD_REQUEST, "json_malformed").await;
        }
        let fields = valid.as_object().expect("object").clone();
        let mut wrong_shapes = vec![json!(null), json!([]), json!(42), json!("text"), json!({})];
        for key in fields.keys() {
            let mut wrong_type = fields.clone();
            wrong_type.insert(key.clone(), json!({"$ne": null}));
            wrong_shapes.push(Value::Object(wrong_type));
            let mut number = fields.clone();
            number.insert(key.clone(), json!(12345));
            wrong_shapes.push(Value::Object(number));
            let mut missing = fields.clone();
            missing.remove(key);
            // Optional fields may be left out; required ones may not.
            if !matches!(key.as_str(), "liveness" | "expected_profile" | "note") {
                wrong_shapes.push(Value::Object(missing));
            }
        }
        if path == "/v1/registrations" {
            // Liveness evidence nested past serde_json's recursion limit.
            let mut deep = serde_json::to_string(&valid).expect("json");
            deep.pop();
            deep += &format!(",\"liveness\":{}{}}}", "[".repeat(5000), "]".repeat(5000));
            let r = w
                .send(
                    Method::POST,
                    &path,
                    Some("application/json"),
                    deep.into_bytes(),
                )
                .await;
            // Refused as malformed or as the wrong type, whichever serde meets first.
            let code = if r.status() == StatusCode::BAD_REQUEST {
                "json_malformed"
            } else {
                "json_invalid_fields"
            };
            let status = r.status();
            problem(r, status, code).await;
            assert!(
                status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY
            );
        }
        let mut unknown = fields.clone();
        unknown.insert("is_admin".into(), json!(true));
        wrong_shapes.push(Value::Object(unknown));
        for shape in wrong_shapes {
            let r = w.json(&path, &shape).await;
            // serde_json reports a non-string where an enum is expected as a syntax error.
            let (status, code) = if r.status() == StatusCode::BAD_REQUEST {
                (StatusCode::BAD_REQUEST, "json_malformed")
            } else {
                (StatusCode::UNPROCESSABLE_ENTITY, "json_invalid_fields")
            };
            let p = problem(r, status, code).await;
            assert!(
                p["message_en"].as_str().is_some_and(|m| m.len() > 40),
                "{path} {shape}: {p}"
            );
        }
    }
    assert_eq!(snapshot(&w.app), before);
}

#[tokio::test]
async fn oversized_bodies_and_wrong_content_types_are_refused_without_a_trace() {
    let w = world().await;
    let before = snapshot(&w.app);
    let huge = format!(
        "{{\"nik\": \"{}\"}}",
        "1".repeat(siak_mock::api::MAX_BODY_BYTES + 1)
    );
    for (path, valid) in w.valid_bodies() {
        let r = w
            .send(
                Method::POST,
                &path,
                Some("application/json"),
                huge.clone().into_bytes(),
            )
            .await;
        problem(r, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large").await;
        let bytes = serde_json::to_vec(&valid).expect("json");
        for ct in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            Some("application/xml"),
            Some("json"),
        ] {
            let r = w.send(Method::POST, &path, ct, bytes.clone()).await;
            problem(
                r,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "json_content_type_required",
            )
            .await;
        }
    }
    assert_eq!(snapshot(&w.app), before);
}

/// `(field, code)` for each field of a registration: what a hostile value there is refused as,
/// which for NIK, email and phone is exactly the code the core's parser gives.
fn registration_field_codes(value: &str) -> [(&'static str, &'static str); 5] {
    use ikd_core::{Email, Localized, Nik, PhoneNumber};
    let code = |e: Option<&dyn Localized>| e.map(|e| e.code()).expect("the core refuses it");
    [
        (
            "nik",
            code(
                Nik::parse(value, super::super::reference())
                    .err()
                    .as_ref()
                    .map(|e| e as &dyn Localized),
            ),
        ),
        (
            "email",
            code(
                Email::parse(value)
                    .err()
                    .as_ref()
                    .map(|e| e as &dyn Localized),
            ),
        ),
        (
            "phone",
            code(
                PhoneNumber::parse(value)
                    .err()
                    .as_ref()
                    .map(|e| e as &dyn Localized),
            ),
        ),
        ("device_public_key", "device_key_invalid"),
        ("device_proof", "device_proof_malformed"),
    ]
}

#[tokio::test]
async fn injection_looking_strings_in_fields_are_refused_without_a_trace() {
    let w = world().await;
    let before = snapshot(&w.app);
    let long_digits = "1".repeat(10 * 1024);
    let long_text = "A'<>".repeat(2560);
    let mut values: Vec<&str> = INJECTIONS.to_vec();
    values.extend([long_digits.as_str(), long_text.as_str()]);
    for value in values {
        for (field, code) in registration_field_codes(value) {
            let mut request = w.device.registration_without_liveness();
            request[field] = json!(value);
            let r = w.json("/v1/registrations", &request).await;
            let p = problem(r, StatusCode::BAD_REQUEST, code).await;
            assert!(!p.to_string().contains("SELECT"), "no SQL leaks: {p}");
        }
        let r = w.json("/v1/login/challenge", &json!({"nik": value})).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{value:?}");
        let mut activation = w.valid_bodies()[1].1.clone();
        activation["registration_id"] = json!(value);
        activation["code"] = json!("ABCD-EFGH");
        let r = w.json("/v1/activation", &activation).await;
        problem(r, StatusCode::NOT_FOUND, "registration_not_found").await;
        let mut activation = w.valid_bodies()[1].1.clone();
        activation["code"] = json!(value);
        let r = w.json("/v1/activation", &activation).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{value:?}");
        let mut login = w.valid_bodies()[3].1.clone();
        login["challenge_id"] = json!(value);
        let r = w.json("/v1/login", &login).await;
        problem(r, StatusCode::UNAUTHORIZED, "login_challenge_invalid").await;
        let r = w
            .json(
                "/v1/verify",
                &json!({"presentation": value, "verifier": "Bank"}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{value:?}");
        let r = w
            .json(
                "/v1/verify",
                &json!({"presentation": "IKD1:X", "verifier": value, "expected_profile": "basic"}),
            )
            .await;
        assert!(r.status().is_client_error(), "{value:?}");
        let r = w
            .json(
                "/v1/operator/login",
                &json!({"username": value, "password": value}),
            )
            .await;
        problem(r, StatusCode::UNAUTHORIZED, "operator_login_failed").await;
        let approve = format!("/v1/operator/registrations/{}/approve", w.pending_id);
        let r = w.json(&approve, &json!({"registration_qr": value})).await;
        problem(r, StatusCode::BAD_REQUEST, "registration_qr_malformed").await;
        let reject = format!("/v1/operator/registrations/{}/reject", w.pending_id);
        let r = w.json(&reject, &json!({"reason": value})).await;
        problem(r, StatusCode::UNPROCESSABLE_ENTITY, "json_invalid_fields").await;
    }
    assert_eq!(snapshot(&w.app), before);
    // Nothing was corrupted: the resident still logs in with the same PIN.
    assert_eq!(login(&w.app, &w.device, PIN).await.status(), StatusCode::OK);
}
