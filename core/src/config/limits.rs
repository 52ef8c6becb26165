//! Abuse bounds: request rates per client address and per account, password hashing that
//! cannot exhaust the machine, and the HTTP server's patience with slow clients.

use std::net::IpAddr;

use serde::Deserialize;

use super::{ConfigError, Env};

/// A rate: `per_period` requests refill evenly over `period_seconds`, up to a burst of
/// `per_period`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub struct Rate {
    pub per_period: u32,
    pub period_seconds: u64,
}

impl Rate {
    pub const fn per_minute(n: u32) -> Rate {
        Rate {
            per_period: n,
            period_seconds: 60,
        }
    }

    pub const fn per_hour(n: u32) -> Rate {
        Rate {
            per_period: n,
            period_seconds: 3600,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct RateLimits {
    /// Off only for load tests and benchmarks.
    pub enabled: bool,
    /// Logins (password and second factor) per client address.
    pub login_per_address: Rate,
    /// Logins per account, whoever sends them.
    pub login_per_account: Rate,
    /// Failed logins an account may have before it is locked out; each further failure
    /// doubles the lock-out, from `lockout_seconds` up to an hour.
    pub failures_before_lockout: u32,
    pub lockout_seconds: u64,
    pub signup_per_address: Rate,
    /// Forgot, reset and change password per client address.
    pub password_per_address: Rate,
    /// Reset mails per account (so nobody can flood an inbox).
    pub password_per_account: Rate,
    pub claim_per_address: Rate,
    pub checkout_per_address: Rate,
    /// Guest checkouts per email (each sends a receipt mail once paid).
    pub checkout_per_account: Rate,
    /// Keys each limiter remembers at most; older ones are evicted first.
    pub max_keys: usize,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            enabled: true,
            login_per_address: Rate::per_minute(30),
            login_per_account: Rate::per_minute(10),
            failures_before_lockout: 5,
            lockout_seconds: 30,
            signup_per_address: Rate::per_hour(30),
            password_per_address: Rate::per_hour(30),
            password_per_account: Rate::per_hour(5),
            claim_per_address: Rate::per_minute(20),
            checkout_per_address: Rate::per_minute(30),
            checkout_per_account: Rate::per_hour(20),
            max_keys: 100_000,
        }
    }
}

/// Argon2 at its defaults takes ~19 MiB and tens of milliseconds of one core per hash.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct HashingLimits {
    /// Hashes computed at once (defaults to the number of cores).
    pub concurrency: usize,
    /// Hashes that may wait for a free slot; past that a login answers `503 busy`.
    pub queue: usize,
    /// Argon2id's memory per hash, in KiB (19,456 = 19 MiB, OWASP's minimum at 2 passes).
    pub memory_kib: u32,
    /// Argon2id's passes over that memory.
    pub passes: u32,
}

impl HashingLimits {
    /// OWASP's password storage cheat sheet: Argon2id with at least 19 MiB and 2 passes.
    pub const RECOMMENDED_MEMORY_KIB: u32 = 19_456;
    pub const RECOMMENDED_PASSES: u32 = 2;

    /// Whether hashes made now are cheaper to guess than the recommended minimum (tests
    /// lower the cost; a store should not).
    pub fn below_recommended(&self) -> bool {
        self.memory_kib < Self::RECOMMENDED_MEMORY_KIB || self.passes < Self::RECOMMENDED_PASSES
    }
}

impl Default for HashingLimits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        HashingLimits {
            concurrency: cores,
            queue: 16 * cores,
            memory_kib: Self::RECOMMENDED_MEMORY_KIB,
            passes: Self::RECOMMENDED_PASSES,
        }
    }
}

