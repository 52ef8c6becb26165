//! A keyed token bucket (governor, GCRA) whose memory is bounded.

use std::num::NonZeroU32;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use trackout_core::config::Rate;

use crate::ApiError;

pub struct Bucket {
    quota: Quota,
    max_keys: usize,
    limiter: RwLock<Arc<DefaultKeyedRateLimiter<String>>>,
}

impl Bucket {
    pub fn new(rate: Rate, max_keys: usize) -> Bucket {
        let burst = NonZeroU32::new(rate.per_period.max(1)).expect("at least one");
        let every = Duration::from_secs(rate.period_seconds.max(1)) / burst.get();
        let quota = Quota::with_period(every.max(Duration::from_millis(1)))
            .expect("a period above zero")
            .allow_burst(burst);
        Bucket {
            quota,
            max_keys,
            limiter: RwLock::new(Arc::new(RateLimiter::keyed(quota))),
        }
    }

    fn limiter(&self) -> Arc<DefaultKeyedRateLimiter<String>> {
        Arc::clone(&self.limiter.read().expect("limiter lock"))
    }

    /// Takes one request for `key`, or says when to come back.
    pub fn check(&self, key: &str) -> Result<(), ApiError> {
        let limiter = self.limiter();
        if limiter.len() >= self.max_keys {
            self.evict();
        }
        match self.limiter().check_key(&key.to_owned()) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Err(ApiError::rate_limited(wait.as_secs_f64().ceil() as u64))
            }
        }
    }

    /// Forgets keys whose bucket is full again; if that is not enough (a flood of distinct
    /// keys), starts over rather than grow.
    fn evict(&self) {
        let limiter = self.limiter();
        limiter.retain_recent();
        limiter.shrink_to_fit();
        if limiter.len() >= self.max_keys {
            tracing::warn!(
                keys = limiter.len(),
                "a rate limiter was full; it starts over"
            );
            *self.limiter.write().expect("limiter lock") = Arc::new(RateLimiter::keyed(self.quota));
        }
    }

    pub fn keys(&self) -> usize {
        self.limiter().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_refusals_with_a_wait_and_other_keys_unaffected() {
        let bucket = Bucket::new(Rate::per_minute(3), 1000);
        for _ in 0..3 {
            bucket.check("a").unwrap();
        }
        match bucket.check("a") {
            Err(ApiError::RateLimited {
                retry_after_seconds,
                ..
            }) => assert!(
                (1..=20).contains(&retry_after_seconds),
                "{retry_after_seconds}"
            ),
            other => panic!("{other:?}"),
        }
        bucket.check("b").unwrap();
    }

    #[test]
    fn memory_stays_bounded_under_a_flood_of_keys() {
        let bucket = Bucket::new(Rate::per_minute(3), 100);
        for i in 0..10_000 {
            let _ = bucket.check(&format!("10.0.{}.{}", i / 256, i % 256));
        }
        assert!(bucket.keys() <= 100, "{}", bucket.keys());
    }
}
