//! The operator-login throttle's rule and its per-address counts. After [`THROTTLE_AFTER`] wrong
//! passwords within [`THROTTLE_WINDOW`] (the window begins at the first of them), every login of
//! that user name — or from that client address — is refused with 429 until the window ends,
//! the right password included. The counts per user name live in the database
//! (`store::operators`, they survive a restart); the counts per address live here, in memory.
//! A base module: it uses no handler module.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use axum::http::StatusCode;
use chrono::{DateTime, TimeDelta, Utc};

use super::problem::ApiError;

/// Wrong passwords that begin a throttle.
pub const THROTTLE_AFTER: u32 = 10;
/// How long the window of those wrong passwords lasts.
pub const THROTTLE_WINDOW: TimeDelta = TimeDelta::minutes(15);

/// Seconds until a window that began at `start` ends, when `failures` throttle it at `now`.
pub fn retry_after(failures: u32, start: DateTime<Utc>, now: DateTime<Utc>) -> Option<u64> {
    let end = start + THROTTLE_WINDOW;
    (failures >= THROTTLE_AFTER && end > now)
        .then(|| u64::try_from((end - now).num_seconds().max(1)).unwrap_or(1))
}

/// 429 `operator_login_throttled` with `Retry-After`.
pub fn throttled(retry_after_secs: u64) -> ApiError {
    let minutes = retry_after_secs.div_ceil(60);
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "operator_login_throttled",
        format!(
            "Terlalu banyak kata sandi salah. Coba lagi dalam {minutes} menit; kantor Anda sudah diberi tahu."
        ),
        format!(
            "Too many wrong passwords. Try again in {minutes} minutes; your office has been told."
        ),
    )
    .retry_after(retry_after_secs)
}

/// Wrong operator passwords per client address, in memory.
#[derive(Debug, Default)]
pub struct AddressWindows {
    windows: Mutex<HashMap<IpAddr, (u32, DateTime<Utc>)>>,
}

impl AddressWindows {
    /// Seconds `addr` must still wait at `now`, if it is throttled.
    pub fn throttled(&self, addr: IpAddr, now: DateTime<Utc>) -> Option<u64> {
        let windows = self.windows.lock().ok()?;
        let &(failures, start) = windows.get(&addr)?;
        retry_after(failures, start, now)
    }

    /// Counts a wrong password from `addr` at `now`; true when it is the one that begins a
    /// throttle. Windows that ended are forgotten.
    pub fn fail(&self, addr: IpAddr, now: DateTime<Utc>) -> bool {
        let Ok(mut windows) = self.windows.lock() else {
            return false;
        };
        windows.retain(|_, (_, start)| *start + THROTTLE_WINDOW > now);
        let entry = windows.entry(addr).or_insert((0, now));
        entry.0 += 1;
        entry.0 == THROTTLE_AFTER
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_wrong_passwords_throttle_an_address_for_the_rest_of_its_window() {
        let windows = AddressWindows::default();
        let addr: IpAddr = "192.0.2.7".parse().expect("addr");
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).expect("time");
        for i in 1..THROTTLE_AFTER {
            assert!(!windows.fail(addr, t0 + TimeDelta::seconds(i64::from(i))));
            assert_eq!(windows.throttled(addr, t0 + TimeDelta::seconds(10)), None);
        }
        assert!(windows.fail(addr, t0 + TimeDelta::minutes(1)));
        assert_eq!(
            windows.throttled(addr, t0 + TimeDelta::minutes(5)),
            Some(601),
            "the window began with the first wrong password, at t0 + 1 s"
        );
        let window_end = t0 + TimeDelta::seconds(1) + THROTTLE_WINDOW;
        assert_eq!(
            windows.throttled(addr, window_end - TimeDelta::seconds(1)),
            Some(1)
        );
        assert_eq!(windows.throttled(addr, window_end), None);
        let other: IpAddr = "192.0.2.8".parse().expect("addr");
        assert_eq!(windows.throttled(other, t0 + TimeDelta::minutes(5)), None);
    }
}
