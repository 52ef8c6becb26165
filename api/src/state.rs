use std::sync::Arc;

use sea_orm::DatabaseConnection;
use trackout_core::auth::Tokens;
use trackout_core::config::Config;
use trackout_core::payments::PaymentProvider;
use trackout_core::storage::Storage;

/// What every handler can reach. Backends are chosen once, at start-up.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub storage: Arc<dyn Storage>,
    pub config: Arc<Config>,
    pub tokens: Tokens,
    pub payments: Arc<dyn PaymentProvider>,
    pub downloads: trackout_core::services::commerce::download_log::DownloadLog,
}

impl AppState {
    pub fn dev_payments_allowed(&self) -> bool {
        self.config.dev_payments_allowed()
    }

    pub fn link_seconds(&self) -> u64 {
        self.config.commerce.download_link_seconds.max(1)
    }
}
