//! The wrong-PIN lockout policy as a pure function of the failure history and the clock.
//!
//! Anchor (EU Digital Identity Wallet reference app): three wrong PINs lock for 30 seconds; each
//! further wrong PIN after a lock ends locks again, for 90 seconds and then for 5 minutes (and 5
//! minutes for every later one) until a correct PIN resets the count. The server counts attempts
//! for online logins (reinstalling the app does not reset them); the app counts them for offline
//! unlock with the same policy.
//!
//! The server's policy ([`LockoutPolicy::server`]) ends there: after [`SERVER_HARD_LOCK_AFTER`]
//! wrong PINs in a row the account is hard-locked ([`PinGate::HardLocked`]), whatever the clock
//! says, until a device change or an office unlock clears the count. Without it the 5-minute lock
//! would repeat forever: ~288 guesses a day for whoever holds the device key. The app's offline
//! unlock keeps the default policy (no hard lock: the phone holds nothing a guess could unlock
//! on the server).
//!
//! Rolling the clock back never shortens a lock nor resets the count: time is taken as the latest
//! instant this history has seen, so a clock set back stays "stuck" at that instant until the real
//! clock passes it again.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Localized, pick};

/// How many wrong PINs are allowed and how long each lock lasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Wrong PINs allowed before the first lock.
    pub free_attempts: u32,
    /// Lock lengths in seconds: the first lock, the second, …; the last repeats.
    pub lock_seconds: Vec<u32>,
    /// Wrong PINs in a row after which the PIN is hard-locked (no time ends it); `None`: never.
    pub hard_lock_after: Option<u32>,
}

/// Wrong PINs in a row after which the server hard-locks an account: 3 free, then the 30 s and
/// 90 s locks, then 5-minute locks up to the twelfth wrong PIN.
pub const SERVER_HARD_LOCK_AFTER: u32 = 12;

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            free_attempts: 3,
            lock_seconds: vec![30, 90, 300],
            hard_lock_after: None,
        }
    }
}

/// The failure history of one PIN (one account on the server, one device offline).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinAttempts {
    /// Wrong PINs since the last correct one.
    pub consecutive_failures: u32,
    /// When the last wrong PIN was entered.
    pub last_failure_at: Option<DateTime<Utc>>,
    /// The latest instant this history has seen: the floor of "now".
    pub latest_seen: Option<DateTime<Utc>>,
}

/// Whether a PIN may be tried now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum PinGate {
    /// A PIN may be tried.
    Open {
        /// Wrong PINs left before the next lock.
        attempts_before_lock: u32,
    },
    /// No PIN may be tried until the count is cleared (device change or office unlock).
    HardLocked,
    /// Wait until `until`.
    Locked {
        /// When a PIN may be tried again.
        until: DateTime<Utc>,
        /// Seconds left, rounded up.
        retry_after_secs: u64,
    },
}

impl PinAttempts {
    /// `now`, but never earlier than an instant already seen.
    fn effective_now(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.latest_seen.map_or(now, |seen| seen.max(now))
    }

    /// Records a wrong PIN entered at `now`.
    pub fn record_failure(&mut self, now: DateTime<Utc>) {
        let now = self.effective_now(now);
        self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        self.last_failure_at = Some(now);
        self.latest_seen = Some(now);
    }

    /// Records a correct PIN entered at `now`: the count starts again.
    pub fn record_success(&mut self, now: DateTime<Utc>) {
        let now = self.effective_now(now);
        self.consecutive_failures = 0;
        self.last_failure_at = None;
        self.latest_seen = Some(now);
    }
}

impl LockoutPolicy {
    /// The server's policy: the default locks, then a hard lock after
    /// [`SERVER_HARD_LOCK_AFTER`] wrong PINs in a row.
    pub fn server() -> Self {
        LockoutPolicy {
            hard_lock_after: Some(SERVER_HARD_LOCK_AFTER),
            ..LockoutPolicy::default()
        }
    }

    /// Whether `attempts` reached the hard lock (time plays no part).
    pub fn is_hard_locked(&self, attempts: &PinAttempts) -> bool {
        self.hard_lock_after
            .is_some_and(|n| attempts.consecutive_failures >= n)
    }

    /// Length of the lock that follows the `failures`-th consecutive wrong PIN, if any.
    pub fn lock_after(&self, failures: u32) -> Option<TimeDelta> {
        let index = failures.checked_sub(self.free_attempts)? as usize;
        let secs = self
            .lock_seconds
            .get(index)
            .or(self.lock_seconds.last())
            .copied()?;
        Some(TimeDelta::seconds(i64::from(secs)))
    }

