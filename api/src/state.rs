use std::sync::Arc;

use sea_orm::DatabaseConnection;
use trackout_core::auth::{PasswordHasher, Tokens};
use trackout_core::config::{Cidr, Config};
use trackout_core::payments::PaymentProvider;
use trackout_core::services::commerce::downloads::LinkCache;
use trackout_core::services::sessions::SessionStore;
use trackout_core::services::{accounts, catalog};
use trackout_core::storage::Storage;

use crate::limits::Limits;

/// What every handler can reach. Backends are chosen once, at start-up.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub storage: Arc<dyn Storage>,
    pub config: Arc<Config>,
    pub tokens: Tokens,
    pub payments: Arc<dyn PaymentProvider>,
    pub downloads: trackout_core::services::commerce::download_log::DownloadLog,
    pub hasher: PasswordHasher,
    pub sessions: SessionStore,
    pub limits: Arc<Limits>,
    /// `TRACKOUT_TRUSTED_PROXIES`, parsed once.
    pub trusted_proxies: Arc<Vec<Cidr>>,
    /// The catalog's pages and what download links open to, kept for `TRACKOUT_CACHE_MS`.
    pub catalog: catalog::PageCache,
    pub links: LinkCache,
}

impl AppState {
    pub fn dev_payments_allowed(&self) -> bool {
        self.config.dev_payments_allowed()
    }

    pub fn link_seconds(&self) -> u64 {
        self.config.commerce.download_link_seconds.max(1)
    }

    pub fn limits_trusted(&self) -> Arc<Vec<Cidr>> {
        Arc::clone(&self.trusted_proxies)
    }

    /// What the account services work with.
    pub fn accounts(&self) -> accounts::Ctx<'_> {
        accounts::Ctx {
            db: &self.db,
            tokens: &self.tokens,
            hasher: &self.hasher,
            sessions: &self.sessions,
            config: &self.config,
        }
    }
}
