//! End-to-end tests: the real app on port 0, a real database (SQLite, or PostgreSQL when
//! `TRACKOUT_TEST_POSTGRES` is set), storage on disk and over HTTP against an in-process S3.
// Test and bench code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

mod accounts;
mod beats;
mod catalog;
mod check;
mod commerce;
mod deliverables;
mod hardening;
mod health;
mod listing_prefill;
mod market;
mod metrics;
mod migrations;
mod multipart;
mod pipeline;
mod queue;
mod readiness;
mod resumable;
mod staleness;
mod storage;
mod storefront;
mod tiers;
mod uploads;
