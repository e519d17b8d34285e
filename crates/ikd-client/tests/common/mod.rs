//! Shared by the client's and the app shell's tests: a real `siak-mock` on 127.0.0.1:0 with a
//! fresh database, a resident who may register, and the operator approving over HTTP.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::Utc;
use ikd_client::{MemoryStore, Resident, SiakClient, StateDir};
use serde_json::{Value, json};
use siak_mock::api::{self, Clock};
use siak_mock::server::{ServerConfig, build_state};
use siak_mock::{PopulationSpec, SampleReason, Store};

pub struct Server {
    pub url: String,
    pub db: std::path::PathBuf,
    pub task: tokio::task::JoinHandle<()>,
    pub dir: std::path::PathBuf,
}

/// The test servers' clock: the system clock, moved forward by [`let_capture_time_pass`].
pub fn server_clock() -> Clock {
    static CLOCK: std::sync::OnceLock<Clock> = std::sync::OnceLock::new();
    CLOCK.get_or_init(Clock::ahead).clone()
}

/// Lets a selfie's capture time (its last frame, `last_t_ms` after the start) pass on the test
/// servers' clock, as it would for a real camera: the server refuses frames that claim more time
/// than passed since the challenge.
pub fn let_capture_time_pass(last_t_ms: u32) {
    server_clock().advance(chrono::TimeDelta::seconds(i64::from(last_t_ms / 1000 + 1)));
}

pub async fn start_server(name: &str) -> Server {
    let dir = std::env::temp_dir().join(format!("ikd-client-story-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = ServerConfig {
        bind: "127.0.0.1:0".parse().expect("addr"),
        db: dir.join("siak.db"),
        secrets: None,
        population: PopulationSpec {
            count: 300,
            ..PopulationSpec::default()
        },
        smtp: None,
        dev: true,
        operator_password: None,
        app_links: Default::default(),
        frame_retention: siak_mock::api::retention::DEFAULT_FRAME_RETENTION,
        challenges_per_nik: siak_mock::api::state::DEFAULT_CHALLENGES_PER_NIK,
        limits: Default::default(),
        device_change_wait: siak_mock::api::device_change::DEFAULT_WAIT,
    };
    let state = tokio::task::spawn_blocking({
        let config = config.clone();
        move || build_state(&config, server_clock())
    })
    .await
    .expect("join")
    .expect("state");
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        api::serve(listener, state, std::future::pending()).await;
    });
    Server {
        url,
        db: config.db,
        task,
        dir,
    }
}

pub fn eligible(server: &Server) -> siak_mock::Sample {
    let store = Store::open_unpopulated(&server.db).expect("db");
    store
        .sample(SampleReason::Eligible, Utc::now().date_naive(), 1, None)
        .expect("sample")
        .remove(0)
}

