//! The evaluation set's synthesiser: genres, instruments, harmony, all seeded.

pub mod genre;
pub mod harmony;
pub mod instruments;
pub mod rng;
