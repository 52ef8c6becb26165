//! What an attacker meets: quotas per producer, rate limits per address and per account with
//! `Retry-After`, and a client address that a forged `X-Forwarded-For` cannot choose. (The
//! password-hashing flood and slow clients run against the real binary:
//! `api/tests/cli/flood.rs`, `slow_clients.rs`.)

mod quotas;
mod rate_limits;