/// How long the HTTP server waits for slow clients, and how many connections one may hold.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct ServerLimits {
    /// Time to receive a request's headers, from the connection's start (or the last
    /// response, on a kept-alive connection).
    pub header_timeout_seconds: u64,
    /// Longest pause while a request body streams in (uploads included).
    pub body_idle_timeout_seconds: u64,
    pub keep_alive_seconds: u64,
    /// Open connections one client address may hold; more are closed as they are accepted.
    pub max_connections_per_address: usize,
    /// Proxies (CIDRs) whose `X-Forwarded-For` is believed; the client is the first
    /// address, from the right, that is not one of them.
    pub trusted_proxies: Vec<String>,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_timeout_seconds: 10,
            body_idle_timeout_seconds: 30,
            keep_alive_seconds: 15,
            max_connections_per_address: 64,
            trusted_proxies: Vec::new(),
        }
    }
}

/// An address range as `10.0.0.0/8`, `fd00::/8`, or one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(raw: &str) -> Result<Cidr, String> {
        let raw = raw.trim();
        let (addr, prefix) = match raw.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (raw, None),
        };
        let network: IpAddr = addr
            .parse()
            .map_err(|_| format!("{raw:?} is not an address or CIDR range"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{raw:?} has a prefix length outside 0–{max}"))?,
            None => max,
        };
        Ok(Cidr { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.network, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl ServerLimits {
    pub fn trusted_proxies(&self) -> Vec<Cidr> {
        // Checked in `validate`.
        self.trusted_proxies
            .iter()
            .filter_map(|c| Cidr::parse(c).ok())
            .collect()
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LimitsConfig {
    pub rate: RateLimits,
    pub hashing: HashingLimits,
    pub server: ServerLimits,
}

impl LimitsConfig {
    pub(super) fn apply_env(&mut self, env: &Env) -> Result<(), ConfigError> {
        env.parse("TRACKOUT_RATE_LIMITS", &mut self.rate.enabled)?;
        per_minute(
            env,
            "TRACKOUT_LOGIN_PER_MINUTE",
            &mut self.rate.login_per_address,
        )?;
        per_minute(
            env,
            "TRACKOUT_LOGIN_PER_ACCOUNT_PER_MINUTE",
            &mut self.rate.login_per_account,
        )?;
        env.parse(
            "TRACKOUT_LOGIN_FAILURES_BEFORE_LOCKOUT",
            &mut self.rate.failures_before_lockout,
        )?;
        env.parse(
            "TRACKOUT_LOGIN_LOCKOUT_SECONDS",
            &mut self.rate.lockout_seconds,
        )?;
        per_hour(
            env,
            "TRACKOUT_SIGNUPS_PER_HOUR",
            &mut self.rate.signup_per_address,
        )?;
        per_hour(
            env,
            "TRACKOUT_PASSWORD_RESETS_PER_HOUR",
            &mut self.rate.password_per_address,
        )?;
        per_minute(
            env,
            "TRACKOUT_CHECKOUTS_PER_MINUTE",
            &mut self.rate.checkout_per_address,
        )?;
        env.parse(
            "TRACKOUT_PASSWORD_HASH_CONCURRENCY",
            &mut self.hashing.concurrency,
        )?;
        env.parse("TRACKOUT_PASSWORD_HASH_QUEUE", &mut self.hashing.queue)?;
        env.parse(
            "TRACKOUT_PASSWORD_HASH_MEMORY_KIB",
            &mut self.hashing.memory_kib,
        )?;
        env.parse("TRACKOUT_PASSWORD_HASH_PASSES", &mut self.hashing.passes)?;
        env.parse(
            "TRACKOUT_HEADER_TIMEOUT_SECONDS",
            &mut self.server.header_timeout_seconds,
        )?;
        env.parse(
            "TRACKOUT_BODY_TIMEOUT_SECONDS",
            &mut self.server.body_idle_timeout_seconds,
        )?;
        env.parse(
            "TRACKOUT_KEEP_ALIVE_SECONDS",
            &mut self.server.keep_alive_seconds,
        )?;
        env.parse(
            "TRACKOUT_MAX_CONNECTIONS_PER_ADDRESS",
            &mut self.server.max_connections_per_address,
        )?;
        if let Some(list) = env.value("TRACKOUT_TRUSTED_PROXIES") {
            self.server.trusted_proxies = list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
        }
        Ok(())
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        for cidr in &self.server.trusted_proxies {
            Cidr::parse(cidr)
                .map_err(|e| ConfigError::Invalid(format!("TRACKOUT_TRUSTED_PROXIES: {e}")))?;
        }
        let rate = &self.rate;
        for (name, r) in [
            ("login", rate.login_per_address),
            ("login per account", rate.login_per_account),
            ("signup", rate.signup_per_address),
            ("password", rate.password_per_address),
            ("password per account", rate.password_per_account),
            ("claim", rate.claim_per_address),
            ("checkout", rate.checkout_per_address),
            ("checkout per account", rate.checkout_per_account),
        ] {
            if r.per_period == 0 || r.period_seconds == 0 {
                return Err(ConfigError::Invalid(format!(
                    "the {name} rate limit must allow at least one request per period (turn limits off with TRACKOUT_RATE_LIMITS=false)"
                )));
            }
        }
        if rate.max_keys < 16 || rate.lockout_seconds == 0 {
            return Err(ConfigError::Invalid(
                "rate limits need max_keys of at least 16 and a lock-out of at least 1 s".into(),
            ));
        }
        if self.hashing.concurrency == 0 {
            return Err(ConfigError::Invalid(
                "TRACKOUT_PASSWORD_HASH_CONCURRENCY must be at least 1".into(),
            ));
        }
        // Argon2's own bounds (8 KiB per lane, one lane here); past 4 GiB a hash per core
        // would be the machine's memory.
        if !(8..=4 << 20).contains(&self.hashing.memory_kib)
            || !(1..=64).contains(&self.hashing.passes)
        {
            return Err(ConfigError::Invalid(
                "TRACKOUT_PASSWORD_HASH_MEMORY_KIB must be 8 to 4194304 and TRACKOUT_PASSWORD_HASH_PASSES 1 to 64".into(),
            ));
        }
        let s = &self.server;
        if s.header_timeout_seconds == 0
            || s.body_idle_timeout_seconds == 0
            || s.max_connections_per_address == 0
        {
            return Err(ConfigError::Invalid(
                "TRACKOUT_HEADER_TIMEOUT_SECONDS, TRACKOUT_BODY_TIMEOUT_SECONDS and TRACKOUT_MAX_CONNECTIONS_PER_ADDRESS must be at least 1".into(),
            ));
        }
        Ok(())
    }
}

fn per_minute(env: &Env, name: &'static str, slot: &mut Rate) -> Result<(), ConfigError> {
    let mut n = slot.per_period;
    env.parse(name, &mut n)?;
    *slot = Rate::per_minute(n);
    Ok(())
}

fn per_hour(env: &Env, name: &'static str, slot: &mut Rate) -> Result<(), ConfigError> {
    let mut n = slot.per_period;
    env.parse(name, &mut n)?;
    *slot = Rate::per_hour(n);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_match_what_they_should() {
        let net = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(net.contains("10.200.1.2".parse().unwrap()));
        assert!(!net.contains("11.0.0.1".parse().unwrap()));
        assert!(net.contains("::ffff:10.0.0.1".parse().unwrap()));
        let one = Cidr::parse("192.0.2.7").unwrap();
        assert!(one.contains("192.0.2.7".parse().unwrap()));
        assert!(!one.contains("192.0.2.8".parse().unwrap()));
        let all = Cidr::parse("0.0.0.0/0").unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
        let v6 = Cidr::parse("fd00::/8").unwrap();
        assert!(v6.contains("fd12::1".parse().unwrap()));
        assert!(!v6.contains("fe80::1".parse().unwrap()));
        for bad in ["10.0.0.0/33", "nonsense", "::/129", ""] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
    }
}
