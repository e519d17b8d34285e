//! HTTP tests of the mock SIAK: a real server on 127.0.0.1:0 with a fresh database per test
//! (zero2prod's `spawn_app`), driven over real HTTP with reqwest, and a resident "device" that
//! makes the same proofs the app makes with `ikd-core`. The servers run in development mode
//! (`dev`, as `serve --dev`) so tests read codes from `/dev/outbox`; the `attacks_*` modules
//! start deployment-mode servers where they test that mode.

mod app_links;
mod attacks_device_change;
mod attacks_devmode;
mod attacks_flood;
mod attacks_keys;
mod attacks_lockout;
mod attacks_operators;
mod attacks_presence;
mod attacks_replay;
mod attacks_scope;
mod attacks_session;
mod bad_input;
mod bad_paths;
mod console;
mod flows;
mod liveness;
mod openapi;
mod restart;
mod serve;
mod smtp;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use ikd_core::credential::DeviceSigningKey;
use ikd_core::protocol::{
    DeviceProof, PinProof, ProofPurpose, REQUEST_PROOF_HEADER, RegistrationQr, RequestProof,
    SignedRequest,
};
use ikd_core::{Nik, Pin};
use ikd_liveness::{Action, synthetic};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{Value, json};
use siak_mock::api::{self, Clock};
use siak_mock::server::{ServerConfig, build_state};
use siak_mock::{SampleReason, Store};

use super::{TempDir, spec};

/// Password of the default operator `operator.pusat` in tests (`SIAK_MOCK_OPERATOR_PASSWORD`);
/// the other seeded operators keep the development password.
pub const OPERATOR_PASSWORD: &str = "test-operator-password";

/// A running server with its own database and a clock the test moves.
pub struct TestApp {
    pub url: String,
    pub http: Client,
    pub clock: Clock,
    pub _dir: TempDir,
    pub config: ServerConfig,
    /// The server's state (for tests that call a periodic task directly, such as a sweep).
    pub state: api::AppState,
    _server: tokio::task::JoinHandle<()>,
    /// Signed requests made so far (see [`TestApp::proof_time`]).
    signed: std::sync::atomic::AtomicI64,
}

/// The instant tests start at: 08:00 UTC on the population's reference date.
pub fn start_time() -> DateTime<Utc> {
    Utc.from_utc_datetime(&super::reference().and_hms_opt(8, 0, 0).expect("time"))
}

/// Starts a development-mode server on 127.0.0.1:0 over a fresh 300-resident database.
pub async fn spawn_app() -> TestApp {
    spawn_configured(|_| {}).await
}

/// The configuration of [`spawn_app`]'s server over `dir`: development mode on 127.0.0.1:0, a
/// 300-resident population, no SMTP, [`OPERATOR_PASSWORD`] for `operator.pusat`.
pub fn test_config(dir: &TempDir) -> ServerConfig {
    ServerConfig {
        bind: "127.0.0.1:0".parse().expect("addr"),
        db: dir.db(),
        secrets: None,
        population: spec(20261122, 300),
        smtp: None,
        dev: true,
        operator_password: Some(OPERATOR_PASSWORD.into()),
        app_links: Default::default(),
        frame_retention: siak_mock::api::retention::DEFAULT_FRAME_RETENTION,
        challenges_per_nik: siak_mock::api::state::DEFAULT_CHALLENGES_PER_NIK,
        limits: Default::default(),
        device_change_wait: siak_mock::api::device_change::DEFAULT_WAIT,
    }
}

/// Starts a server like [`spawn_app`], with `change` applied to its configuration.
pub async fn spawn_configured(change: impl FnOnce(&mut ServerConfig)) -> TestApp {
    let dir = TempDir::new();
    let mut config = test_config(&dir);
    change(&mut config);
    spawn_with(dir, config).await
}

