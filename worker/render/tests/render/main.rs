//! The renderer driven through its public API, on fixtures generated here.
// Test and bench code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

mod agreement;
mod bundle;
mod helpers;
mod hostile;
mod mp3_lease;
mod personalize;
mod preview;
mod tagged_wav;
mod waveform;
