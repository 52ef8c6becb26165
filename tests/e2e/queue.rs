use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use entity::job;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use trackout_core::jobs::JobPayload;
use trackout_core::queue::{self, Queue, RetryPolicy};
use trackout_tests::TestApp;
use trackout_worker::{JobContext, JobError, Registry, RunJob, Worker};
use uuid::Uuid;

/// How many times each (test, n) ran, across every worker of the process.
static RUNS: LazyLock<Mutex<HashMap<(Uuid, u32), u32>>> = LazyLock::new(Default::default);

fn runs(test: Uuid) -> HashMap<u32, u32> {
    RUNS.lock()
        .unwrap()
        .iter()
        .filter(|((t, _), _)| *t == test)
        .map(|((_, n), c)| (*n, *c))
        .collect()
}

#[derive(Serialize, Deserialize)]
struct Count {
    test: Uuid,
    n: u32,
    sleep_ms: u64,
}

impl JobPayload for Count {
    const KIND: &'static str = "test_count";
}

impl RunJob for Count {
    async fn run(self, _ctx: Arc<JobContext>) -> Result<(), JobError> {
        *RUNS.lock().unwrap().entry((self.test, self.n)).or_default() += 1;
        tokio::time::sleep(Duration::from_millis(self.sleep_ms)).await;
        Ok(())
    }
}

#[derive(Serialize, Deserialize)]
struct AlwaysFails;

impl JobPayload for AlwaysFails {
    const KIND: &'static str = "test_always_fails";
}

impl RunJob for AlwaysFails {
    async fn run(self, _ctx: Arc<JobContext>) -> Result<(), JobError> {
        Err(JobError::Retry("the render farm is on fire".into()))
    }
}

/// Fails the way a service of the store fails: by the kind of the error.
#[derive(Serialize, Deserialize)]
struct FailsWith {
    storage: bool,
}

impl JobPayload for FailsWith {
    const KIND: &'static str = "test_fails_with";
}

impl RunJob for FailsWith {
    async fn run(self, _ctx: Arc<JobContext>) -> Result<(), JobError> {
        Err(if self.storage {
            trackout_core::Error::from(trackout_core::storage::StorageError::Io(
                std::io::Error::other("the disk went away"),
            ))
        } else {
            trackout_core::Error::invalid("master", "this master can never be rendered")
        }
        .into())
    }
}

fn registry() -> Registry {
    let mut registry = Registry::store_jobs();
    registry
        .register::<Count>()
        .register::<AlwaysFails>()
        .register::<FailsWith>();
    registry
}

fn start_worker(app: &TestApp, id: &str, stop: &CancellationToken) -> tokio::task::JoinHandle<()> {
    let ctx = Arc::new(JobContext::new(
        app.state.db.clone(),
        app.state.storage.clone(),
        app.state.config.clone(),
        app.state.payments.clone(),
    ));
    tokio::spawn(Worker::new(ctx, registry()).with_id(id).run(stop.clone()))
}

async fn wait_until_settled(app: &TestApp, timeout: Duration) -> Vec<job::Model> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let jobs = job::Entity::find().all(&app.state.db).await.unwrap();
        if jobs.iter().all(|j| j.state == "done" || j.state == "dead") {
            return jobs;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "jobs did not settle: {jobs:#?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn two_workers_never_run_the_same_job() {
    let app = TestApp::builder()
        .without_worker()
        .config(|c| c.worker.concurrency = 4)
        .spawn()
        .await;
    let test = Uuid::new_v4();
    const JOBS: u32 = 60;
    for n in 0..JOBS {
        queue::enqueue(
            &app.state.db,
            &Count {
                test,
                n,
                sleep_ms: 5,
            },
        )
        .await
        .unwrap();
    }
    let stop = CancellationToken::new();
    let a = start_worker(&app, "worker-a", &stop);
    let b = start_worker(&app, "worker-b", &stop);
    let jobs = wait_until_settled(&app, Duration::from_secs(30)).await;
    stop.cancel();
    let _ = tokio::join!(a, b);

    assert!(
        jobs.iter().all(|j| j.state == "done" && j.attempts == 1),
        "{jobs:#?}"
    );
    let counts = runs(test);
    assert_eq!(counts.len(), JOBS as usize);
    assert!(
        counts.values().all(|&c| c == 1),
        "a job ran twice: {counts:?}"
    );
}

