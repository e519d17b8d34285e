//! The request proofs seen lately, so a signed resident request is served once: a bounded
//! in-memory set (nothing is written to the database), each proof remembered for
//! [`REPLAY_MEMORY_SECS`] after its first use. A leaf of `api`: it uses only [`super::problem`].
//!
//! Two minutes suffice: a proof is accepted only while the server's clock is within
//! ±[`REQUEST_PROOF_WINDOW_SECS`] of its time, so two minutes after its first use it is stale
//! anyway. A restart forgets the set; proofs made before it are still refused once a minute has
//! passed, and the session tokens they carry survive a restart only while unexpired.
//!
//! A proof is known by the first 16 bytes of its signature (the `R` of Ed25519, which the signer
//! derives from the message): a second signature for the same message has the same `R`, so even a
//! re-encoded signature is refused as a replay.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use axum::http::StatusCode;
use ikd_core::protocol::{REQUEST_PROOF_WINDOW_SECS, RequestProofError};

use super::problem::ApiError;

/// How long a proof is remembered after its first use.
pub const REPLAY_MEMORY_SECS: i64 = 2 * REQUEST_PROOF_WINDOW_SECS;

/// Most proofs remembered at once (about 50 bytes each): 1,600 signed requests a second for two
/// minutes. Beyond it, signed requests wait (503) rather than being let through unrecorded.
pub const REPLAY_CAPACITY: usize = 200_000;

type Key = [u8; 16];

/// Proofs seen in the last [`REPLAY_MEMORY_SECS`].
#[derive(Debug)]
pub struct SeenProofs {
    capacity: usize,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    keys: HashSet<Key>,
    /// (forget at, key), in the order of first use.
    order: VecDeque<(i64, Key)>,
}

impl Default for SeenProofs {
    fn default() -> Self {
        SeenProofs::with_capacity(REPLAY_CAPACITY)
    }
}

impl SeenProofs {
    /// A set remembering at most `capacity` proofs.
    pub fn with_capacity(capacity: usize) -> Self {
        SeenProofs {
            capacity,
            seen: Mutex::new(Seen::default()),
        }
    }

    /// Records the proof with `signature` at `now` (unix seconds); refuses one already recorded
    /// (401 `request_proof_replayed`), or any when the set is full (503 `server_busy`).
    pub fn first_use(&self, signature: &[u8; 64], now: i64) -> Result<(), ApiError> {
        let mut key = [0u8; 16];
        key.copy_from_slice(&signature[..16]);
        let mut seen = self
            .seen
            .lock()
            .map_err(|_| ApiError::internal(&"replay set lock poisoned"))?;
        while let Some(&(until, old)) = seen.order.front()
            && until <= now
        {
            seen.order.pop_front();
            seen.keys.remove(&old);
        }
        if seen.keys.contains(&key) {
            return Err(ApiError::localized(
                StatusCode::UNAUTHORIZED,
                &RequestProofError::Replayed,
            ));
        }
        if seen.keys.len() >= self.capacity {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "server_busy",
                "Server sedang sibuk. Coba lagi sebentar lagi.",
                "The server is busy. Please try again in a moment.",
            )
            .retry_after(10));
        }
        seen.keys.insert(key);
        seen.order.push_back((now + REPLAY_MEMORY_SECS, key));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(n: u8) -> [u8; 64] {
        [n; 64]
    }

    #[test]
    fn a_proof_is_refused_for_two_minutes_after_its_first_use() {
        let seen = SeenProofs::default();
        assert_eq!(seen.first_use(&sig(1), 1000), Ok(()));
        let replayed = seen.first_use(&sig(1), 1000 + REPLAY_MEMORY_SECS - 1);
        assert_eq!(replayed.map_err(|e| e.code), Err("request_proof_replayed"));
        assert_eq!(seen.first_use(&sig(2), 1001), Ok(()));
        assert_eq!(seen.first_use(&sig(1), 1000 + REPLAY_MEMORY_SECS), Ok(()));
    }

    #[test]
    fn a_full_set_refuses_rather_than_forgets() {
        let seen = SeenProofs::with_capacity(2);
        assert_eq!(seen.first_use(&sig(1), 0), Ok(()));
        assert_eq!(seen.first_use(&sig(2), 0), Ok(()));
        assert_eq!(
            seen.first_use(&sig(3), 1).map_err(|e| e.code),
            Err("server_busy")
        );
        assert_eq!(
            seen.first_use(&sig(1), 1).map_err(|e| e.code),
            Err("request_proof_replayed"),
            "still remembered"
        );
        assert_eq!(seen.first_use(&sig(3), REPLAY_MEMORY_SECS), Ok(()));
    }
}
