//! End-to-end tests: the real app on port 0, a real database (SQLite, or PostgreSQL when
//! `TRACKOUT_TEST_POSTGRES` is set), storage on disk and over HTTP against an in-process S3.

mod accounts;
mod beats;
mod browser;
mod catalog;
mod check;
mod commerce;
mod deliverables;
mod hardening;
mod health;
mod migrations;
mod queue;
mod storage;
mod tiers;
mod uploads;
