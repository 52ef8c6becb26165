//! The listing against the audio: what a `bpm_mismatch` or `key_mismatch` finding says.

use super::key::{Key, Mode};

/// A detected tempo within this fraction of the listed one matches (2% is the usual
/// tolerance of tempo evaluations, and well inside a whole BPM at 60–180).
pub const TEMPO_TOLERANCE: f64 = 0.02;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TempoRelation {
    Match,
    /// The audio runs at half the listed tempo (a half-time feel, or a listing doubled).
    Half,
    Double,
    /// 2/3 or 3/2 of the listed tempo (a triplet feel read as the beat).
    TwoThirds,
    ThreeHalves,
    Mismatch,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TempoComparison {
    pub relation: TempoRelation,
    pub listed: f64,
    pub detected: f64,
    pub confidence: f64,
}

impl TempoComparison {
    /// `true` when the listing needs no finding.
    pub fn agrees(&self) -> bool {
        self.relation == TempoRelation::Match
    }

    /// "the audio is 70 BPM (half of the listed 140), confidence 0.82"
    pub fn message(&self) -> String {
        let what = match self.relation {
            TempoRelation::Match => "as listed".to_owned(),
            TempoRelation::Half => format!("half of the listed {}", fmt_bpm(self.listed)),
            TempoRelation::Double => format!("double the listed {}", fmt_bpm(self.listed)),
            TempoRelation::TwoThirds => format!("2/3 of the listed {}", fmt_bpm(self.listed)),
            TempoRelation::ThreeHalves => format!("3/2 of the listed {}", fmt_bpm(self.listed)),
            TempoRelation::Mismatch => format!("the listing says {}", fmt_bpm(self.listed)),
        };
        format!(
            "the audio is {} BPM ({what}), confidence {:.2}",
            fmt_bpm(self.detected),
            self.confidence
        )
    }
}

fn fmt_bpm(bpm: f64) -> String {
    if (bpm - bpm.round()).abs() < 0.05 {
        format!("{:.0}", bpm)
    } else {
        format!("{:.1}", bpm)
    }
}

/// Classifies a detected tempo against the listed one. A detection of 0 (no tempo found)
/// is `None`: say nothing rather than something wrong.
pub fn compare_tempo(listed: f64, detected: f64, confidence: f64) -> Option<TempoComparison> {
    if listed <= 0.0 || detected <= 0.0 || !listed.is_finite() || !detected.is_finite() {
        return None;
    }
    let near = |ratio: f64| ((detected / (listed * ratio)) - 1.0).abs() <= TEMPO_TOLERANCE;
    let relation = if near(1.0) {
        TempoRelation::Match
    } else if near(0.5) {
        TempoRelation::Half
    } else if near(2.0) {
        TempoRelation::Double
    } else if near(2.0 / 3.0) {
        TempoRelation::TwoThirds
    } else if near(1.5) {
        TempoRelation::ThreeHalves
    } else {
        TempoRelation::Mismatch
    };
    Some(TempoComparison {
        relation,
        listed,
        detected,
        confidence,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRelation {
    Match,
    /// Same notes, other tonic (A min for C maj): the listing may well be right.
    Relative,
    /// A fifth away either way (G maj or F maj for C maj), same mode.
    Fifth,
    /// Same tonic, other mode (C min for C maj).
    Parallel,
    Mismatch,
}

#[derive(Clone, Debug, PartialEq)]
pub struct KeyComparison {
    pub relation: KeyRelation,
    pub listed: Key,
    pub detected: Key,
    pub confidence: f64,
}

impl KeyComparison {
    pub fn agrees(&self) -> bool {
        self.relation == KeyRelation::Match
    }

    /// "the audio sounds in C maj (the relative major of the listed A min), confidence 0.40"
    pub fn message(&self) -> String {
        let listed = self.listed;
        let what = match self.relation {
            KeyRelation::Match => "as listed".to_owned(),
            KeyRelation::Relative => {
                let kind = match self.detected.mode {
                    Mode::Major => "major",
                    Mode::Minor => "minor",
                };
                format!("the relative {kind} of the listed {listed}")
            }
            KeyRelation::Fifth => format!("a fifth from the listed {listed}"),
            KeyRelation::Parallel => format!("the parallel key of the listed {listed}"),
            KeyRelation::Mismatch => format!("the listing says {listed}"),
        };
        format!(
            "the audio sounds in {} ({what}), confidence {:.2}",
            self.detected, self.confidence
        )
    }
}

pub fn compare_key(listed: Key, detected: Key, confidence: f64) -> KeyComparison {
    let relation = if listed == detected {
        KeyRelation::Match
    } else if listed.relative() == detected {
        KeyRelation::Relative
    } else if listed.mode == detected.mode
        && (detected.tonic == (listed.tonic + 7) % 12 || detected.tonic == (listed.tonic + 5) % 12)
    {
        KeyRelation::Fifth
    } else if listed.parallel() == detected {
        KeyRelation::Parallel
    } else {
        KeyRelation::Mismatch
    };
    KeyComparison {
        relation,
        listed,
        detected,
        confidence,
    }
}
