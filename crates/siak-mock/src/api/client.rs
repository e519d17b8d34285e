//! Who is calling: the peer address of the connection, the key per-client limits and the audit
//! trail use. The server is served with connect info ([`super::service`]), so every request has
//! one; a request without it (a router used without [`super::service`]) is a server bug, answered
//! 500 rather than guessed.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use super::problem::ApiError;

/// The client's address, as the connection shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl std::fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| ClientAddr(addr.ip()))
            .ok_or_else(|| ApiError::internal(&"the router was served without connect info"))
    }
}
