//! The typed HTTP client of the central SIAK. Every call has a timeout; idempotent reads are
//! retried with backoff on network failures and 5xx (weak networks are the norm for our
//! residents), writes are not retried blindly. Errors say which of offline / timeout / server
//! down / refused happened. Every call on a session is signed by the device key
//! ([`crate::signing`]), each attempt afresh; a proof refused as stale is sent again once, signed
//! at the server's time.

use std::sync::Arc;
use std::time::Duration;

use ikd_core::credential::{ISSUER_KEYS_PATH, IssuerKeySet};
use ikd_core::protocol::REQUEST_PROOF_HEADER;
use ikd_core::wire::{
    ActivateRequest, ActivityEntry, ChallengeRequest, ChallengeView, ChangePinRequest,
    DeviceChangeView, FamilyView, IssuedCredential, LivenessChallengeRequest,
    LivenessChallengeView, LoginRequest, MyDeviceChange, Problem, RecoveryCompleteRequest,
    RecoveryConfirmRequest, RecoveryRequest, RecoveryView, RegisterRequest, RegistrationView,
    ReleaseRequest, SessionView,
};
use ikd_core::{RecoveryId, RegistrationId};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ClientError;
use crate::signing::{ProofClock, SessionAuth, is_stale, path_and_query};
use ikd_core::{Lang, Localized};

/// Waits between tries of an idempotent call.
const BACKOFF: [Duration; 3] = [
    Duration::from_millis(200),
    Duration::from_millis(800),
    Duration::from_millis(2000),
];

/// A client of one SIAK server.
#[derive(Debug, Clone)]
pub struct SiakClient {
    base: String,
    /// See [`SiakClient::app_link_host`].
    app_link_host: Option<String>,
    http: reqwest::Client,
    /// The time request proofs claim.
    proof_clock: Arc<ProofClock>,
}

fn transport(e: &reqwest::Error) -> ClientError {
    if e.is_timeout() {
        ClientError::Timeout
    } else {
        ClientError::Offline(e.to_string())
    }
}

/// Why a SIAK server address is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServerUrlError {
    /// Not an http(s) URL with a host.
    #[error("{0:?} is not a server address")]
    NotAUrl(String),
    /// Plain http in a release build: the NIK, PIN proofs and credentials would travel in clear.
    #[error("{0:?} is not https (release builds talk to SIAK over https only)")]
    NotHttps(String),
}

impl Localized for ServerUrlError {
    fn code(&self) -> &'static str {
        match self {
            ServerUrlError::NotAUrl(_) => "server_url_invalid",
            ServerUrlError::NotHttps(_) => "server_url_not_https",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ServerUrlError::NotAUrl(u), Lang::Id) => {
                format!("Alamat server SIAK tidak sah: \"{u}\". Pasang ulang aplikasi resmi.")
            }
            (ServerUrlError::NotAUrl(u), Lang::En) => {
                format!(
                    "The SIAK server address is not valid: \"{u}\". Reinstall the official app."
                )
            }
            (ServerUrlError::NotHttps(u), Lang::Id) => format!(
                "Aplikasi ini hanya terhubung ke SIAK lewat https, bukan \"{u}\". Pasang ulang aplikasi resmi."
            ),
            (ServerUrlError::NotHttps(u), Lang::En) => format!(
                "This app only connects to SIAK over https, not \"{u}\". Reinstall the official app."
            ),
        }
    }
}

/// Checks a SIAK server address: https always; plain http only when `allow_http` (debug builds,
/// for the mock SIAK on `127.0.0.1` or the Android emulator's host `10.0.2.2`).
pub fn check_server_url(base: &str, allow_http: bool) -> Result<reqwest::Url, ServerUrlError> {
    let url = reqwest::Url::parse(base.trim())
        .ok()
        .filter(|u| u.host_str().is_some_and(|h| !h.is_empty()))
        .ok_or_else(|| ServerUrlError::NotAUrl(base.to_owned()))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_http => Ok(url),
        "http" => Err(ServerUrlError::NotHttps(base.to_owned())),
        _ => Err(ServerUrlError::NotAUrl(base.to_owned())),
    }
}

