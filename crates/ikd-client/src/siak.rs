//! The typed HTTP client of the central SIAK. Every call has a timeout; idempotent reads are
//! retried with backoff on network failures and 5xx (weak networks are the norm for our
//! residents), writes are not retried blindly. Errors say which of offline / timeout / server
//! down / refused happened.

use std::time::Duration;

use ikd_core::credential::{ISSUER_KEYS_PATH, IssuerKeySet};
use ikd_core::wire::{
    ActivateRequest, ActivityEntry, ChallengeRequest, ChallengeView, ChangePinRequest, FamilyView,
    IssuedCredential, LivenessChallengeRequest, LivenessChallengeView, LoginRequest, Problem,
    RecoveryConfirmRequest, RecoveryRequest, RecoveryView, RegisterRequest, RegistrationView,
    ReleaseRequest, SessionView,
};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ClientError;

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
    http: reqwest::Client,
}

fn transport(e: &reqwest::Error) -> ClientError {
    if e.is_timeout() {
        ClientError::Timeout
    } else {
        ClientError::Offline(e.to_string())
    }
}

impl SiakClient {
    /// A client of the server at `base` (e.g. `https://siak.example.id`).
    pub fn new(base: &str) -> Result<Self, ClientError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| ClientError::Offline(e.to_string()))?;
        Ok(SiakClient {
            base: base.trim_end_matches('/').to_owned(),
            http,
        })
    }

    /// The server's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&B>,
        idempotent: bool,
    ) -> Result<Option<T>, ClientError> {
        let mut attempt = 0;
        loop {
            let mut request = self
                .http
                .request(method.clone(), format!("{}{path}", self.base));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let outcome = match request.send().await {
                Err(e) => Err(transport(&e)),
                Ok(response) => Self::read(response).await,
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
        token: Option<&str>,
        body: &B,
    ) -> Result<T, ClientError> {
        self.call(Method::POST, path, token, Some(body), false)
            .await?
            .ok_or(ClientError::ServerDown { status: 204 })
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> Result<T, ClientError> {
        self.call::<(), T>(Method::GET, path, token, None, true)
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

    /// `POST /v1/recovery/{id}/confirm`.
    pub async fn recovery_confirm(
        &self,
        id: &str,
        request: &RecoveryConfirmRequest,
    ) -> Result<SessionView, ClientError> {
        self.post(&format!("/v1/recovery/{id}/confirm"), None, request)
            .await
    }

    /// `GET /v1/registrations/{id}`.
    pub async fn registration(&self, id: &str) -> Result<RegistrationView, ClientError> {
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
    pub async fn credentials(&self, token: &str) -> Result<Vec<IssuedCredential>, ClientError> {
        self.post("/v1/me/credentials", Some(token), &()).await
    }

    /// `POST /v1/me/pin`.
    pub async fn change_pin(
        &self,
        token: &str,
        request: &ChangePinRequest,
    ) -> Result<(), ClientError> {
        self.call::<_, serde_json::Value>(
            Method::POST,
            "/v1/me/pin",
            Some(token),
            Some(request),
            false,
        )
        .await
        .map(|_| ())
    }

    /// `POST /v1/me/release-device`.
    pub async fn release_device(
        &self,
        token: &str,
        request: &ReleaseRequest,
    ) -> Result<(), ClientError> {
        self.call::<_, serde_json::Value>(
            Method::POST,
            "/v1/me/release-device",
            Some(token),
            Some(request),
            false,
        )
        .await
        .map(|_| ())
    }

    /// `GET /v1/me/family`.
    pub async fn family(&self, token: &str) -> Result<FamilyView, ClientError> {
        self.get("/v1/me/family", Some(token)).await
    }

    /// `GET /v1/me/activity`.
    pub async fn activity(&self, token: &str) -> Result<Vec<ActivityEntry>, ClientError> {
        self.get("/v1/me/activity", Some(token)).await
    }

    /// The published issuer key set.
    pub async fn issuer_keys(&self) -> Result<IssuerKeySet, ClientError> {
        let json: serde_json::Value = self.get(ISSUER_KEYS_PATH, None).await?;
        IssuerKeySet::from_json(&json.to_string()).map_err(|e| ClientError::invalid(&e))
    }
}
