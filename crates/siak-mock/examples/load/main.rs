//! Load client for the mock SIAK: starts the server in-process on 127.0.0.1:0 over a temporary
//! database, prepares activated residents with credentials, then measures requests/s and p50/p99
//! latency of online verification (`POST /v1/verify`) and registration writes
//! (`POST /v1/registrations`) at two concurrencies, beside the raw in-process cost of the same
//! operation (the core's `verify_presentation`, and each handler called without HTTP); and the
//! p99 of a registration read beside a flood of wrong operator logins from many addresses
//! (`login_flood`).
//!
//! ```sh
//! cargo run --release -p siak-mock --example load -- --help
//! ```
//!
//! The throughput phases run with the per-client rate limits off (one client address sends them
//! all). `--flood` measures instead what the limits are for: registration status reads while
//! wrong operator logins and selfies flood the server from one address, limits on
//! ([`flood`]; `--rounds 1` is the short run, `--rounds 10 --readers 8` the long one).
//!
//! Loopback only, bounded by a request count and a duration per phase; the client and the server
//! share the machine, so the figures are a floor for what the server alone could do.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::extract::State;
use chrono::Utc;
use clap::Parser;
use ikd_core::credential::{
    Credential, DeviceSigningKey, IssuerKeySet, VerifyOptions, make_presentation,
    verify_presentation,
};
use ikd_core::protocol::{
    DeviceProof, PinProof, ProofPurpose, REQUEST_PROOF_HEADER, RegistrationQr, RequestProof,
    SignedRequest,
};
use ikd_core::wire::{RegisterRequest, VerifyRequest};
use ikd_core::{Nik, Pin};
use ikd_liveness::{Action, LivenessEvidence, synthetic};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use siak_mock::api::{self, Clock, JsonBody};
use siak_mock::population::DEFAULT_REFERENCE_DATE;
use siak_mock::server::{ServerConfig, build_state};
use siak_mock::{PopulationSpec, SampleReason, Store};

mod drive;
mod flood;
mod login_flood;
use drive::drive;

/// Options of the load run.
#[derive(Debug, Parser)]
struct Args {
    /// Residents in the temporary population.
    #[arg(long, default_value_t = 20_000)]
    population: u32,
    /// Activated residents whose presentations are verified.
    #[arg(long, default_value_t = 16)]
    holders: usize,
    /// Most verifications per phase.
    #[arg(long, default_value_t = 20_000)]
    verify_requests: usize,
    /// Most registrations per phase (each a distinct eligible resident).
    #[arg(long, default_value_t = 300)]
    register_requests: usize,
    /// Registrations and verifications timed in-process, without HTTP.
    #[arg(long, default_value_t = 100)]
    in_process: usize,
    /// Longest a phase may run, in seconds.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrencies to measure.
    #[arg(long, value_delimiter = ',', default_value = "16,64")]
    concurrency: Vec<usize>,
    /// Instead of the throughput phases: status reads during floods of wrong operator logins and
    /// liveness submissions, with the per-client rate limits on.
    #[arg(long)]
    flood: bool,
    /// Flood rounds (`--flood`): 1 is the short run.
    #[arg(long, default_value_t = 1)]
    rounds: usize,
    /// Tasks polling the registration status without pause (`--flood`).
    #[arg(long, default_value_t = 4)]
    readers: usize,
    /// Parallel wrong operator logins beside which registration reads are timed (0: skip).
    #[arg(long, default_value_t = 40)]
    login_flood: usize,
    /// Run only the operator-login flood phase.
    #[arg(long)]
    login_flood_only: bool,
}

const PIN: &str = "284619";
const OPERATOR_PASSWORD: &str = "load-operator-password";

/// Removes the temporary database directory when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A resident's phone for the load: a device key and a registration body.
struct Holder {
    nik: String,
    key: DeviceSigningKey,
    email: String,
    phone: String,
}

impl Holder {
    fn new(i: usize, nik: &str) -> Holder {
        let mut seed = [7u8; 32];
        seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
        Holder {
            nik: nik.to_owned(),
            key: DeviceSigningKey::from_seed(&seed),
            email: format!("load{i}@example.id"),
            phone: format!("0812{i:08}"),
        }
    }