#[tokio::test]
async fn a_job_failing_every_time_ends_dead_with_its_error() {
    let app = TestApp::builder()
        .registry(registry())
        .config(|c| c.worker.max_attempts = 3)
        .spawn()
        .await;
    let id = queue::enqueue(&app.state.db, &AlwaysFails)
        .await
        .unwrap()
        .id;
    let jobs = wait_until_settled(&app, Duration::from_secs(10)).await;
    let dead = jobs.iter().find(|j| j.id == id).unwrap();
    assert_eq!(dead.state, "dead");
    assert_eq!(dead.attempts, 3, "tried exactly max_attempts times");
    assert_eq!(
        dead.last_error.as_deref(),
        Some("the render farm is on fire")
    );
    assert!(dead.finished_at.is_some());
}

#[tokio::test]
async fn a_job_whose_worker_died_runs_again_after_its_lease() {
    let app = TestApp::builder()
        .without_worker()
        .config(|c| c.worker.lease_seconds = 3)
        .spawn()
        .await;
    let test = Uuid::new_v4();
    let id = queue::enqueue(
        &app.state.db,
        &Count {
            test,
            n: 0,
            sleep_ms: 0,
        },
    )
    .await
    .unwrap()
    .id;

    // A worker claims the job and then dies: it never heartbeats, completes or fails.
    let doomed = Queue::new(
        app.state.db.clone(),
        "doomed".into(),
        RetryPolicy {
            lease: Duration::from_secs(1),
            max_attempts: 3,
            backoff: Duration::ZERO,
        },
    );
    let claimed = doomed.claim().await.unwrap().expect("the job is claimable");
    assert_eq!(claimed.id, id);
    assert!(
        doomed.claim().await.unwrap().is_none(),
        "a leased job is not handed out again"
    );

    let stop = CancellationToken::new();
    let rescuer = start_worker(&app, "rescuer", &stop);
    let jobs = wait_until_settled(&app, Duration::from_secs(15)).await;
    stop.cancel();
    let _ = rescuer.await;
    let job = &jobs[0];
    assert_eq!(job.state, "done");
    assert_eq!(job.attempts, 2, "the lost attempt counts");
    assert_eq!(runs(test)[&0], 1);
    // The dead worker's late report changes nothing: it no longer holds the job.
    assert!(!doomed.complete(id).await.unwrap());
    assert!(!doomed.heartbeat(id).await.unwrap());
}

#[tokio::test]
async fn a_long_job_keeps_its_lease_by_heartbeat() {
    let app = TestApp::builder()
        .without_worker()
        .config(|c| c.worker.lease_seconds = 3)
        .spawn()
        .await;
    let test = Uuid::new_v4();
    queue::enqueue(
        &app.state.db,
        &Count {
            test,
            n: 0,
            sleep_ms: 5_000,
        },
    )
    .await
    .unwrap();
    let stop = CancellationToken::new();
    let a = start_worker(&app, "long-a", &stop);
    let b = start_worker(&app, "long-b", &stop);
    let jobs = wait_until_settled(&app, Duration::from_secs(20)).await;
    stop.cancel();
    let _ = tokio::join!(a, b);
    assert_eq!(jobs[0].state, "done");
    assert_eq!(
        jobs[0].attempts, 1,
        "never rescued while its worker was alive"
    );
    assert_eq!(runs(test)[&0], 1);
}

