//! Failed sign-ins per account: after a few, the account is locked out for a time that
//! doubles with each further failure (capped at an hour), so guessing one account's password
//! slows to a crawl whatever the number of addresses it comes from. A success clears it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::ApiError;

const LONGEST: Duration = Duration::from_secs(3600);
/// Failures are forgotten after a quiet day.
const FORGET_AFTER: Duration = Duration::from_secs(24 * 3600);

struct Failures {
    count: u32,
    locked_until: Option<Instant>,
    last: Instant,
}

pub struct Lockout {
    free: u32,
    first: Duration,
    max_keys: usize,
    accounts: Mutex<HashMap<String, Failures>>,
}

impl Lockout {
    pub fn new(free: u32, first_seconds: u64, max_keys: usize) -> Lockout {
        Lockout {
            free,
            first: Duration::from_secs(first_seconds.max(1)),
            max_keys,
            accounts: Mutex::new(HashMap::new()),
        }
    }

    pub fn check(&self, account: &str) -> Result<(), ApiError> {
        let accounts = self.accounts.lock().expect("lockout lock");
        if let Some(until) = accounts.get(account).and_then(|f| f.locked_until) {
            let now = Instant::now();
            if until > now {
                return Err(ApiError::rate_limited(
                    (until - now).as_secs_f64().ceil() as u64
                ));
            }
        }
        Ok(())
    }

    pub fn failed(&self, account: &str) {
        let mut accounts = self.accounts.lock().expect("lockout lock");
        let now = Instant::now();
        if accounts.len() >= self.max_keys && !accounts.contains_key(account) {
            accounts.retain(|_, f| {
                now.duration_since(f.last) < FORGET_AFTER && f.locked_until.is_some_and(|u| u > now)
            });
            if accounts.len() >= self.max_keys {
                // Only locked accounts are kept; a flood of new ones drops the oldest half.
                let mut by_age: Vec<(String, Instant)> =
                    accounts.iter().map(|(k, f)| (k.clone(), f.last)).collect();
                by_age.sort_by_key(|(_, last)| *last);
                for (key, _) in by_age.into_iter().take(self.max_keys / 2) {
                    accounts.remove(&key);
                }
            }
        }
        let entry = accounts.entry(account.to_owned()).or_insert(Failures {
            count: 0,
            locked_until: None,
            last: now,
        });
        if now.duration_since(entry.last) >= FORGET_AFTER {
            entry.count = 0;
        }
        entry.count += 1;
        entry.last = now;
        if entry.count >= self.free {
            let doublings = (entry.count - self.free).min(16);
            let wait = self.first.saturating_mul(1 << doublings).min(LONGEST);
            entry.locked_until = Some(now + wait);
        }
    }

    pub fn succeeded(&self, account: &str) {
        self.accounts.lock().expect("lockout lock").remove(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_lock_the_account_for_longer_and_longer() {
        let lockout = Lockout::new(3, 10, 100);
        for _ in 0..2 {
            lockout.failed("a@example.com");
            lockout.check("a@example.com").unwrap();
        }
        lockout.failed("a@example.com");
        let first = match lockout.check("a@example.com") {
            Err(ApiError::RateLimited {
                retry_after_seconds,
                ..
            }) => retry_after_seconds,
            other => panic!("{other:?}"),
        };
        assert!((9..=10).contains(&first), "{first}");
        lockout.failed("a@example.com");
        let second = match lockout.check("a@example.com") {
            Err(ApiError::RateLimited {
                retry_after_seconds,
                ..
            }) => retry_after_seconds,
            other => panic!("{other:?}"),
        };
        assert!((19..=20).contains(&second), "{second}");
        lockout.check("b@example.com").unwrap();
        lockout.succeeded("a@example.com");
        lockout.check("a@example.com").unwrap();
    }
}
