//! The job runner and the jobs it runs. Runs inside `trackout serve` or alone as
//! `trackout worker`, any number of them against one database and one bucket.

mod context;
pub mod jobs;
mod registry;
mod runner;

pub use context::JobContext;
pub use registry::{JobError, Registry, RunJob};
pub use runner::Worker;
