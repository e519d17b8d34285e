//! Who is calling: the peer address of the connection, the key per-client limits and the audit
//! trail use. The server is served with connect info ([`super::service`]), so every request has
//! one; a request without it (a router used without [`super::service`]) is a server bug, answered
//! 500 rather than guessed.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
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

/// The client's address for per-client limits: the connection's `peer`, unless the peer is the
/// `trusted_proxy`, which tells the client's address in the last entry of `X-Forwarded-For` (what
/// the proxy appended) or else of `Forwarded` (`for=`). Such headers from any other peer are
/// ignored: a client could write any address there.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted_proxy: Option<IpAddr>) -> IpAddr {
    if trusted_proxy != Some(peer) {
        return peer;
    }
    let last = |name: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .map(str::trim)
    };
    let forwarded_for = last("x-forwarded-for").and_then(|s| s.parse().ok());
    let forwarded = || {
        last("forwarded")?
            .split(';')
            .find_map(|pair| {
                let (key, value) = pair.trim().split_once('=')?;
                key.eq_ignore_ascii_case("for").then_some(value)
            })
            .and_then(forwarded_node)
    };
    forwarded_for.or_else(forwarded).unwrap_or(peer)
}

/// The address in a `Forwarded` `for=` value: `192.0.2.1`, `"192.0.2.1:80"`, `"[2001:db8::1]:80"`.
fn forwarded_node(value: &str) -> Option<IpAddr> {
    let value = value.trim().trim_matches('"');
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    value
        .parse()
        .ok()
        .or_else(|| value.rsplit_once(':')?.0.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().expect("header value"));
        }
        map
    }

    const PROXY: &str = "10.0.0.1";
    const PEER: &str = "203.0.113.7";

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn forwarded_headers_count_only_from_the_trusted_proxy() {
        let h = headers(&[("x-forwarded-for", "198.51.100.1, 198.51.100.2")]);
        assert_eq!(client_ip(ip(PEER), &h, None), ip(PEER));
        assert_eq!(client_ip(ip(PEER), &h, Some(ip(PROXY))), ip(PEER));
        assert_eq!(
            client_ip(ip(PROXY), &h, Some(ip(PROXY))),
            ip("198.51.100.2")
        );
    }

    #[test]
    fn the_forwarded_header_is_read_when_x_forwarded_for_is_absent() {
        for (value, want) in [
            ("for=192.0.2.60;proto=http", "192.0.2.60"),
            ("for=192.0.2.1, for=\"192.0.2.43:47011\"", "192.0.2.43"),
            ("For=\"[2001:db8:cafe::17]:4711\"", "2001:db8:cafe::17"),
        ] {
            let h = headers(&[("forwarded", value)]);
            assert_eq!(client_ip(ip(PROXY), &h, Some(ip(PROXY))), ip(want));
        }
        let junk = headers(&[("forwarded", "for=unknown"), ("x-forwarded-for", "x")]);
        assert_eq!(client_ip(ip(PROXY), &junk, Some(ip(PROXY))), ip(PROXY));
    }
}
