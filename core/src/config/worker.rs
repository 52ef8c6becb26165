//! How a worker process claims and runs jobs.

use std::time::Duration;

use serde::Deserialize;

use super::{ConfigError, Env};

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct WorkerConfig {
    /// Jobs one worker process runs at once. Renders are CPU-bound; more than the core count
    /// only queues them inside the process.
    pub concurrency: usize,
    /// How long a claimed job stays ours without a heartbeat before another worker rescues it.
    pub lease_seconds: u64,
    pub max_attempts: i32,
    pub poll_interval_ms: u64,
    /// On shutdown, how long the job in hand may run before it is released back to the queue.
    pub shutdown_grace_seconds: u64,
    /// Delay before the first retry of a failed job; it doubles with each attempt.
    pub retry_backoff_ms: u64,
    /// How long a render whose inputs are incomplete (a master with no voice tag yet, a
    /// trackout with no master yet) waits before it starts, so that the beat's other uploads,
    /// arriving meanwhile, are taken in by one render instead of a second one.
    pub settle_ms: u64,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            concurrency: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            lease_seconds: 60,
            max_attempts: 5,
            poll_interval_ms: 1000,
            shutdown_grace_seconds: 30,
            retry_backoff_ms: 5_000,
            settle_ms: 20_000,
        }
    }
}

impl WorkerConfig {
    pub fn lease(&self) -> Duration {
        Duration::from_secs(self.lease_seconds)
    }

    pub fn settle(&self) -> Duration {
        Duration::from_millis(self.settle_ms)
    }

    pub(super) fn apply_env(&mut self, env: &Env) -> Result<(), ConfigError> {
        env.parse("TRACKOUT_WORKER_CONCURRENCY", &mut self.concurrency)?;
        env.parse("TRACKOUT_JOB_LEASE_SECONDS", &mut self.lease_seconds)?;
        env.parse("TRACKOUT_JOB_MAX_ATTEMPTS", &mut self.max_attempts)?;
        env.parse("TRACKOUT_JOB_POLL_MS", &mut self.poll_interval_ms)?;
        env.parse(
            "TRACKOUT_SHUTDOWN_GRACE_SECONDS",
            &mut self.shutdown_grace_seconds,
        )?;
        env.parse("TRACKOUT_JOB_BACKOFF_MS", &mut self.retry_backoff_ms)?;
        env.parse("TRACKOUT_PROCESSING_SETTLE_MS", &mut self.settle_ms)?;
        Ok(())
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.concurrency == 0 || self.max_attempts < 1 {
            return Err(ConfigError::Invalid(
                "the worker needs a concurrency and max attempts of at least 1".into(),
            ));
        }
        if self.lease_seconds < 3 {
            return Err(ConfigError::Invalid(
                "TRACKOUT_JOB_LEASE_SECONDS must be at least 3".into(),
            ));
        }
        Ok(())
    }
}
