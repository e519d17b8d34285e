//! Signing the resident's requests: every call on a session carries `IKD-Proof`, the device
//! key's signature over the method, path, time, body and token (the core's
//! [`RequestProof`](ikd_core::protocol::RequestProof)), so the session token alone is useless to
//! whoever copies it.
//!
//! The time a proof claims comes from [`ProofClock`]: the phone's clock, corrected by what the
//! server said its time was when it refused a proof as stale (phones with a wrong clock are
//! common), and never the same second twice, because the server refuses a proof it has seen (two
//! identical reads in one second would otherwise look like a replay).

use std::fmt;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use ikd_core::Localized;
use ikd_core::credential::DeviceSigningKey;
use ikd_core::protocol::{RequestProof, RequestProofError, SignedRequest};

use crate::error::ClientError;

/// An open session as requests use it: the token and the device key that signs each request.
pub struct SessionAuth {
    token: String,
    key: DeviceSigningKey,
}

impl fmt::Debug for SessionAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionAuth")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl SessionAuth {
    /// The session `token`, signed for with `key` (the device key the session is bound to).
    pub fn new(token: String, key: DeviceSigningKey) -> Self {
        SessionAuth { token, key }
    }

    /// The session token (the `Authorization: Bearer` value).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The `IKD-Proof` value of a request at unix time `t`.
    pub fn proof(&self, method: &str, path_and_query: &str, body: &[u8], t: i64) -> String {
        let request = SignedRequest {
            method,
            path_and_query,
            body,
            token: &self.token,
        };
        RequestProof::sign(&self.key, &request, t).to_string()
    }
}

/// The time the next request proof claims (see the module documentation).
#[derive(Debug, Default)]
pub struct ProofClock {
    /// (seconds to add to the phone's clock, the last time claimed).
    state: Mutex<(i64, i64)>,
}

impl ProofClock {
    /// The time for the next proof: the corrected clock, or one second after the last proof's.
    pub fn next(&self, now: DateTime<Utc>) -> i64 {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (offset, last) = *state;
        let t = (now.timestamp() + offset).max(last + 1);
        state.1 = t;
        t
    }

    /// Learns the server's time from the `Date` header of a refusal as stale; `false` when the
    /// header is not an HTTP date.
    pub fn learn(&self, server_date: &str, now: DateTime<Utc>) -> bool {
        match DateTime::parse_from_rfc2822(server_date) {
            Ok(server) => {
                let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
                let offset = server.timestamp() - now.timestamp();
                *state = (offset, (now.timestamp() + offset - 1).min(state.1));
                true
            }
            Err(_) => false,
        }
    }
}

/// The path and query of `url`, as the server sees them (what a request proof signs).
pub(crate) fn path_and_query(url: &reqwest::Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}

/// Whether a call was refused because its proof's time was off the server's clock.
pub(crate) fn is_stale<T>(outcome: &Result<T, ClientError>) -> bool {
    matches!(outcome, Err(ClientError::Refused(p)) if p.code == RequestProofError::Stale.code())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(t: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(t, 0).expect("time")
    }

    #[test]
    fn the_signed_path_is_the_one_on_the_request_line() {
        let url = |u: &str| reqwest::Url::parse(u).expect("url");
        assert_eq!(path_and_query(&url("http://h:1/v1/me")), "/v1/me");
        assert_eq!(path_and_query(&url("https://h/v1/x?a=1&b")), "/v1/x?a=1&b");
        assert_eq!(path_and_query(&url("https://h/v1/a b")), "/v1/a%20b");
    }

    #[test]
    fn no_two_proofs_claim_the_same_second() {
        let clock = ProofClock::default();
        assert_eq!(clock.next(at(1000)), 1000);
        assert_eq!(clock.next(at(1000)), 1001);
        assert_eq!(clock.next(at(1000)), 1002);
        assert_eq!(clock.next(at(1010)), 1010);
    }

    #[test]
    fn a_stale_refusal_sets_the_clock_to_the_servers() {
        let clock = ProofClock::default();
        assert_eq!(clock.next(at(1000)), 1000);
        // The server is ten minutes ahead of this phone.
        assert!(clock.learn("Thu, 01 Jan 1970 00:26:40 GMT", at(1000)));
        assert_eq!(clock.next(at(1001)), 1601);
        // …or behind it: the next proof follows the server, not the last one.
        let clock = ProofClock::default();
        assert_eq!(clock.next(at(5000)), 5000);
        assert!(clock.learn("Thu, 01 Jan 1970 00:16:40 GMT", at(5000)));
        assert_eq!(clock.next(at(5000)), 1000);
        assert!(!clock.learn("yesterday", at(5000)));
    }
}
