//! The master's length against the stems': `master_length_mismatch`.

/// Default allowance for a master that rings on past the stems (a reverb or delay tail
/// printed on the master bus, a fade the stems do not carry).
pub const TAIL_ALLOWANCE_SECONDS: f64 = 2.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LengthVerdict {
    /// Same length, or the master longer by no more than the tail allowance.
    Fits,
    /// The stems end this many frames before the master, beyond the allowance: an error
    /// (the trackout is missing the end of the beat).
    StemsEndEarly { frames: u64 },
    /// The master is this many frames shorter than the longest stem: a warning (a master
    /// cut short, or stems exported past the end).
    MasterShorter { frames: u64 },
}

/// Compares lengths in frames at the shared rate. `tail_allowance_seconds` is usually
/// [`TAIL_ALLOWANCE_SECONDS`].
pub fn compare_lengths(
    master_frames: u64,
    longest_stem_frames: u64,
    sample_rate: u32,
    tail_allowance_seconds: f64,
) -> LengthVerdict {
    let allowance = (tail_allowance_seconds.max(0.0) * f64::from(sample_rate)).round() as u64;
    if master_frames > longest_stem_frames + allowance {
        LengthVerdict::StemsEndEarly {
            frames: master_frames - longest_stem_frames,
        }
    } else if master_frames < longest_stem_frames {
        LengthVerdict::MasterShorter {
            frames: longest_stem_frames - master_frames,
        }
    } else {
        LengthVerdict::Fits
    }
}