impl SiakClient {
    /// A client of the server at `base` (e.g. `https://siak.example.id`). Release builds refuse
    /// anything but https, and their HTTP client refuses it too (redirects included).
    pub fn new(base: &str) -> Result<Self, ClientError> {
        let release = !cfg!(debug_assertions);
        let url = check_server_url(base, !release).map_err(|e| ClientError::invalid(&e))?;
        let app_link_host = (url.scheme() == "https")
            .then(|| url.host_str().map(str::to_owned))
            .flatten();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(20))
            .https_only(release)
            .build()
            .map_err(|e| ClientError::Offline(e.to_string()))?;
        Ok(SiakClient {
            base: base.trim().trim_end_matches('/').to_owned(),
            app_link_host,
            http,
            proof_clock: Arc::default(),
        })
    }

    /// The domain of the server's app links (`https://<domain>/app/…` in its mails): the server's
    /// own host when it is reached over https.
    pub fn app_link_host(&self) -> Option<&str> {
        self.app_link_host.as_deref()
    }

    /// The server's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        auth: Option<&SessionAuth>,
        body: Option<&B>,
        idempotent: bool,
    ) -> Result<Option<T>, ClientError> {
        let url = reqwest::Url::parse(&format!("{}{path}", self.base))
            .map_err(|e| ClientError::Offline(e.to_string()))?;
        let payload = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| ClientError::Storage(e.to_string()))?
            .unwrap_or_default();
        let mut attempt = 0;
        let mut resynced = false;
        loop {
            let mut request = self.http.request(method.clone(), url.clone());
            if let Some(auth) = auth {
                let t = self.proof_clock.next(chrono::Utc::now());
                let proof = auth.proof(method.as_str(), &path_and_query(&url), &payload, t);
                request = request
                    .bearer_auth(auth.token())
                    .header(REQUEST_PROOF_HEADER, proof);
            }
            if body.is_some() {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(payload.clone());
            }
            let outcome = match request.send().await {
                Err(e) => Err(transport(&e)),
                Ok(response) => {
                    let date = response.headers().get(reqwest::header::DATE).cloned();
                    let outcome = Self::read(response).await;
                    // Refused before anything happened: safe to send again, at the server's time.
                    if !resynced
                        && auth.is_some()
                        && is_stale(&outcome)
                        && let Some(date) = date.as_ref().and_then(|d| d.to_str().ok())
                        && self.proof_clock.learn(date, chrono::Utc::now())
                    {
                        resynced = true;
                        continue;
                    }
                    outcome
                }
            };
            let retryable = matches!(
                outcome,
                Err(ClientError::Offline(_)
                    | ClientError::Timeout
                    | ClientError::ServerDown { .. })
            );
            match BACKOFF.get(attempt) {
                Some(wait) if idempotent && retryable => {
                    tracing::debug!(path, attempt, "retrying after a network failure");
                    tokio::time::sleep(*wait).await;
                    attempt += 1;
                }
                _ => return outcome,
            }
        }
    }

    async fn read<T: DeserializeOwned>(
        response: reqwest::Response,
    ) -> Result<Option<T>, ClientError> {
        let status = response.status();
        if status == StatusCode::NO_CONTENT {
            return Ok(None);
        }
        let is_problem = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
        let bytes = response.bytes().await.map_err(|e| transport(&e))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|_| ClientError::ServerDown {
                    status: status.as_u16(),
                });
        }
        if is_problem
            && status.is_client_error()
            && let Ok(problem) = serde_json::from_slice::<Problem>(&bytes)
        {
            return Err(ClientError::Refused(Box::new(problem)));
        }
        Err(ClientError::ServerDown {
            status: status.as_u16(),
        })
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        auth: Option<&SessionAuth>,
        body: &B,
    ) -> Result<T, ClientError> {
        self.call(Method::POST, path, auth, Some(body), false)
            .await?
            .ok_or(ClientError::ServerDown { status: 204 })
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        auth: Option<&SessionAuth>,
    ) -> Result<T, ClientError> {
        self.call::<(), T>(Method::GET, path, auth, None, true)
            .await?
            .ok_or(ClientError::ServerDown { status: 204 })
    }

    /// `POST /v1/registrations`. Safe to repeat: the same device gets the same registration.
    pub async fn register(
        &self,
        request: &RegisterRequest,
    ) -> Result<RegistrationView, ClientError> {
        self.call(Method::POST, "/v1/registrations", None, Some(request), true)
            .await?
            .ok_or(ClientError::ServerDown { status: 204 })
    }

    /// `POST /v1/liveness/challenges`.
    pub async fn liveness_challenge(
        &self,
        request: &LivenessChallengeRequest,
    ) -> Result<LivenessChallengeView, ClientError> {
        self.post("/v1/liveness/challenges", None, request).await
    }

    /// `POST /v1/recovery`: starts a device change (the code is mailed).
    pub async fn recovery_start(
        &self,
        request: &RecoveryRequest,
    ) -> Result<RecoveryView, ClientError> {
        self.post("/v1/recovery", None, request).await
    }

    /// `POST /v1/recovery/{id}/confirm`: the change then waits.
    pub async fn recovery_confirm(
        &self,
        id: &RecoveryId,
        request: &RecoveryConfirmRequest,
    ) -> Result<DeviceChangeView, ClientError> {
        self.post(&format!("/v1/recovery/{id}/confirm"), None, request)
            .await
    }

    /// `GET /v1/recovery/{id}` with the poll's signed header (`<unix seconds>.<device proof>`).
    pub async fn recovery_status(
        &self,
        id: &RecoveryId,
        proof_header: &str,
    ) -> Result<DeviceChangeView, ClientError> {
        let response = self
            .http
            .get(format!("{}/v1/recovery/{id}", self.base))
            .header(ikd_core::device_change::STATUS_PROOF_HEADER, proof_header)
            .send()
            .await
            .map_err(|e| transport(&e))?;
        Self::read(response)
            .await?
            .ok_or(ClientError::ServerDown { status: 204 })
    }

    /// `POST /v1/recovery/{id}/complete`: once the wait is over, the account moves here.
    pub async fn recovery_complete(
        &self,
        id: &RecoveryId,
        request: &RecoveryCompleteRequest,
    ) -> Result<SessionView, ClientError> {
        self.post(&format!("/v1/recovery/{id}/complete"), None, request)
            .await
    }

    /// `GET /v1/me/device-change`: a device change waiting on this (old) phone's account.
    pub async fn my_device_change(
        &self,
        auth: &SessionAuth,
    ) -> Result<MyDeviceChange, ClientError> {
        self.get("/v1/me/device-change", Some(auth)).await
    }

    /// `POST /v1/me/device-change/cancel`.
    pub async fn cancel_device_change(&self, auth: &SessionAuth) -> Result<(), ClientError> {
        self.call::<(), serde_json::Value>(
            Method::POST,
            "/v1/me/device-change/cancel",
            Some(auth),
            None,
            false,
        )
        .await
        .map(|_| ())
    }

    /// `GET /v1/registrations/{id}`.
    pub async fn registration(&self, id: &RegistrationId) -> Result<RegistrationView, ClientError> {
        self.get(&format!("/v1/registrations/{id}"), None).await
    }

    /// `POST /v1/activation`.
    pub async fn activate(&self, request: &ActivateRequest) -> Result<SessionView, ClientError> {
        self.post("/v1/activation", None, request).await
    }

    /// `POST /v1/login/challenge` (safe to repeat).
    pub async fn login_challenge(&self, nik: &str) -> Result<ChallengeView, ClientError> {
        let body = ChallengeRequest {
            nik: nik.to_owned(),
        };
        self.call(Method::POST, "/v1/login/challenge", None, Some(&body), true)
            .await?
            .ok_or(ClientError::ServerDown { status: 204 })
    }

    /// `POST /v1/login`.
    pub async fn login(&self, request: &LoginRequest) -> Result<SessionView, ClientError> {
        self.post("/v1/login", None, request).await
    }

    /// `POST /v1/me/credentials`.
    pub async fn credentials(
        &self,
        auth: &SessionAuth,
    ) -> Result<Vec<IssuedCredential>, ClientError> {
        self.post("/v1/me/credentials", Some(auth), &()).await
    }

    /// `POST /v1/me/pin`.
    pub async fn change_pin(
        &self,
        auth: &SessionAuth,
        request: &ChangePinRequest,
    ) -> Result<(), ClientError> {
        self.call::<_, serde_json::Value>(
            Method::POST,
            "/v1/me/pin",
            Some(auth),
            Some(request),
            false,
        )
        .await
        .map(|_| ())
    }

    /// `POST /v1/me/release-device`.
    pub async fn release_device(
        &self,
        auth: &SessionAuth,
        request: &ReleaseRequest,
    ) -> Result<(), ClientError> {
        self.call::<_, serde_json::Value>(
            Method::POST,
            "/v1/me/release-device",
            Some(auth),
            Some(request),
            false,
        )
        .await
        .map(|_| ())
    }

    /// `GET /v1/me/family`.
    pub async fn family(&self, auth: &SessionAuth) -> Result<FamilyView, ClientError> {
        self.get("/v1/me/family", Some(auth)).await
    }

    /// `GET /v1/me/activity`.
    pub async fn activity(&self, auth: &SessionAuth) -> Result<Vec<ActivityEntry>, ClientError> {
        self.get("/v1/me/activity", Some(auth)).await
    }

    /// The published issuer key set.
    pub async fn issuer_keys(&self) -> Result<IssuerKeySet, ClientError> {
        let json: serde_json::Value = self.get(ISSUER_KEYS_PATH, None).await?;
        IssuerKeySet::from_json(&json.to_string()).map_err(|e| ClientError::invalid(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_builds_talk_https_only_debug_builds_may_reach_the_mock() {
        for url in [
            "https://siak.example.id",
            "https://siak.example.id:8443/base/",
        ] {
            assert!(check_server_url(url, false).is_ok(), "{url}");
        }
        for url in ["http://127.0.0.1:8080", "http://10.0.2.2:8080"] {
            assert!(check_server_url(url, true).is_ok(), "{url}");
            assert_eq!(
                check_server_url(url, false),
                Err(ServerUrlError::NotHttps(url.into()))
            );
        }
        for url in [
            "",
            "siak.example.id",
            "ftp://siak.example.id",
            "file:///x",
            "https://",
        ] {
            assert_eq!(
                check_server_url(url, true),
                Err(ServerUrlError::NotAUrl(url.into())),
                "{url}"
            );
        }
        let e = ServerUrlError::NotHttps("http://x".into());
        assert!(e.message(Lang::Id).contains("https"));
        assert_ne!(e.message(Lang::Id), e.message(Lang::En));
    }

    /// A server that answers every request with `body` (200, JSON).
    async fn answering(body: &'static str) -> SiakClient {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            }
        });
        SiakClient::new(&url).expect("client")
    }

    #[tokio::test]
    async fn an_answer_with_a_value_the_app_does_not_know_is_a_server_error_not_a_guess() {
        let entry = r#"[{"at":"2026-01-02T03:04:05Z","kind":"moon_landing","profile":null,"verifier":null,"detail":null}]"#;
        let err = answering(entry)
            .await
            .activity(&SessionAuth::new(
                "token".into(),
                ikd_core::credential::DeviceSigningKey::from_seed(&[1; 32]),
            ))
            .await
            .expect_err("an unknown activity kind");
        assert_eq!(err.code(), "server_down");
        let known = entry.replace("moon_landing", "device_changed");
        let entries: Vec<ActivityEntry> = serde_json::from_str(&known).expect("a known kind");
        assert_eq!(
            entries[0].kind,
            ikd_core::activity::ActivityKind::DeviceChanged
        );
        let id = "0123456789abcdef0123456789abcdef";
        let state = r#"{"registration_id":"ID","state":"paused","reason":null,"reason_message_id":null,"reason_message_en":null,"created_at":"2026-01-02T03:04:05Z"}"#;
        let client = answering(state.replace("ID", id).leak()).await;
        let err = client
            .registration(&id.parse().expect("id"))
            .await
            .expect_err("an unknown state");
        assert_eq!(err.code(), "server_down");
    }

    #[test]
    fn app_links_are_on_the_servers_own_https_domain() {
        let https = SiakClient::new("https://SIAK.example.id/").expect("client");
        assert_eq!(https.app_link_host(), Some("siak.example.id"));
        let mock = SiakClient::new("http://127.0.0.1:8080").expect("debug build");
        assert_eq!(mock.app_link_host(), None);
    }
}