    /// Whether a PIN may be tried at `now`, given `attempts`.
    pub fn gate(&self, attempts: &PinAttempts, now: DateTime<Utc>) -> PinGate {
        if self.is_hard_locked(attempts) {
            return PinGate::HardLocked;
        }
        let now = attempts.effective_now(now);
        let lock = attempts
            .last_failure_at
            .zip(self.lock_after(attempts.consecutive_failures))
            .map(|(at, length)| at + length);
        match lock {
            Some(until) if now < until => {
                let left = (until - now).num_milliseconds();
                PinGate::Locked {
                    until,
                    retry_after_secs: (left as u64).div_ceil(1000),
                }
            }
            _ => PinGate::Open {
                attempts_before_lock: self
                    .free_attempts
                    .saturating_sub(attempts.consecutive_failures)
                    .max(1),
            },
        }
    }
}

/// A refused attempt because the PIN is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("PIN locked for {retry_after_secs} more seconds")]
pub struct PinLocked {
    /// Seconds left.
    pub retry_after_secs: u64,
}

impl Localized for PinLocked {
    fn code(&self) -> &'static str {
        "pin_locked"
    }

    fn message(&self, lang: Lang) -> String {
        let secs = self.retry_after_secs;
        let (id_wait, en_wait) = if secs >= 60 {
            let min = secs.div_ceil(60);
            (
                format!("{min} menit"),
                format!("{min} minute{}", if min == 1 { "" } else { "s" }),
            )
        } else {
            (
                format!("{secs} detik"),
                format!("{secs} second{}", if secs == 1 { "" } else { "s" }),
            )
        };
        pick(
            lang,
            format!("PIN salah terlalu sering. Coba lagi dalam {id_wait}."),
            format!("Too many wrong PINs. Try again in {en_wait}."),
        )
    }
}

/// A refused attempt because the account is hard-locked after too many wrong PINs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("account hard-locked after too many wrong PINs")]
pub struct PinHardLocked;

