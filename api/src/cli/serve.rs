use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use tokio_util::sync::CancellationToken;
use tracing::{error, info};
use trackout_core::config::Config;
use trackout_worker::{JobContext, Registry, Worker};

use crate::startup::{Application, open_state, redact};

pub fn block_on(task: impl Future<Output = anyhow::Result<()>>) -> ExitCode {
    let runtime = actix_web::rt::System::new();
    let outcome = runtime.block_on(task);
    // Dropping the runtime would wait for every blocking thread, and a render the worker gave
    // up on at the end of its grace period (its job already handed back to the queue) can run
    // for minutes more. The process ends now, as the grace period promised; the abandoned
    // thread only ever wrote to its own temporary folder.
    std::mem::forget(runtime);
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            error!("{e:#}");
            eprintln!("trackout: {e:#}");
            ExitCode::from(2)
        }
    }
}

pub(super) fn load_config() -> anyhow::Result<Config> {
    Config::load().context("loading configuration")
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing the SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

pub async fn serve(with_worker: bool, bind: Option<std::net::SocketAddr>) -> anyhow::Result<()> {
    let mut config = load_config()?;
    if let Some(bind) = bind {
        config.bind = bind;
    }
    let state = open_state(config).await?;
    if !state.config.uses_stripe() {
        if state.dev_payments_allowed() {
            tracing::warn!(
                "payments use the DEVELOPMENT provider: checkouts show a test Pay button and no money moves; \
                 set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET to sell for real"
            );
        } else {
            tracing::warn!(
                "no Stripe keys and not listening on loopback: checkout is off \
                 (set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or TRACKOUT_DEV_PAYMENTS=true for a test store)"
            );
        }
    }
    let app = Application::build(state.clone()).await?;
    info!(
        url = %format!("http://{}:{}", state.config.bind.ip(), app.port()),
        database = %redact(&state.config.database_url()),
        storage = state.storage.backend(),
        worker = with_worker,
        "Trackout is serving"
    );
    let stop = CancellationToken::new();
    let worker = with_worker.then(|| {
        let ctx = Arc::new(JobContext::new(
            state.db.clone(),
            state.storage.clone(),
            state.config.clone(),
            state.payments.clone(),
        ));
        tokio::spawn(Worker::new(ctx, Registry::store_jobs()).run(stop.clone()))
    });
    let server = app.into_server();
    let handle = server.handle();
    tokio::select! {
        result = server => result.context("the HTTP server failed")?,
        _ = shutdown_signal() => {
            info!("shutting down: finishing requests and jobs in hand");
            stop.cancel();
            handle.stop(true).await;
        }
    }
    stop.cancel();
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    Ok(())
}

pub async fn worker() -> anyhow::Result<()> {
    let state = open_state(load_config()?).await?;
    let ctx = Arc::new(JobContext::new(
        state.db,
        state.storage,
        state.config,
        state.payments,
    ));
    let stop = CancellationToken::new();
    let running = tokio::spawn(Worker::new(ctx, Registry::store_jobs()).run(stop.clone()));
    shutdown_signal().await;
    info!("shutting down: finishing the jobs in hand");
    stop.cancel();
    running.await.context("the worker task failed")
}

pub async fn migrate() -> anyhow::Result<()> {
    let config = load_config()?;
    trackout_core::db::migrate(&config)
        .await
        .with_context(|| format!("migrating {}", redact(&config.database_url())))?;
    info!("migrations applied");
    Ok(())
}