/// Starts a server with `config` (its database may already exist).
pub async fn spawn_with(dir: TempDir, config: ServerConfig) -> TestApp {
    let clock = Clock::manual(start_time());
    let state = tokio::task::spawn_blocking({
        let (config, clock) = (config.clone(), clock.clone());
        move || build_state(&config, clock)
    })
    .await
    .expect("join")
    .expect("server state");
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let served = state.clone();
    let server = tokio::spawn(async move {
        api::serve(listener, state, std::future::pending()).await;
    });
    TestApp {
        url,
        http: Client::new(),
        clock,
        _dir: dir,
        config,
        state: served,
        _server: server,
        signed: std::sync::atomic::AtomicI64::new(0),
    }
}

impl TestApp {
    /// A resident of the test population in `category`.
    pub fn resident(&self, category: SampleReason) -> siak_mock::Sample {
        self.residents(category, 1).remove(0)
    }

    /// `n` different residents of one category (the first is `resident`'s).
    pub fn residents(&self, category: SampleReason, n: u32) -> Vec<siak_mock::Sample> {
        let store = Store::open_unpopulated(&self.config.db).expect("open db");
        let found = store
            .sample(category, super::reference(), n, None)
            .expect("sample");
        assert_eq!(
            found.len(),
            n as usize,
            "the test population has {n} residents for {category:?}"
        );
        found
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.http
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_auth(&self, path: &str, token: &str, body: Value) -> Response {
        self.http
            .post(format!("{}{path}", self.url))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.http.get(format!("{}{path}", self.url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request")
    }

    /// Logs the national operator in.
    pub async fn operator_token(&self) -> String {
        let response = self
            .post(
                "/v1/operator/login",
                json!({"username": "operator.pusat", "password": OPERATOR_PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        body(response).await["token"]
            .as_str()
            .expect("token")
            .to_owned()
    }

    /// The newest mail to `to` in the outbox.
    pub async fn last_mail(&self, to: &str) -> Value {
        let mails = body(
            self.get(&format!("/dev/outbox?to={to}&limit=1"), None)
                .await,
        )
        .await;
        mails[0].clone()
    }

    /// The activation code in the newest mail to `to`, which must be an activation mail.
    pub async fn activation_code(&self, to: &str) -> String {
        let mail = self.last_mail(to).await;
        assert_eq!(mail["kind"], "activation_code", "{mail}");
        mail["body"]
            .as_str()
            .expect("body")
            .lines()
            .find_map(|l| l.strip_prefix("Kode aktivasi: "))
            .expect("the mail carries the code")
            .to_owned()
    }

    pub fn advance(&self, by: TimeDelta) {
        self.clock.advance(by);
    }

    /// The time the next signed request claims: the server's clock moved by a different second
    /// each time (within ±50 s), so a test repeating a request on a stopped clock makes a new
    /// proof as the app would a second later, not a replay.
    pub fn proof_time(&self) -> i64 {
        let n = self
            .signed
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.clock.now().timestamp() + n % 101 - 50
    }

    /// Sends `payload` on the session `token` with `proof` as the `IKD-Proof` header (none
    /// when `None`): the raw request the attack tests forge.
    pub async fn send_signed(
        &self,
        method: Method,
        path: &str,
        token: &str,
        proof: Option<String>,
        payload: Vec<u8>,
    ) -> Response {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(token);
        if !payload.is_empty() {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(payload);
        }
        if let Some(proof) = proof {
            request = request.header(REQUEST_PROOF_HEADER, proof);
        }
        request.send().await.expect("request")
    }

    /// A request on a resident session as the app makes it: `payload` signed by `device`.
    pub async fn me(
        &self,
        method: Method,
        path: &str,
        token: &str,
        device: &Device,
        payload: Vec<u8>,
    ) -> Response {
        let proof = device.request_proof(&method, path, &payload, token, self.proof_time());
        self.send_signed(method, path, token, Some(proof), payload)
            .await
    }

    /// `GET path` on a resident session, signed by `device`.
    pub async fn me_get(&self, path: &str, token: &str, device: &Device) -> Response {
        self.me(Method::GET, path, token, device, vec![]).await
    }

    /// `POST path` with a JSON body on a resident session, signed by `device`.
    pub async fn me_post(&self, path: &str, token: &str, device: &Device, body: Value) -> Response {
        let payload = serde_json::to_vec(&body).expect("json");
        self.me(Method::POST, path, token, device, payload).await
    }
}

/// The JSON body of a response.
pub async fn body(response: Response) -> Value {
    response.json().await.expect("JSON body")
}

/// Asserts a problem+json error with `status` and `code`, and returns it.
pub async fn problem(response: Response, status: StatusCode, code: &str) -> Value {
    let actual = response.status();
    if actual != status {
        let text = response.text().await.unwrap_or_default();
        panic!("status {actual}, expected {status} ({code}): {text}");
    }
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "content type"
    );
    let problem = body(response).await;
    assert_eq!(problem["code"], code, "{problem}");
    assert!(
        !problem["message_id"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    );
    assert!(
        !problem["message_en"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    );
    problem
}

/// A resident's phone: a device key and the proofs the app makes.
pub struct Device {
    pub key: DeviceSigningKey,
    pub nik: String,
    pub email: String,
    pub phone: String,
}

impl Device {
    pub fn new(seed: u8, resident: &siak_mock::Sample) -> Device {
        Device {
            key: DeviceSigningKey::from_seed(&[seed; 32]),
            nik: resident.nik.clone(),
            email: resident
                .email
                .clone()
                .unwrap_or_else(|| format!("warga{seed}@example.id")),
            phone: resident
                .phone
                .clone()
                .unwrap_or_else(|| format!("0812000000{seed:02}")),
        }
    }

    pub fn public_key(&self) -> String {
        self.key.public_key().to_base64url()
    }

    /// Starts a device change of this device's NIK to this device, with `email` and a fresh
    /// selfie (`POST /v1/recovery`).
    pub async fn start_device_change(&self, app: &TestApp, email: &str) -> Response {
        let challenge = self.liveness_challenge(app, "recover").await;
        app.post(
            "/v1/recovery",
            json!({
                "nik": self.nik,
                "email": email,
                "device_public_key": self.public_key(),
                "liveness": self.evidence(app, &challenge),
            }),
        )
        .await
    }

    /// A liveness challenge for this device, from the server.
    pub async fn liveness_challenge(&self, app: &TestApp, purpose: &str) -> Value {
        body(self.ask_challenge(app, purpose).await).await
    }

    /// The server's answer to this device asking for a liveness challenge.
    pub async fn ask_challenge(&self, app: &TestApp, purpose: &str) -> Response {
        app.post(
            "/v1/liveness/challenges",
            json!({"nik": self.nik, "device_public_key": self.public_key(), "purpose": purpose}),
        )
        .await
    }

    /// Evidence of a synthetic live face answering `challenge`, sent once the capture's time has
    /// passed on `app`'s clock (the server refuses frames older than the challenge).
    pub fn evidence(&self, app: &TestApp, challenge: &Value) -> Value {
        let actions: Vec<Action> =
            serde_json::from_value(challenge["actions"].clone()).expect("actions");
        let id = challenge["challenge_id"].as_str().expect("challenge id");
        let evidence = synthetic::evidence_for(&actions, &self.key, &self.nik, id)
            .unwrap_or_else(|| panic!("the synthetic face passes {actions:?} for {id}"));
        let span_ms = evidence.frames.last().map_or(0, |f| i64::from(f.t_ms));
        app.advance(TimeDelta::seconds(span_ms / 1000 + 1));
        serde_json::to_value(evidence).expect("json")
    }

    /// A registration request with fresh liveness evidence (asks `app` for the challenge).
    pub async fn registration(&self, app: &TestApp) -> Value {
        let challenge = self.liveness_challenge(app, "register").await;
        let mut request = self.registration_without_liveness();
        request["liveness"] = self.evidence(app, &challenge);
        request
    }

    /// A registration request without liveness evidence.
    pub fn registration_without_liveness(&self) -> Value {
        let challenge = format!("{}\n{}", self.email, self.phone);
        let proof = DeviceProof::sign(
            &self.key,
            ProofPurpose::Register,
            &self.nik,
            challenge.as_bytes(),
        );
        json!({
            "nik": self.nik,
            "email": self.email,
            "phone": self.phone,
            "device_public_key": self.public_key(),
            "device_proof": proof.to_string(),
        })
    }

    pub fn pin_proof(&self, pin: &str) -> String {
        let nik = Nik::parse(&self.nik, super::reference()).expect("valid NIK");
        let proof = PinProof::derive(&Pin::parse(pin).expect("six digits"), &nik);
        serde_json::to_value(proof)
            .expect("json")
            .as_str()
            .expect("text")
            .to_owned()
    }

    pub fn proof(&self, purpose: ProofPurpose, challenge: &[u8]) -> String {
        DeviceProof::sign(&self.key, purpose, &self.nik, challenge).to_string()
    }

    /// The registration QR this phone shows for registration `id` at `app`'s time (what the
    /// operator scans).
    pub fn registration_qr(&self, app: &TestApp, id: &str) -> String {
        let id = id.parse().expect("registration id");
        RegistrationQr::make(&self.key, &self.nik, id, app.clock.now()).to_string()
    }

    /// The `IKD-Proof` header value of a request on the session `token` at unix time `t`.
    pub fn request_proof(
        &self,
        method: &Method,
        path: &str,
        body: &[u8],
        token: &str,
        t: i64,
    ) -> String {
        let request = SignedRequest {
            method: method.as_str(),
            path_and_query: path,
            body,
            token,
        };
        RequestProof::sign(&self.key, &request, t).to_string()
    }
}

/// Registers `device`, has the operator approve it, and returns (registration id, activation code).
pub async fn register_and_approve(app: &TestApp, device: &Device) -> (String, String) {
    let request = device.registration(app).await;
    register_and_approve_with(app, device, request).await
}

/// [`register_and_approve`] with a registration request the test made.
pub async fn register_and_approve_with(
    app: &TestApp,
    device: &Device,
    request: Value,
) -> (String, String) {
    let response = app.post("/v1/registrations", request).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let registration = body(response).await;
    let id = registration["registration_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let qr = device.registration_qr(app, &id);
    let token = app.operator_token().await;
    let response = app
        .post_auth(
            &format!("/v1/operator/registrations/{id}/approve"),
            &token,
            json!({"registration_qr": qr}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let code = app.activation_code(&device.email).await;
    (id, code)
}

/// Stops `app` and starts a server over the same database with `change` applied to its
/// configuration. Aborting the task drops the state and closes the database; dropping the client
/// closes its keep-alive connections, so no connection task keeps it alive.
pub async fn restart(app: TestApp, change: impl FnOnce(&mut ServerConfig)) -> TestApp {
    let TestApp {
        _dir,
        mut config,
        _server,
        http,
        state,
        ..
    } = app;
    drop(http);
    drop(state);
    _server.abort();
    assert!(_server.await.is_err_and(|e| e.is_cancelled()));
    change(&mut config);
    spawn_with(_dir, config).await
}

/// Registers `device`, has it approved, activates it with `pin` and returns the session token.
pub async fn activated(app: &TestApp, device: &Device, pin: &str) -> String {
    let (id, code) = register_and_approve(app, device).await;
    let response = activate(app, device, &id, &code, pin).await;
    assert_eq!(response.status(), StatusCode::OK);
    body(response).await["session_token"]
        .as_str()
        .expect("token")
        .to_owned()
}

/// Activates with `pin` and returns the session token.
pub async fn activate(app: &TestApp, device: &Device, id: &str, code: &str, pin: &str) -> Response {
    app.post(
        "/v1/activation",
        json!({
            "registration_id": id,
            "nik": device.nik,
            "code": code,
            "device_proof": device.proof(ProofPurpose::Activate, id.as_bytes()),
            "pin_proof": device.pin_proof(pin),
        }),
    )
    .await
}

/// Logs in with `pin`; returns the raw response.
pub async fn login(app: &TestApp, device: &Device, pin: &str) -> Response {
    let challenge = body(
        app.post("/v1/login/challenge", json!({"nik": device.nik}))
            .await,
    )
    .await;
    use base64::Engine;
    let nonce = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(challenge["nonce"].as_str().expect("nonce"))
        .expect("base64url");
    app.post(
        "/v1/login",
        json!({
            "challenge_id": challenge["challenge_id"],
            "device_proof": device.proof(ProofPurpose::Login, &nonce),
            "pin_proof": device.pin_proof(pin),
        }),
    )
    .await
}
