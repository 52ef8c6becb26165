use std::sync::Arc;
use std::time::Duration;

use entity::job;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, error, info, info_span, warn};
use trackout_core::config::WorkerConfig;
use trackout_core::queue::{self, Failure, JobState, Queue, RetryPolicy};

use crate::{JobContext, JobError, Registry};

/// Claims and runs jobs until told to stop. `concurrency` slots each hold at most one job.
pub struct Worker {
    ctx: Arc<JobContext>,
    registry: Registry,
    config: WorkerConfig,
    worker_id: String,
}

enum Ended {
    Finished(Result<(), JobError>),
    Panicked(String),
    LeaseLost,
    /// A newer job for the same work was enqueued: this run was stopped.
    Superseded,
    Released,
}

impl Worker {
    pub fn new(ctx: Arc<JobContext>, registry: Registry) -> Self {
        let config = ctx.config.worker.clone();
        let host = std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "worker".into());
        let worker_id = format!(
            "{host}-{}-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        Worker {
            ctx,
            registry,
            config,
            worker_id,
        }
    }

    pub fn with_id(mut self, worker_id: impl Into<String>) -> Self {
        self.worker_id = worker_id.into();
        self
    }

    pub fn id(&self) -> &str {
        &self.worker_id
    }

    /// The retry policy is the runner's: every job gets the same lease, attempts and backoff,
    /// whoever enqueued it.
    fn queue(&self) -> Queue {
        let policy = RetryPolicy {
            lease: self.config.lease(),
            max_attempts: self.config.max_attempts,
            backoff: Duration::from_millis(self.config.retry_backoff_ms),
        };
        Queue::new(self.ctx.db.clone(), self.worker_id.clone(), policy)
    }

    /// Runs until `shutdown` is cancelled; then finishes (or, past the grace period,
    /// releases) the jobs in hand and returns.
    pub async fn run(self, shutdown: CancellationToken) {
        info!(worker = %self.worker_id, slots = self.config.concurrency, "worker started");
        let this = Arc::new(self);
        let mut slots = tokio::task::JoinSet::new();
        // On PostgreSQL, other processes' enqueues reach this worker's wake signal.
        slots.spawn(queue::listen(this.ctx.db.clone(), shutdown.clone()));
        for slot in 0..this.config.concurrency {
            let this = Arc::clone(&this);
            let shutdown = shutdown.clone();
            slots.spawn(async move { this.slot(slot, shutdown).await });
        }
        while slots.join_next().await.is_some() {}
        info!(worker = %this.worker_id, "worker stopped");
    }

    async fn slot(&self, slot: usize, shutdown: CancellationToken) {
        let queue = self.queue();
        let poll = Duration::from_millis(self.config.poll_interval_ms);
        while !shutdown.is_cancelled() {
            // Armed before the claim, so that a job enqueued while claiming is not missed.
            let woken = queue::signal().notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            match queue.claim().await {
                Ok(Some(job)) => self.execute(&queue, job, &shutdown).await,
                Ok(None) => {
                    // Polling stays as the fallback: a lost notification, a job due later.
                    tokio::select! {
                        _ = &mut woken => {}
                        _ = tokio::time::sleep(poll) => {}
                        _ = shutdown.cancelled() => {}
                    }
                }
                Err(e) => {
                    error!(slot, error = %e, "claiming a job failed");
                    tokio::select! {
                        _ = tokio::time::sleep(poll) => {}
                        _ = shutdown.cancelled() => {}
                    }
                }
            }
        }
    }

    async fn execute(&self, queue: &Queue, job: job::Model, shutdown: &CancellationToken) {
        let span = info_span!("job", id = %job.id, kind = %job.kind, attempt = job.attempts);
        async {
            let Some(handler) = self.registry.get(&job.kind) else {
                let message = format!(
                    "this version of Trackout has no `{}` job; it will run once a worker that knows it is deployed and the job is retried",
                    job.kind
                );
                warn!("{message}");
                if let Err(e) = queue.fail(&job, &message, true).await {
                    error!(error = %e, "recording the unknown job failed");
                }
                return;
            };
            let started = std::time::Instant::now();
            let work = queue::run_as(job.id, handler(Arc::clone(&self.ctx), job.payload.clone()));
            let task = tokio::spawn(work.in_current_span());
            let ended = self.supervise(queue, &job, task, shutdown).await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let recorded = match ended {
                Ended::Finished(Ok(())) => match queue.complete(job.id).await {
                    Ok(true) => {
                        info!(elapsed_ms, "job done");
                        Ok(())
                    }
                    // Superseded (its result was refused) or rescued by another worker.
                    Ok(false) => {
                        info!(elapsed_ms, "job finished, but it was no longer ours to complete");
                        Ok(())
                    }
                    Err(e) => Err(e),
                },
                Ended::Finished(Err(e)) => {
                    let permanent = matches!(e, JobError::Permanent(_));
                    queue.fail(&job, &e.to_string(), permanent).await.map(|outcome| match outcome {
                        Failure::Dead => error!(elapsed_ms, error = %e, "job failed for good"),
                        Failure::RetryAt(at) => warn!(elapsed_ms, error = %e, retry_at_ms = at, "job failed; will retry"),
                    })
                }
                Ended::Panicked(why) => queue.fail(&job, &why, false).await.map(|_| error!(%why, "job panicked")),
                Ended::LeaseLost => {
                    warn!("lease lost to another worker; abandoning this run");
                    Ok(())
                }
                Ended::Superseded => {
                    info!(elapsed_ms, "superseded by newer inputs; cancelled");
                    Ok(())
                }
                Ended::Released => {
                    info!("released at shutdown");
                    queue.release(job.id).await
                }
            };
            if let Err(e) = recorded {
                error!(error = %e, "recording the job's outcome failed; its lease will lapse and it will run again");
            }
        }
        .instrument(span)
        .await
    }

    /// Waits for the job while heartbeating its lease; on shutdown gives it the grace period.
    async fn supervise(
        &self,
        queue: &Queue,
        job: &job::Model,
        mut task: tokio::task::JoinHandle<Result<(), JobError>>,
        shutdown: &CancellationToken,
    ) -> Ended {
        let mut heartbeat = tokio::time::interval(self.config.lease() / 3);
        heartbeat.tick().await;
        let grace = tokio::time::sleep(Duration::MAX / 4);
        tokio::pin!(grace);
        let mut draining = false;
        // An enqueue may have superseded this job: the heartbeat (a write, ordered after the
        // superseding transaction) finds out at once rather than at the next beat.
        let woken = queue::signal().notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        loop {
            tokio::select! {
                joined = &mut task => {
                    return match joined {
                        Ok(result) => Ended::Finished(result),
                        Err(e) => Ended::Panicked(format!("the job panicked: {e}")),
                    };
                }
                _ = heartbeat.tick() => match queue.heartbeat(job.id).await {
                    Ok(true) => {}
                    Ok(false) => return self.stop(queue, job, &task).await,
                    Err(e) => warn!(error = %e, "heartbeat failed; retrying"),
                },
                _ = &mut woken => {
                    woken.set(queue::signal().notified());
                    woken.as_mut().enable();
                    match queue.heartbeat(job.id).await {
                        Ok(true) => {}
                        Ok(false) => return self.stop(queue, job, &task).await,
                        Err(e) => warn!(error = %e, "heartbeat failed; retrying"),
                    }
                }
                _ = shutdown.cancelled(), if !draining => {
                    draining = true;
                    let grace_for = Duration::from_secs(self.config.shutdown_grace_seconds);
                    grace.as_mut().reset(tokio::time::Instant::now() + grace_for);
                }
                _ = &mut grace, if draining => {
                    task.abort();
                    return Ended::Released;
                }
            }
        }
    }

    /// The job is no longer ours: stop it, and say whether it was superseded or rescued.
    async fn stop(
        &self,
        queue: &Queue,
        job: &job::Model,
        task: &tokio::task::JoinHandle<Result<(), JobError>>,
    ) -> Ended {
        task.abort();
        match queue.state_of(job.id).await {
            Ok(Some(state)) if state == JobState::Superseded.as_str() => Ended::Superseded,
            _ => Ended::LeaseLost,
        }
    }
}
