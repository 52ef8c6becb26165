//! The renderer driven through its public API, on fixtures generated here.

mod agreement;
mod bundle;
mod helpers;
mod hostile;
mod mp3_lease;
mod personalize;
mod preview;
mod tagged_wav;
mod waveform;