    /// A liveness challenge from the server and a synthetic live face answering it (the
    /// registration's evidence; made before the timed phase, it costs CPU here too).
    async fn selfie(&self, http: &Client, url: &str) -> anyhow::Result<LivenessEvidence> {
        let body = json!({"nik": self.nik, "device_public_key": self.key.public_key().to_base64url(), "purpose": "register"});
        let challenge = post(http, &format!("{url}/v1/liveness/challenges"), &body, None).await?;
        let actions: Vec<Action> = serde_json::from_value(challenge["actions"].clone())?;
        let id = text(&challenge, "challenge_id")?;
        synthetic::evidence_for(&actions, &self.key, &self.nik, &id)
            .context("the synthetic face did not pass")
    }

    fn registration(&self, liveness: LivenessEvidence) -> RegisterRequest {
        let challenge = format!("{}\n{}", self.email, self.phone);
        let proof = DeviceProof::sign(
            &self.key,
            ProofPurpose::Register,
            &self.nik,
            challenge.as_bytes(),
        );
        RegisterRequest {
            nik: self.nik.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            device_public_key: self.key.public_key().to_base64url(),
            device_proof: proof.to_string(),
            liveness: Some(liveness),
        }
    }
}

async fn post(
    http: &Client,
    url: &str,
    body: &Value,
    token: Option<&str>,
) -> anyhow::Result<Value> {
    let mut request = http.post(url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status();
    let value: Value = response.json().await?;
    anyhow::ensure!(status.is_success(), "{url}: {status} {value}");
    Ok(value)
}

fn text(v: &Value, key: &str) -> anyhow::Result<String> {
    v[key]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no {key} in {v}"))
}

/// Registers, approves and activates `holder` over HTTP and returns its basic credential.
async fn activate(
    http: &Client,
    url: &str,
    operator: &str,
    h: &Holder,
) -> anyhow::Result<Credential> {
    let reg = serde_json::to_value(h.registration(h.selfie(http, url).await?))?;
    let reg = post(http, &format!("{url}/v1/registrations"), &reg, None).await?;
    let id = text(&reg, "registration_id")?;
    // The QR the phone shows now: the device key signs the id and the current window.
    let qr = RegistrationQr::make(&h.key, &h.nik, id.parse()?, Utc::now());
    let qr = json!({"registration_qr": qr.to_string()});
    post(
        http,
        &format!("{url}/v1/operator/registrations/{id}/approve"),
        &qr,
        Some(operator),
    )
    .await?;
    let mails: Value = http
        .get(format!("{url}/dev/outbox?to={}&limit=1", h.email))
        .send()
        .await?
        .json()
        .await?;
    let code = text(&mails[0], "body")?
        .lines()
        .find_map(|l| l.strip_prefix("Kode aktivasi: ").map(str::to_owned))
        .context("activation code in the mail")?;
    let nik = Nik::parse(&h.nik, Utc::now().date_naive())?;
    let pin_proof = PinProof::derive(&Pin::parse(PIN)?, &nik);
    let device_proof = DeviceProof::sign(&h.key, ProofPurpose::Activate, &h.nik, id.as_bytes());
    let activation = json!({"registration_id": id, "nik": h.nik, "code": code,
        "device_proof": device_proof.to_string(), "pin_proof": pin_proof});
    let session = post(http, &format!("{url}/v1/activation"), &activation, None).await?;
    let token = text(&session, "session_token")?;
    // A resident request carries the device's signature over it (IKD-Proof).
    let path = "/v1/me/credentials";
    let payload = serde_json::to_vec(&Value::Null)?;
    let signed = SignedRequest {
        method: "POST",
        path_and_query: path,
        body: &payload,
        token: &token,
    };
    let proof = RequestProof::sign(&h.key, &signed, Utc::now().timestamp());
    let response = http
        .post(format!("{url}{path}"))
        .bearer_auth(&token)
        .header(REQUEST_PROOF_HEADER, proof.to_string())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(payload)
        .send()
        .await?;
    let status = response.status();
    let issued: Value = response.json().await?;
    anyhow::ensure!(status.is_success(), "{path}: {status} {issued}");
    let basic = issued
        .as_array()
        .and_then(|list| list.iter().find(|c| c["profile"] == "basic"))
        .context("a basic credential")?;
    Ok(Credential::from_base64url(&text(basic, "credential")?)?)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = TempDir(std::env::temp_dir().join(format!("siak-mock-load-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0)?;
    let config = ServerConfig {
        bind: "127.0.0.1:0".parse()?,
        db: dir.0.join("siak.db"),
        secrets: None,
        population: PopulationSpec {
            count: args.population,
            reference_date: DEFAULT_REFERENCE_DATE,
            ..PopulationSpec::default()
        },
        smtp: None,
        dev: true,
        operator_password: Some(OPERATOR_PASSWORD.into()),
        app_links: Default::default(),
        frame_retention: siak_mock::api::retention::DEFAULT_FRAME_RETENTION,
        challenges_per_nik: siak_mock::api::state::DEFAULT_CHALLENGES_PER_NIK,
        limits: api::Limits {
            rate_limit: if args.flood {
                api::RateLimit::Normal
            } else {
                api::RateLimit::Off
            },
            ..api::Limits::default()
        },
        device_change_wait: siak_mock::api::device_change::DEFAULT_WAIT,
    };
    let started = Instant::now();
    let state = build_state(&config, Clock::System)?;
    eprintln!(
        "population of {} ready in {:.1?}",
        args.population,
        started.elapsed()
    );
    // The server gets its own runtime (2 workers), as a separate process would.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let listener = server_rt.block_on(tokio::net::TcpListener::bind(config.bind))?;
    anyhow::ensure!(listener.local_addr()?.ip().is_loopback(), "loopback only");
    let url = format!("http://{}", listener.local_addr()?);
    server_rt.spawn(api::serve(listener, state.clone(), std::future::pending()));
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    client_rt.block_on(run(&args, &config, state, &url))
}

async fn run(
    args: &Args,
    config: &ServerConfig,
    state: api::AppState,
    url: &str,
) -> anyhow::Result<()> {
    let phases = args.concurrency.len();
    let needed = if args.flood {
        1 + flood::SELFIES * args.rounds
    } else {
        args.holders + args.in_process + phases * args.register_requests + 1
    };
    let today = Utc::now().date_naive();
    let residents = Store::open_unpopulated(&config.db)?.sample(
        SampleReason::Eligible,
        today,
        u32::try_from(needed)?,
        None,
    )?;
    anyhow::ensure!(
        residents.len() == needed,
        "only {} eligible residents; raise --population",
        residents.len()
    );
    let holders: Vec<Holder> = residents
        .iter()
        .enumerate()
        .map(|(i, r)| Holder::new(i, &r.nik))
        .collect();
    if args.flood {
        return flood::run(url, &holders, args.rounds, args.readers).await;
    }
    let (verifiers, rest) = holders.split_at(args.holders);
    let (in_process, for_http) = rest.split_at(args.in_process);
    let http = Client::new();
    let limit = Duration::from_secs(args.seconds);
    if args.login_flood > 0 {
        let h = holders.last().context("a resident to register")?;
        let selfie = h.selfie(&http, url).await?;
        // The server refuses frames claiming more capture time than has passed: let it pass.
        let span = selfie.frames.last().map_or(0, |f| u64::from(f.t_ms));
        tokio::time::sleep(Duration::from_millis(span + 1000)).await;
        let reg = serde_json::to_value(h.registration(selfie))?;
        let reg = post(&http, &format!("{url}/v1/registrations"), &reg, None).await?;
        println!("| operation | requests | errors | requests/s | p50 | p99 |");
        println!("|---|---|---|---|---|---|");
        login_flood::run(
            url,
            &text(&reg, "registration_id")?,
            args.login_flood,
            limit,
        )
        .await?;
        if args.login_flood_only {
            return Ok(());
        }
    }

    let login = json!({"username": "operator.pusat", "password": OPERATOR_PASSWORD});
    let operator = text(
        &post(&http, &format!("{url}/v1/operator/login"), &login, None).await?,
        "token",
    )?;
    let prepared = Instant::now();
    let mut credentials = Vec::new();
    for h in verifiers {
        credentials.push((activate(&http, url, &operator, h).await?, &h.key));
    }
    eprintln!(
        "{} holders activated with credentials in {:.1?}",
        verifiers.len(),
        prepared.elapsed()
    );
    let keys = IssuerKeySet::from_json(
        &http
            .get(format!("{url}/.well-known/ikd-issuer-keys"))
            .send()
            .await?
            .text()
            .await?,
    )?;
    let presentations: Vec<String> = (0..4096)
        .map(|i| {
            let (credential, key) = &credentials[i % credentials.len()];
            make_presentation(credential, key, Utc::now(), None).map(|p| p.as_str().to_owned())
        })
        .collect::<Result<_, _>>()?;
    let presentations = Arc::new(presentations);

    println!("| operation | requests | errors | requests/s | p50 | p99 |");
    println!("|---|---|---|---|---|---|");
    // Raw costs first, on an idle server, one call at a time.
    let keys = Arc::new(keys);
    let (k, p) = (keys.clone(), presentations.clone());
    let stats = drive(1, args.in_process.max(1000), limit, move |i| {
        let options = VerifyOptions {
            clock_skew: chrono::TimeDelta::seconds(30),
            ..VerifyOptions::default()
        };
        let ok = verify_presentation(&p[i % p.len()], &k, Utc::now(), &options).is_ok();
        async move { ok }
    })
    .await;
    println!(
        "{}",
        stats.row("in-process `verify_presentation` (core only)")
    );
    let (st, p) = (state.clone(), presentations.clone());
    let stats = drive(1, args.in_process, limit, move |i| {
        let req = VerifyRequest {
            presentation: p[i % p.len()].clone(),
            verifier: "Load test".into(),
            expected_profile: None,
        };
        let call = api::verify::verify(State(st.clone()), JsonBody(req));
        async move { call.await.is_ok() }
    })
    .await;
    println!(
        "{}",
        stats.row("in-process verify handler (core + status query + history write, no HTTP)")
    );
    let mut requests = Vec::with_capacity(in_process.len());
    for h in in_process {
        requests.push(h.registration(h.selfie(&http, url).await?));
    }
    let requests: Arc<Vec<RegisterRequest>> = Arc::new(requests);
    let st = state.clone();
    let stats = drive(1, args.in_process, limit, move |i| {
        let call = api::registration::register(State(st.clone()), JsonBody(requests[i].clone()));
        async move { call.await.is_ok() }
    })
    .await;
    println!(
        "{}",
        stats.row("in-process registration handler (checks + proof + transaction, no HTTP)")
    );

    for &c in &args.concurrency {
        let (http, url, presentations) = (http.clone(), url.to_owned(), presentations.clone());
        let stats = drive(c, args.verify_requests, limit, move |i| {
            let body = json!({"presentation": presentations[i % presentations.len()], "verifier": "Load test"});
            let request = http.post(format!("{url}/v1/verify")).json(&body).send();
            async move { request.await.is_ok_and(|r| r.status() == StatusCode::OK) }
        })
        .await;
        println!(
            "{}",
            stats.row(&format!("HTTP `POST /v1/verify`, concurrency {c}"))
        );
    }
    for (phase, &c) in args.concurrency.iter().enumerate() {
        let mut bodies: Vec<Value> = Vec::with_capacity(args.register_requests);
        for h in &for_http[phase * args.register_requests..][..args.register_requests] {
            bodies.push(serde_json::to_value(
                h.registration(h.selfie(&http, url).await?),
            )?);
        }
        let (http, url, bodies) = (http.clone(), url.to_owned(), Arc::new(bodies));
        let stats = drive(c, args.register_requests, limit, move |i| {
            let request = http
                .post(format!("{url}/v1/registrations"))
                .json(&bodies[i])
                .send();
            async move {
                request
                    .await
                    .is_ok_and(|r| r.status() == StatusCode::CREATED)
            }
        })
        .await;
        println!(
            "{}",
            stats.row(&format!("HTTP `POST /v1/registrations`, concurrency {c}"))
        );
    }
    Ok(())
}
