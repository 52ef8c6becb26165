//! The trackout check, end to end: generated stems and trackouts, hostile archives, the
//! decoder against hound, true peak against an independent reference, and flat memory.
// Test and bench code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

mod alloc;
mod codes;
mod decoder;
mod fixtures;
mod hostile;
mod master;
mod memory;
mod music;
mod regressions;
mod report;
mod true_peak;
mod valid;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;
