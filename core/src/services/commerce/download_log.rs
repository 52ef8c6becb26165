//! Counting downloads without making every download wait for a durable write. A buyer's own
//! downloads (no limit to enforce) go through a channel to one task that inserts them in
//! batches; a committed insert per request was the whole of a download link's tail latency.
//! Share downloads, which have limits, are still written before the file is served.

use std::time::Duration;

use entity::download;
use sea_orm::{DatabaseConnection, EntityTrait};
use tokio::sync::mpsc;

/// How long a count may wait to be written, and how many are written at once.
const BATCH_WINDOW: Duration = Duration::from_millis(200);
const BATCH_SIZE: usize = 500;

#[derive(Clone)]
pub struct DownloadLog {
    tx: mpsc::Sender<download::ActiveModel>,
    db: DatabaseConnection,
}

impl DownloadLog {
    /// Starts the writer on the current runtime.
    pub fn start(db: DatabaseConnection) -> DownloadLog {
        let (tx, mut rx) = mpsc::channel::<download::ActiveModel>(10_000);
        let writer = db.clone();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                let window = tokio::time::sleep(BATCH_WINDOW);
                tokio::pin!(window);
                while batch.len() < BATCH_SIZE {
                    tokio::select! {
                        row = rx.recv() => match row {
                            Some(row) => batch.push(row),
                            None => break,
                        },
                        _ = &mut window => break,
                    }
                }
                let count = batch.len();
                if let Err(e) = download::Entity::insert_many(batch).exec(&writer).await {
                    tracing::error!(error = %e, count, "recording downloads failed");
                }
            }
        });
        DownloadLog { tx, db }
    }

    pub fn record(&self, row: download::ActiveModel) {
        if let Err(mpsc::error::TrySendError::Full(row) | mpsc::error::TrySendError::Closed(row)) =
            self.tx.try_send(row)
        {
            // Never lose a count to back-pressure: write this one directly.
            let db = self.db.clone();
            tokio::spawn(async move {
                if let Err(e) = download::Entity::insert(row).exec(&db).await {
                    tracing::error!(error = %e, "recording a download failed");
                }
            });
        }
    }
}