#[tokio::test]
async fn an_unknown_job_kind_ends_dead_with_a_reason() {
    let app = TestApp::spawn().await;
    #[derive(Serialize, Deserialize)]
    struct FromTheFuture;
    impl JobPayload for FromTheFuture {
        const KIND: &'static str = "render_hologram";
    }
    queue::enqueue(&app.state.db, &FromTheFuture).await.unwrap();
    let jobs = wait_until_settled(&app, Duration::from_secs(10)).await;
    assert_eq!(jobs[0].state, "dead");
    assert_eq!(
        jobs[0].attempts, 1,
        "no point retrying what no worker knows"
    );
    assert!(
        jobs[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("render_hologram")
    );
}

#[tokio::test]
async fn shutdown_releases_the_job_in_hand_once_the_grace_period_is_over() {
    let app = TestApp::builder()
        .without_worker()
        .config(|c| c.worker.shutdown_grace_seconds = 0)
        .spawn()
        .await;
    let test = Uuid::new_v4();
    let id = queue::enqueue(
        &app.state.db,
        &Count {
            test,
            n: 0,
            sleep_ms: 60_000,
        },
    )
    .await
    .unwrap()
    .id;
    let stop = CancellationToken::new();
    let worker = start_worker(&app, "leaving", &stop);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while runs(test).is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the job never started"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), worker)
        .await
        .expect("the worker stops promptly")
        .unwrap();
    let job = job::Entity::find()
        .filter(job::Column::Id.eq(id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.state, "queued", "handed back for another worker");
    assert_eq!(
        job.attempts, 0,
        "a released attempt does not count against the job"
    );
    assert_eq!(job.locked_by, None);
}

#[tokio::test]
async fn bad_input_dies_at_once_while_a_storage_fault_is_retried() {
    let app = TestApp::builder()
        .registry(registry())
        .config(|c| c.worker.max_attempts = 3)
        .spawn()
        .await;
    let bad = queue::enqueue(&app.state.db, &FailsWith { storage: false })
        .await
        .unwrap()
        .id;
    let flaky = queue::enqueue(&app.state.db, &FailsWith { storage: true })
        .await
        .unwrap()
        .id;
    let jobs = wait_until_settled(&app, Duration::from_secs(10)).await;
    let bad = jobs.iter().find(|j| j.id == bad).unwrap();
    assert_eq!((bad.state.as_str(), bad.attempts), ("dead", 1), "{bad:?}");
    assert!(
        bad.last_error
            .as_deref()
            .unwrap()
            .contains("can never be rendered")
    );
    let flaky = jobs.iter().find(|j| j.id == flaky).unwrap();
    assert_eq!(
        (flaky.state.as_str(), flaky.attempts),
        ("dead", 3),
        "{flaky:?}"
    );
    assert!(
        flaky
            .last_error
            .as_deref()
            .unwrap()
            .contains("the disk went away"),
        "the cause chain is kept: {flaky:?}"
    );
}

#[tokio::test]
async fn a_job_abandoned_on_its_last_attempt_is_buried_with_the_reason() {
    let app = TestApp::builder()
        .without_worker()
        .config(|c| {
            c.worker.lease_seconds = 3;
            c.worker.max_attempts = 1;
        })
        .spawn()
        .await;
    let test = Uuid::new_v4();
    let id = queue::enqueue(
        &app.state.db,
        &Count {
            test,
            n: 0,
            sleep_ms: 0,
        },
    )
    .await
    .unwrap()
    .id;
    let policy = RetryPolicy {
        lease: Duration::from_millis(200),
        max_attempts: 1,
        backoff: Duration::ZERO,
    };
    let doomed = Queue::new(app.state.db.clone(), "doomed".into(), policy);
    assert_eq!(doomed.claim().await.unwrap().map(|j| j.id), Some(id));
    tokio::time::sleep(Duration::from_millis(400)).await;

    let rescuer = Queue::new(app.state.db.clone(), "rescuer".into(), policy);
    assert!(
        rescuer.claim().await.unwrap().is_none(),
        "a job out of attempts is not handed out again"
    );
    let job = job::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.state, "dead");
    assert!(
        job.last_error
            .as_deref()
            .unwrap()
            .contains("stopped responding on its last attempt"),
        "{job:?}"
    );
    assert!(runs(test).is_empty(), "it never ran");
}
