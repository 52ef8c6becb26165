//! What the API and the worker share: configuration, the database connection, object storage,
//! the job queue, tokens, domain types and the services that hold the store's rules.

pub mod auth;
pub mod config;
pub mod cover;
pub mod db;
pub mod domain;
pub mod error;
pub mod fresh;
pub mod jobs;
pub mod license;
pub mod mail;
pub mod payments;
pub mod queue;
pub mod services;
pub mod storage;

pub use error::{Error, Result};
