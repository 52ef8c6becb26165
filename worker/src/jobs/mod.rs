//! The `run` of each job the store enqueues.

mod check_trackout;
mod purge_object;
mod render_leases;
mod render_preview;
mod workspace;
