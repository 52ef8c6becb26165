//! The HTTP API of the store and the `trackout` command line.

pub mod cli;
mod connections;
mod error;
mod files;
mod frontend;
mod human_errors;
mod json;
pub mod limits;
mod metrics;
mod openapi;
mod pages;
mod routes;
mod security;
mod session;
pub mod startup;
mod state;
pub mod telemetry;

pub use error::ApiError;
pub use startup::Application;
pub use state::AppState;
