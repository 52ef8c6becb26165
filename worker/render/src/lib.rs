//! The deliverables renderer: what a listener and a buyer receive, made from a beat's checked
//! uploads. Plain functions over files, readers and writers: no database, no async runtime.
//!
//! - [`render_preview`]: the master with the voice tag mixed in, faded, limited, MP3.
//! - [`waveform_peaks`]: BBC audiowaveform JSON (version 2) for the player.
//! - [`render_mp3_lease`]: 320 kbps CBR MP3 with ID3v2 tags.
//! - [`render_wav_lease`]: the master's audio untouched, with INFO, BWF `bext` and ISRC.
//! - [`tag_stem`]: the same metadata on one stem, streamed.
//! - [`build_bundle`]: the deterministic trackout zip of exactly the stems the check checked
//!   (the foundation's listing, under the check's [`CheckLimits`]); [`personalize_bundle`]:
//!   its per-purchase tail, built from the base's central directory and manifest alone.
//!
//! Parsing, sniffing, naming and metering are the audio foundation's (`trackout_audio`).
//!
//! Every function writes only to its output; on error the output may be partial and the
//! caller discards it (the worker renders to a temporary file and renames or uploads it).

mod audio;
mod bundle;
mod decode;
mod error;
mod meta;
mod meter;
mod mp3;
mod mp3_lease;
mod naming;
mod preview;
mod riff;
mod stem;
mod wav_lease;
mod waveform;

pub use bundle::{
    BundleFile, BundleReport, BundledStem, PersonalizedTail, SplitParty, build_bundle,
    personalize_bundle, personalize_bundle_with_splits,
};
pub use error::RenderError;
pub use meta::{BeatMeta, Writer};
pub use mp3_lease::{LEASE_KBPS, Mp3Report, render_mp3_lease};
pub use naming::bundle_folder_name;
pub use preview::{
    MAX_TAG_SECONDS, PREVIEW_CEILING_DBFS, PreviewReport, PreviewSettings, render_preview,
    render_preview_with_peaks,
};
pub use stem::{TaggedStem, tag_stem};
pub use wav_lease::{WavLeaseReport, render_wav_lease};
pub use waveform::{SAMPLES_PER_PIXEL, waveform_peaks};

/// The check's limits: the bundle lists a trackout under the same ones.
pub use trackout_audio::settings::CheckLimits;