impl Localized for PinHardLocked {
    fn code(&self) -> &'static str {
        "account_hard_locked"
    }

    fn message(&self, lang: Lang) -> String {
        pick(
            lang,
            "Akun KTP Digital dikunci karena PIN salah terlalu sering. Buka kunci dengan Ganti Perangkat / Lupa PIN di aplikasi (swafoto dan kode email), atau datang ke kantor Disdukcapil. Kami sudah mengirim email ke alamat akun Anda.".into(),
            "Your Digital KTP account is locked after too many wrong PINs. Unlock it with Change device / Forgot PIN in the app (a selfie and an emailed code), or visit a Disdukcapil office. We have sent a mail to your account's address.".into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).expect("in range")
    }

    fn locked_for(gate: PinGate) -> Option<u64> {
        match gate {
            PinGate::Locked {
                retry_after_secs, ..
            } => Some(retry_after_secs),
            PinGate::Open { .. } | PinGate::HardLocked => None,
        }
    }

    fn failed(times: &[i64]) -> PinAttempts {
        let mut a = PinAttempts::default();
        for &s in times {
            a.record_failure(t(s));
        }
        a
    }

    #[test]
    fn the_server_hard_locks_at_the_twelfth_wrong_pin_and_time_does_not_end_it() {
        let policy = LockoutPolicy::server();
        let eleven: Vec<i64> = (0..11).map(|i| i * 1000).collect();
        let mut a = failed(&eleven);
        assert_eq!(locked_for(policy.gate(&a, t(10_000))), Some(300));
        assert!(!policy.is_hard_locked(&a));
        a.record_failure(t(20_000));
        assert_eq!(policy.gate(&a, t(20_000)), PinGate::HardLocked);
        assert_eq!(
            policy.gate(&a, t(20_000 + 365 * 86_400)),
            PinGate::HardLocked
        );
        // Clearing the count (device change, office unlock) opens it again.
        a.record_success(t(30_000));
        assert_eq!(
            policy.gate(&a, t(30_000)),
            PinGate::Open {
                attempts_before_lock: 3
            }
        );
    }

    #[test]
    fn the_default_policy_never_hard_locks() {
        let a = failed(&(0..100).map(|i| i * 1000).collect::<Vec<_>>());
        assert_ne!(
            LockoutPolicy::default().gate(&a, t(1_000_000)),
            PinGate::HardLocked
        );
    }

    #[test]
    fn the_hard_lock_message_says_what_to_do() {
        assert_eq!(PinHardLocked.code(), "account_hard_locked");
        assert!(PinHardLocked.message(Lang::Id).contains("Disdukcapil"));
        assert!(PinHardLocked.message(Lang::En).contains("Change device"));
    }

    #[test]
    fn two_wrong_pins_do_not_lock() {
        let policy = LockoutPolicy::default();
        let mut a = PinAttempts::default();
        a.record_failure(t(0));
        a.record_failure(t(1));
        assert_eq!(
            policy.gate(&a, t(1)),
            PinGate::Open {
                attempts_before_lock: 1
            }
        );
    }

    #[test]
    fn three_wrong_pins_lock_for_30_seconds_then_90_then_5_minutes() {
        let policy = LockoutPolicy::default();
        let mut a = PinAttempts::default();
        for i in 0..3 {
            a.record_failure(t(i));
        }
        assert_eq!(locked_for(policy.gate(&a, t(2))), Some(30));
        assert_eq!(locked_for(policy.gate(&a, t(31))), Some(1));
        assert_eq!(locked_for(policy.gate(&a, t(32))), None);

        a.record_failure(t(40));
        assert_eq!(locked_for(policy.gate(&a, t(40))), Some(90));
        a.record_failure(t(200));
        assert_eq!(locked_for(policy.gate(&a, t(200))), Some(300));
        a.record_failure(t(600));
        assert_eq!(
            locked_for(policy.gate(&a, t(600))),
            Some(300),
            "5 minutes repeats"
        );
    }

    #[test]
    fn a_correct_pin_resets_the_count() {
        let policy = LockoutPolicy::default();
        let mut a = PinAttempts::default();
        for i in 0..3 {
            a.record_failure(t(i));
        }
        a.record_success(t(100));
        a.record_failure(t(101));
        assert_eq!(
            policy.gate(&a, t(101)),
            PinGate::Open {
                attempts_before_lock: 2
            }
        );
    }

    #[test]
    fn rolling_the_clock_back_never_unlocks() {
        let policy = LockoutPolicy::default();
        let mut a = PinAttempts::default();
        for i in 0..3 {
            a.record_failure(t(i));
        }
        // Clock set back a day: still locked, for the same 30 seconds.
        assert_eq!(locked_for(policy.gate(&a, t(-86_400))), Some(30));
        // A wrong PIN entered with the clock set back escalates as usual.
        a.record_failure(t(-86_400));
        assert_eq!(locked_for(policy.gate(&a, t(-86_400))), Some(90));
        assert_eq!(a.consecutive_failures, 4);
    }

    #[test]
    fn the_lock_message_speaks_minutes_or_seconds() {
        assert_eq!(
            PinLocked {
                retry_after_secs: 30
            }
            .message(Lang::Id),
            "PIN salah terlalu sering. Coba lagi dalam 30 detik."
        );
        assert_eq!(
            PinLocked {
                retry_after_secs: 300
            }
            .message(Lang::En),
            "Too many wrong PINs. Try again in 5 minutes."
        );
    }

    proptest! {
        #[test]
        fn a_lock_never_gets_shorter_when_the_clock_moves_back(
            failures in 3u32..10, back in 0i64..10_000_000
        ) {
            let policy = LockoutPolicy::default();
            let mut a = PinAttempts::default();
            for i in 0..failures {
                a.record_failure(t(i64::from(i)));
            }
            let now = t(i64::from(failures));
            let at_now = locked_for(policy.gate(&a, now)).expect("locked");
            let rolled_back = locked_for(policy.gate(&a, now - TimeDelta::seconds(back))).expect("locked");
            prop_assert!(rolled_back >= at_now, "rolled back {} < {}", rolled_back, at_now);
        }

        #[test]
        fn the_server_hard_locks_exactly_at_its_limit_whatever_the_timing(
            gaps in proptest::collection::vec(0i64..100_000, 1..20),
            later in 0i64..100_000_000,
        ) {
            let policy = LockoutPolicy::server();
            let mut a = PinAttempts::default();
            let mut now = 0;
            for (i, gap) in gaps.iter().enumerate() {
                now += gap;
                a.record_failure(t(now));
                let failures = i as u32 + 1;
                let hard = policy.gate(&a, t(now + later)) == PinGate::HardLocked;
                prop_assert_eq!(hard, failures >= SERVER_HARD_LOCK_AFTER, "after {} wrong PINs", failures);
            }
        }

        #[test]
        fn a_hard_lock_never_ends_by_the_clock_moving_either_way(
            extra in 0u32..5, shift in -10_000_000i64..10_000_000
        ) {
            let policy = LockoutPolicy::server();
            let n = SERVER_HARD_LOCK_AFTER + extra;
            let a = failed(&(0..i64::from(n)).collect::<Vec<_>>());
            prop_assert_eq!(policy.gate(&a, t(i64::from(n) + shift)), PinGate::HardLocked);
        }

        #[test]
        fn below_the_hard_lock_the_server_locks_as_the_default_policy_does(
            failures in 0u32..SERVER_HARD_LOCK_AFTER, at in 0i64..1_000
        ) {
            let a = failed(&(0..i64::from(failures)).collect::<Vec<_>>());
            prop_assert_eq!(
                LockoutPolicy::server().gate(&a, t(at)),
                LockoutPolicy::default().gate(&a, t(at))
            );
        }
    }
}
