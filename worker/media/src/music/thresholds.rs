//! Every threshold and tuning constant of the music analysers, in one place, with why.
//!
//! The tempo and key constants were tuned on the development half of the benchmark's
//! generated set (`cargo bench -p trackout-media --bench music`; even-numbered clips) and
//! checked on the held-out half; see the README's "Tempo and key against essentia and
//! librosa".

/// Rate the tempo and key analysis runs at: onsets and chroma need nothing above 5 kHz.
pub const ANALYSIS_RATE_HZ: u32 = 11_025;

pub mod tempo {
    /// Range of tempi considered. Beats are listed from 60 to 180 BPM; the margins let a
    /// half-time or double-time reading still be found and reported as such.
    pub const MIN_BPM: f64 = 40.0;
    pub const MAX_BPM: f64 = 240.0;
    /// Onset autocorrelation window and longest lag. 10 s holds several bars even at
    /// 60 BPM; lags to 4.5 s reach a whole 4/4 bar at 54 BPM.
    pub const ACF_WINDOW_SECONDS: f64 = 10.0;
    pub const MAX_LAG_SECONDS: f64 = 4.5;
    /// Below this much audio there is no tempo to report.
    pub const MIN_SECONDS: f64 = 4.0;
    /// Compression of spectral magnitudes before the flux (`ln(1 + g·|X|)`): quiet hats
    /// count next to a loud 808.
    pub const LOG_GAIN: f32 = 1_000.0;
    /// Beat multiples averaged for a tempo's own periodicity.
    pub const COMB_MULTIPLES: usize = 4;
    /// Weight of the half-beat (eighth-note) periodicity and of the bar (four beats). The
    /// grid search on the development half (0–1 and 0–0.5) put the half beat at full weight
    /// (a beat that is not subdivided is rarely the one a producer lists) and the bar at
    /// none (it pulled fast backbeats and half-time grooves to half tempo).
    pub const HALF_WEIGHT: f64 = 1.0;
    pub const BAR_WEIGHT: f64 = 0.0;
    /// A broad log-normal preference, one octave wide, to break near-ties between a tempo
    /// and its half or double. Its centre came out of the same search (100–140 tried): 140,
    /// where trap, drill and the faster backbeats of beat stores sit, which reads a 150 BPM
    /// backbeat as 150 rather than 75 while a 70 BPM R&B groove, whose half beats are weak,
    /// stays at 70.
    pub const PRIOR_CENTRE_BPM: f64 = 140.0;
    pub const PRIOR_OCTAVES: f64 = 1.0;
}

pub mod key {
    use super::super::key::Mode;

    /// Spectral peaks that vote for pitch classes: A1 (55 Hz) to about A7.
    pub const LOWEST_HZ: f64 = 50.0;
    pub const HIGHEST_HZ: f64 = 3_600.0;
    /// The bass register, whose notes weigh towards the tonic: up to about G3.
    pub const BASS_HIGHEST_HZ: f64 = 200.0;
    /// Frames quieter than this (power of the loudest peak, full scale 1) do not vote:
    /// about −70 dBFS.
    pub const SILENCE_POWER: f32 = 1e-7;
    /// Peaks more than 40 dB below the frame's loudest are noise, not notes.
    pub const PEAK_FLOOR: f32 = 1e-4;
    /// Each peak votes for its own pitch class only. Also voting for the fundamentals it
    /// could be a harmonic of (f/3, as HPCP does) cost 3 points on the development set: a
    /// note's f/3 vote lands on its fourth below and drags keys towards the subdominant.
    /// Weight of the bass chroma's correlation next to the full chroma's (0, 0.25, 0.5 tried).
    pub const BASS_WEIGHT: f64 = 0.25;
    /// The chroma is raised to this power before matching (0.5 and 1 tried; 0.5 better).
    pub const CHROMA_POWER: f64 = 0.5;
    /// Fewer frames than this (about 2 s) hold no key.
    pub const MIN_FRAMES: u64 = 10;
    /// The lead of the winner over the runner-up, relative to the spread of all 24 scores,
    /// that counts as full confidence.
    pub const CONFIDENCE_SCALE: f64 = 4.0;

    /// Albrecht and Shanahan's (2013) key profiles, from a corpus of tonal music. Chosen over
    /// Temperley's (Kostka–Payne) and Krumhansl–Kessler's on the development set (78% exact
    /// against 75% and 73%): they weigh the tonic and fifth over the other diatonic notes most.
    pub fn profile(mode: Mode) -> [f64; 12] {
        match mode {
            Mode::Major => [
                0.238, 0.006, 0.111, 0.006, 0.137, 0.094, 0.016, 0.214, 0.009, 0.080, 0.008, 0.081,
            ],
            Mode::Minor => [
                0.220, 0.006, 0.104, 0.123, 0.019, 0.103, 0.012, 0.214, 0.062, 0.022, 0.061, 0.052,
            ],
        }
    }

    /// What a bass line dwells on: the tonic most, then the fifth, the other scale degrees
    /// that start chords of the mode (IV/iv, VI, the minor's III and VII) less.
    pub fn bass_profile(mode: Mode) -> [f64; 12] {
        match mode {
            Mode::Major => [1.0, 0.0, 0.3, 0.0, 0.3, 0.5, 0.0, 0.6, 0.0, 0.4, 0.0, 0.1],
            Mode::Minor => [1.0, 0.0, 0.2, 0.4, 0.0, 0.5, 0.0, 0.6, 0.4, 0.0, 0.4, 0.1],
        }
    }
}

