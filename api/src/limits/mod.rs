//! Rate limits on the routes an attacker hammers: sign-in, sign-up, passwords, the second
//! factor, claims and checkout. Each has a bucket per client address and, where it names one,
//! per account (an email or a user); a burst is allowed, then requests refill evenly. Failed
//! sign-ins lock an account out for a time that doubles with each further failure. Refusals
//! are `429 rate_limited` with `Retry-After`. Memory is bounded: each limiter forgets idle
//! keys, and past `max_keys` starts over.

mod bucket;
mod client;
mod lockout;

use std::net::IpAddr;

pub use bucket::Bucket;
pub use client::{ClientAddress, client_address};
pub use lockout::Lockout;
use trackout_core::config::RateLimits;

use crate::ApiError;

pub struct Limits {
    enabled: bool,
    pub login: Bucket,
    pub login_account: Bucket,
    pub signup: Bucket,
    pub password: Bucket,
    pub password_account: Bucket,
    pub claim: Bucket,
    pub checkout: Bucket,
    pub checkout_account: Bucket,
    pub lockout: Lockout,
}

impl Limits {
    pub fn new(config: &RateLimits) -> Limits {
        let max = config.max_keys;
        Limits {
            enabled: config.enabled,
            login: Bucket::new(config.login_per_address, max),
            login_account: Bucket::new(config.login_per_account, max),
            signup: Bucket::new(config.signup_per_address, max),
            password: Bucket::new(config.password_per_address, max),
            password_account: Bucket::new(config.password_per_account, max),
            claim: Bucket::new(config.claim_per_address, max),
            checkout: Bucket::new(config.checkout_per_address, max),
            checkout_account: Bucket::new(config.checkout_per_account, max),
            lockout: Lockout::new(config.failures_before_lockout, config.lockout_seconds, max),
        }
    }

    /// One request from `address`, on `account` if it names one, against the two buckets.
    pub fn check(
        &self,
        per_address: &Bucket,
        address: IpAddr,
        per_account: Option<(&Bucket, &str)>,
    ) -> Result<(), ApiError> {
        if !self.enabled {
            return Ok(());
        }
        per_address.check(&address.to_string())?;
        if let Some((bucket, account)) = per_account {
            bucket.check(&account.trim().to_lowercase())?;
        }
        Ok(())
    }

    /// Before checking a password or code for `account`: refused while it is locked out.
    pub fn check_lockout(&self, account: &str) -> Result<(), ApiError> {
        if !self.enabled {
            return Ok(());
        }
        self.lockout.check(&account.trim().to_lowercase())
    }

    pub fn failed(&self, account: &str) {
        if self.enabled {
            self.lockout.failed(&account.trim().to_lowercase());
        }
    }

    pub fn succeeded(&self, account: &str) {
        if self.enabled {
            self.lockout.succeeded(&account.trim().to_lowercase());
        }
    }
}

/// "3 seconds", "2 minutes".
pub fn in_words(seconds: u64) -> String {
    match seconds {
        0 | 1 => "a second".into(),
        s if s < 120 => format!("{s} seconds"),
        s if s < 7200 => format!("{} minutes", s.div_ceil(60)),
        s => format!("{} hours", s.div_ceil(3600)),
    }
}
