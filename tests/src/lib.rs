//! Helpers for Trackout's end-to-end tests: the real app on port 0, a fresh database per test
//! (SQLite, or PostgreSQL when `TRACKOUT_TEST_POSTGRES` is set), S3 over real HTTP.
// Test and bench code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

pub mod app;
pub mod database;
pub mod faults;
pub mod fixtures;
pub mod images;
pub mod mail;
pub mod moto;
pub mod s3;
pub mod smtp;

pub use app::{TestApp, TestAppBuilder};
pub use database::TestDatabase;
pub use mail::MailMessage;
pub use moto::MotoServer;
pub use s3::{S3Server, TestBucket};
pub use smtp::{SmtpMode, SmtpServer};
