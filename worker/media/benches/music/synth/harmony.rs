//! Keys, progressions, voicings and melodies in the idioms of the genres.

use super::rng::Rng;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Quality {
    Maj,
    Min,
    Dom7,
    Maj7,
    Min7,
}

impl Quality {
    pub fn intervals(self) -> &'static [i32] {
        match self {
            Quality::Maj => &[0, 4, 7],
            Quality::Min => &[0, 3, 7],
            Quality::Dom7 => &[0, 4, 7, 10],
            Quality::Maj7 => &[0, 4, 7, 11],
            Quality::Min7 => &[0, 3, 7, 10],
        }
    }

    /// With a seventh added, as jazzier genres voice it.
    pub fn seventh(self) -> Quality {
        match self {
            Quality::Maj => Quality::Maj7,
            Quality::Min => Quality::Min7,
            other => other,
        }
    }
}

use Quality::*;

/// Common progressions, as (semitones above the tonic, quality), one chord a bar (or two
/// chords a bar when the genre moves faster).
pub const MAJOR: &[&[(i32, Quality)]] = &[
    &[(0, Maj), (7, Maj), (9, Min), (5, Maj)],     // I–V–vi–IV
    &[(0, Maj), (9, Min), (5, Maj), (7, Maj)],     // I–vi–IV–V
    &[(0, Maj), (5, Maj), (9, Min), (7, Maj)],     // I–IV–vi–V
    &[(0, Maj), (5, Maj), (0, Maj), (7, Dom7)],    // I–IV–I–V7
    &[(2, Min7), (7, Dom7), (0, Maj7), (0, Maj7)], // ii–V–I
    &[(0, Maj7), (4, Min7), (5, Maj7), (7, Dom7)], // I–iii–IV–V
    &[(0, Maj), (2, Min), (5, Maj), (7, Maj)],     // I–ii–IV–V
];

pub const MINOR: &[&[(i32, Quality)]] = &[
    &[(0, Min), (8, Maj), (3, Maj), (10, Maj)], // i–VI–III–VII
    &[(0, Min), (5, Min), (7, Min), (0, Min)],  // i–iv–v–i
    &[(0, Min), (10, Maj), (8, Maj), (10, Maj)], // i–VII–VI–VII
    &[(0, Min), (8, Maj), (5, Min), (7, Maj)],  // i–VI–iv–V (harmonic)
    &[(0, Min), (5, Min), (10, Maj), (3, Maj)], // i–iv–VII–III
    &[(0, Min), (0, Min), (8, Maj), (7, Dom7)], // i–i–VI–V7
    &[(0, Min7), (5, Min7), (0, Min7), (7, Min7)], // i7–iv7–i7–v7
];

pub fn scale(minor: bool) -> [i32; 7] {
    if minor {
        [0, 2, 3, 5, 7, 8, 10]
    } else {
        [0, 2, 4, 5, 7, 9, 11]
    }
}

/// The chord's notes near `centre` (MIDI), in close position from an inversion that keeps
/// the voicing in one register.
pub fn voicing(tonic: i32, root: i32, quality: Quality, centre: i32) -> Vec<i32> {
    let base = tonic + root;
    let mut notes: Vec<i32> = quality.intervals().iter().map(|i| base + i).collect();
    // Move every note into [centre − 6, centre + 6).
    for n in &mut notes {
        while *n < centre - 6 {
            *n += 12;
        }
        while *n >= centre + 6 {
            *n -= 12;
        }
    }
    notes.sort_unstable();
    notes
}

/// A bass note for the chord: its root in the octave from `low`.
pub fn bass_note(tonic: i32, root: i32, low: i32) -> i32 {
    let mut n = tonic + root;
    while n < low {
        n += 12;
    }
    while n >= low + 12 {
        n -= 12;
    }
    n
}

/// A melody over one bar: `steps` notes (None = rest), chord tones on strong steps,
/// scale steps between, walking from `previous`; the last bar of a phrase lands on the
/// tonic.
#[expect(
    clippy::too_many_arguments,
    reason = "a bar of melody depends on all of them"
)]
pub fn melody_bar(
    rng: &mut Rng,
    tonic: i32,
    minor: bool,
    chord: &[i32],
    steps: usize,
    density: f32,
    previous: &mut i32,
    phrase_end: bool,
) -> Vec<Option<i32>> {
    let scale = scale(minor);
    let mut out = Vec::with_capacity(steps);
    for step in 0..steps {
        if phrase_end && step == steps / 2 {
            // Land on the tonic near where the line is.
            let mut t = tonic;
            while t < *previous - 6 {
                t += 12;
            }
            while t > *previous + 6 {
                t -= 12;
            }
            *previous = t;
            out.push(Some(t));
            continue;
        }
        if phrase_end && step > steps / 2 {
            out.push(None);
            continue;
        }
        let strong = step % (steps / 4).max(1) == 0;
        if !strong && !rng.chance(density) {
            out.push(None);
            continue;
        }
        let target = if strong {
            // The chord tone nearest to a small step away.
            let goal = *previous + rng.range(-4.0, 4.0) as i32;
            *chord
                .iter()
                .flat_map(|&c| [c - 12, c, c + 12])
                .collect::<Vec<_>>()
                .iter()
                .min_by_key(|&&c| (c - goal).abs())
                .unwrap_or(&goal)
        } else {
            // A scale step up or down.
            let dir = if rng.chance(0.5) { 1 } else { -1 };
            let mut n = *previous + dir;
            while !scale.contains(&(n - tonic).rem_euclid(12)) {
                n += dir;
            }
            n
        };
        *previous = target.clamp(60, 86);
        out.push(Some(*previous));
    }
    out
}