/// A session token of the seeded operator `operator.pusat` (the development password: the
/// server runs with `dev`, which also routes the outbox these tests read codes from).
pub async fn operator_token(server: &Server) -> String {
    let login: Value = reqwest::Client::new()
        .post(format!("{}/v1/operator/login", server.url))
        .json(&json!({"username": "operator.pusat", "password": siak_mock::operator_accounts::DEV_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    login["token"].as_str().expect("token").to_owned()
}

/// The operator scans the registration QR `resident`'s phone shows now and approves registration
/// `registration_id`; returns the activation code of the approval mail.
pub async fn operator_scans_and_approves<S: ikd_client::SecretStore>(
    server: &Server,
    resident: &Resident<S>,
    registration_id: &ikd_core::RegistrationId,
) -> String {
    let qr = resident
        .registration_qr(server_clock().now())
        .expect("registration QR");
    operator_approves(server, &registration_id.to_string(), &qr.to_string()).await
}

pub async fn operator_approves(server: &Server, registration_id: &str, qr: &str) -> String {
    let http = reqwest::Client::new();
    let token = operator_token(server).await;
    let approved = http
        .post(format!(
            "{}/v1/operator/registrations/{registration_id}/approve",
            server.url
        ))
        .bearer_auth(&token)
        .json(&json!({"registration_qr": qr}))
        .send()
        .await
        .expect("approve");
    assert!(approved.status().is_success());
    newest_mail_line(server, "Kode aktivasi: ").await
}

/// The newest mail in the server's outbox.
pub async fn newest_mail(server: &Server) -> Value {
    let mails: Value = reqwest::get(format!("{}/dev/outbox?limit=1", server.url))
        .await
        .expect("outbox")
        .json()
        .await
        .expect("json");
    mails[0].clone()
}

/// What follows `prefix` on the first line of the newest mail that starts with it.
async fn newest_mail_line(server: &Server, prefix: &str) -> String {
    let mail = newest_mail(server).await;
    mail["body"]
        .as_str()
        .expect("body")
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("a line starting {prefix:?} in {mail}"))
        .to_owned()
}

/// A fresh install of the app pointed at `server`: its secret store and data directory.
pub fn app_for(server: &Server) -> (Resident<Arc<MemoryStore>>, Arc<MemoryStore>, StateDir) {
    let secrets = Arc::new(MemoryStore::default());
    let data = StateDir::new(server.dir.join("app-data")).expect("data dir");
    let client = SiakClient::new(&server.url).expect("client");
    (
        Resident::new(client, secrets.clone(), data.clone()),
        secrets,
        data,
    )
}

/// A synthetic live face answering a fresh `register` challenge, as the device would sign it.
pub async fn selfie<S: ikd_client::SecretStore>(
    resident: &Resident<S>,
    nik: &ikd_core::Nik,
) -> ikd_liveness::LivenessEvidence {
    let challenge = resident
        .liveness_challenge(nik, ikd_core::wire::LivenessPurpose::Register)
        .await
        .expect("a liveness challenge");
    let key = resident.device_key().expect("device key");
    let evidence = ikd_liveness::synthetic::evidence_for(
        &challenge.actions,
        &key,
        nik.as_str(),
        &challenge.challenge_id.to_string(),
    )
    .expect("the synthetic face passes");
    let_capture_time_pass(evidence.frames.last().map_or(0, |f| f.t_ms));
    evidence
}

/// Registers through the resident's flow with a synthetic selfie: the form is parsed by the
/// client first (bad input is refused before anything is sent).
pub async fn register<S: ikd_client::SecretStore>(
    resident: &Resident<S>,
    nik: &str,
    email: &str,
    phone: &str,
    now: chrono::DateTime<Utc>,
) -> Result<ikd_core::wire::RegistrationView, ikd_client::ClientError> {
    let applicant = ikd_client::Applicant::parse(nik, email, phone, now.date_naive())?;
    let evidence = selfie(resident, &applicant.nik).await;
    resident.register(&applicant, evidence).await
}

/// The frames of a synthetic live face making `session`'s actions, as the webview sends them
/// (RGBA, row by row) with their times.
pub fn camera_frames(actions: &[&str], challenge_id: &str) -> Vec<(u32, Vec<u8>)> {
    let actions: Vec<ikd_liveness::Action> = actions
        .iter()
        .map(|a| ikd_liveness::Action::from_code(a).expect("known action"))
        .collect();
    // A new face picture per challenge: the server refuses frames it has seen before.
    let seed = u64::from_str_radix(&challenge_id[..12], 16).expect("hex id");
    ikd_liveness::synthetic::completing_selfie_key_frames(&actions, seed)
        .expect("the synthetic face is followed")
        .into_iter()
        .map(|(t, frame)| {
            let rgba = frame
                .pixels()
                .iter()
                .flat_map(|&g| [g, g, g, 255])
                .collect();
            (t, rgba)
        })
        .collect()
}

/// Registers through the app's screens: the form starts the selfie, the camera frames go through
/// `liveness_frame` until every action is seen, and `liveness_finish` sends it all.
pub async fn register_with_selfie<S: ikd_client::SecretStore>(
    app: &ikd_client::App<S>,
    nik: &str,
    email: &str,
    phone: &str,
    now: chrono::DateTime<Utc>,
) -> Result<ikd_client::views::RegistrationStatus, ikd_client::views::UiError> {
    let session = app.liveness_start(nik, email, phone, now).await?;
    let actions: Vec<&str> = session.steps.iter().map(|s| s.action.code()).collect();
    for (t, rgba) in camera_frames(&actions, &session.challenge_id.to_string()) {
        let progress = app.liveness_frame(&rgba, t)?;
        if progress.phase == ikd_client::views::LivenessPhase::Done {
            let_capture_time_pass(t);
            break;
        }
    }
    let result = app.liveness_finish(now).await?;
    Ok(result.status.expect("a registration status"))
}

/// Registers through the app's screens (selfie included) and has the operator approve; returns
/// the activation code of the approval mail.
pub async fn approved_with_selfie<S: ikd_client::SecretStore>(
    app: &ikd_client::App<S>,
    server: &Server,
    nik: &str,
    email: &str,
    phone: &str,
    now: chrono::DateTime<Utc>,
) -> String {
    let status = register_with_selfie(app, nik, email, phone, now)
        .await
        .expect("registered");
    let qr = app
        .registration_qr(server_clock().now())
        .expect("registration QR");
    operator_approves(server, &status.registration_id.to_string(), &qr.text).await
}

/// The code of the newest device-change mail.
pub async fn recovery_code(server: &Server) -> String {
    let mail = newest_mail(server).await;
    assert_eq!(mail["kind"], "device_change_code", "{mail}");
    newest_mail_line(server, "Kode: ").await
}

/// The app's own link (`ikd://…`) in the newest mail.
pub async fn mail_link(server: &Server) -> String {
    format!("ikd://{}", newest_mail_line(server, "ikd://").await)
}