pub mod sum {
    /// Lags searched: ±2 s holds a bar at 120 BPM, more than any plugin latency or
    /// pre-roll, and is what the check promises.
    pub const MAX_LAG_SECONDS: f64 = 2.0;
    /// The coarse lag search runs on two features at ~2.8 kHz: the low band (box-averaged
    /// waveform, for bass and tonal stems) and the envelope of the first difference (for
    /// hats and percussion, which have nothing low).
    pub const COARSE_RATE_HZ: u32 = 2_756;
    /// Coarse window, in coarse samples (~1.5 s), and how many windows where the stem
    /// plays decide its coarse lag.
    pub const COARSE_WINDOW: usize = 4_096;
    pub const COARSE_WINDOWS: u32 = 4;
    /// A periodic loop correlates almost as well one beat or bar away as at the true lag;
    /// among peaks within this fraction of the best, the one nearest zero wins.
    pub const PERIODIC_TIE: f64 = 0.97;
    /// When the fine search does not find a stem at the coarse lag of the feature whose
    /// peak stood out more, the other feature's peak is tried if it stood out at least
    /// this much as well (peak over RMS, relative). A noise snare 10 ms late: low band 4.65
    /// at a wrong lag, envelope 4.56 at the right one (0.98). The stems of another beat
    /// against a master: 0.61 to 0.80, and a retry there finds a kick of the same synth
    /// at some lag, which would hide a `master_mismatch`.
    pub const FALLBACK_SALIENCE: f64 = 0.9;
    /// Fine lag: full-rate snapshots of ~0.37 s where the stem plays, searched ±3 coarse
    /// samples around the coarse lag, with the other stems subtracted from the master
    /// first so only the stem itself correlates; decided after this many snapshots.
    pub const FINE_SECONDS: f64 = 0.37;
    pub const FINE_SNAPSHOTS: u32 = 3;
    /// A lag this long or longer is a `stem_offset` (a quarter of a millisecond: 11 samples
    /// at 44.1 kHz). Uncompensated plugin latency starts at 32–64 samples and a stem
    /// exported from another bar is thousands off, while a part the master holds at
    /// another level (a doubled or missing stem) can pull the others' fine lag by a sample:
    /// an error that blocks a publish must not come from that.
    pub const OFFSET_MIN_SECONDS: f64 = 0.000_25;
    /// A stem is in the master when, aligned, it appears there at this gain or more
    /// (−10 dB); below, no lag within ±2 s holds it and its lag is left at 0.
    pub const FOUND_GAIN: f64 = 0.3;
    /// A stem plays in a window when its mean square is above this (−70 dBFS).
    pub const ACTIVE_MEAN_SQUARE: f64 = 1e-7;
    /// Residual statistics are kept per segment of about this length, a power of two of
    /// frames (1024 at 44.1 and 48 kHz): the level bins of the bus model.
    pub const SEGMENT_SECONDS: f64 = 0.025;
    /// Below this residual (dB under the master), the stems sum to the master: dither,
    /// 16- vs 24-bit rounding and float rounding sit far lower (−80 dB and below), while a
    /// missing shaker or reverb return sits above −35 dB.
    pub const SUMS_DB: f64 = -40.0;
    /// Below this correlation of the stem sum with the master, the master is not made of
    /// these stems: they explain less than a quarter of its energy (ρ² < 0.25). A master
    /// missing even half its parts still correlates at 0.7.
    pub const MISMATCH_CORRELATION: f64 = 0.5;
    /// Master bus processing: a level-dependent gain (compressor, limiter) or a memoryless
    /// curve (clipper) applied to the sum must explain this share of the residual energy
    /// (residual 6 dB lower once modelled), and more of it than any single stem does.
    pub const BUS_EXPLAINED: f64 = 0.75;
    /// Gain at the loudest moments this much below the gain at quiet ones: level-dependent.
    pub const LEVEL_DEPENDENT_DB: f64 = 0.5;
    /// A single stem explains the residual when it accounts for half its energy (ρ² ≥ 0.5).
    pub const STEM_EXPLAINED: f64 = 0.5;
    /// The residual "looks like" a stem when their band spectra match this closely (cosine
    /// of the band-energy shares) and their levels are within `LIKE_LEVEL_DB`.
    pub const LIKE_SPECTRUM: f64 = 0.95;
    pub const LIKE_LEVEL_DB: f64 = 6.0;
    /// A band names the residual when it holds this share of the residual's energy.
    pub const BAND_SHARE: f64 = 0.4;
    /// The residual is measured on one run of ~46 ms (two segments, or a spectrum frame)
    /// in this many: a quarter of the audio, spread evenly, is plenty for song-long sums and
    /// ratios, and it keeps the meter to about a quarter of the cost of touching every
    /// sample of every stem twice.
    pub const MEASURE_EVERY: u64 = 4;
    /// Band spectra: 2048-sample frames of the master and the residual in every measured
    /// run; of every stem too in one frame in `STEM_SPECTRUM_EVERY`.
    pub const SPECTRUM_FRAME: usize = 2_048;
    pub const STEM_SPECTRUM_EVERY: u64 = 4;
}
