//! Genres: tempo range, drum feel, instruments and harmonic habits, and the arrangement of
//! one clip.

use super::harmony::{self, MAJOR, MINOR, Quality};
use super::instruments::{self as ins, RATE, Voice};
use super::rng::Rng;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Feel {
    /// Kick and snare on 2 and 4, hats in eighths or sixteenths.
    Backbeat,
    /// Snare on 3 at the listed tempo (trap), hats with rolls.
    HalfTime,
    /// Half-time with triplet hats and syncopated snares (drill).
    Drill,
    /// Kick on every beat, clap on 2 and 4, open hats off the beat.
    FourFloor,
    /// Kick on 1 and the "and" of 3, snare 2 and 4, fast (drum and bass).
    TwoStep,
    /// Dembow: kick every beat, snare on the "a" of 1 and the "and" of 2.
    Dembow,
    /// Afrobeats: kick 1 and 3-ish, rim in 3-3-2, shaker sixteenths.
    Afro,
}

#[derive(Clone, Copy, Debug)]
pub struct Genre {
    pub name: &'static str,
    pub bpm: (f32, f32),
    pub feel: Feel,
    pub swing: (f32, f32),
    pub chords: &'static [Voice],
    pub lead: &'static [Voice],
    pub eight_o_eight: bool,
    pub sevenths: f32,
    pub hats_sixteenths: f32,
    /// Two chords a bar instead of one.
    pub fast_harmony: f32,
    pub lofi: bool,
}

pub const GENRES: &[Genre] = &[
    Genre {
        name: "trap",
        bpm: (130.0, 170.0),
        feel: Feel::HalfTime,
        swing: (0.5, 0.5),
        chords: &[Voice::Pad, Voice::Piano, Voice::Strings],
        lead: &[Voice::Bell, Voice::Pluck],
        eight_o_eight: true,
        sevenths: 0.1,
        hats_sixteenths: 0.5,
        fast_harmony: 0.0,
        lofi: false,
    },
    Genre {
        name: "drill",
        bpm: (138.0, 146.0),
        feel: Feel::Drill,
        swing: (0.5, 0.5),
        chords: &[Voice::Strings, Voice::Piano],
        lead: &[Voice::Bell, Voice::Piano],
        eight_o_eight: true,
        sevenths: 0.0,
        hats_sixteenths: 0.0,
        fast_harmony: 0.0,
        lofi: false,
    },
    Genre {
        name: "boom bap",
        bpm: (82.0, 98.0),
        feel: Feel::Backbeat,
        swing: (0.54, 0.62),
        chords: &[Voice::Piano, Voice::Rhodes, Voice::Strings],
        lead: &[Voice::Rhodes, Voice::Pluck],
        eight_o_eight: false,
        sevenths: 0.6,
        hats_sixteenths: 0.3,
        fast_harmony: 0.2,
        lofi: false,
    },
    Genre {
        name: "lo-fi",
        bpm: (68.0, 90.0),
        feel: Feel::Backbeat,
        swing: (0.55, 0.64),
        chords: &[Voice::Rhodes, Voice::Piano],
        lead: &[Voice::Pluck, Voice::Rhodes],
        eight_o_eight: false,
        sevenths: 0.9,
        hats_sixteenths: 0.2,
        fast_harmony: 0.3,
        lofi: true,
    },
    Genre {
        name: "house",
        bpm: (118.0, 128.0),
        feel: Feel::FourFloor,
        swing: (0.5, 0.54),
        chords: &[Voice::Organ, Voice::Pad, Voice::Piano],
        lead: &[Voice::Pluck, Voice::Bell],
        eight_o_eight: false,
        sevenths: 0.5,
        hats_sixteenths: 0.6,
        fast_harmony: 0.0,
        lofi: false,
    },
    Genre {
        name: "r&b",
        bpm: (60.0, 96.0),
        feel: Feel::Backbeat,
        swing: (0.5, 0.58),
        chords: &[Voice::Rhodes, Voice::Pad],
        lead: &[Voice::Bell, Voice::Rhodes, Voice::Pluck],
        eight_o_eight: true,
        sevenths: 0.9,
        hats_sixteenths: 0.7,
        fast_harmony: 0.3,
        lofi: false,
    },
    Genre {
        name: "drum & bass",
        bpm: (160.0, 180.0),
        feel: Feel::TwoStep,
        swing: (0.5, 0.5),
        chords: &[Voice::Pad, Voice::Strings],
        lead: &[Voice::Pluck, Voice::Bell],
        eight_o_eight: false,
        sevenths: 0.3,
        hats_sixteenths: 0.2,
        fast_harmony: 0.0,
        lofi: false,
    },
    Genre {
        name: "reggaeton",
        bpm: (88.0, 100.0),
        feel: Feel::Dembow,
        swing: (0.5, 0.5),
        chords: &[Voice::Pluck, Voice::Pad, Voice::Piano],
        lead: &[Voice::Pluck, Voice::Bell],
        eight_o_eight: true,
        sevenths: 0.1,
        hats_sixteenths: 0.3,
        fast_harmony: 0.0,
        lofi: false,
    },
    Genre {
        name: "afrobeats",
        bpm: (96.0, 116.0),
        feel: Feel::Afro,
        swing: (0.5, 0.56),
        chords: &[Voice::Rhodes, Voice::Pluck, Voice::Organ],
        lead: &[Voice::Pluck, Voice::Bell],
        eight_o_eight: false,
        sevenths: 0.5,
        hats_sixteenths: 0.8,
        fast_harmony: 0.2,
        lofi: false,
    },
    Genre {
        name: "pop",
        bpm: (100.0, 132.0),
        feel: Feel::Backbeat,
        swing: (0.5, 0.5),
        chords: &[Voice::Piano, Voice::Pad, Voice::Pluck],
        lead: &[Voice::Pluck, Voice::Bell, Voice::Strings],
        eight_o_eight: false,
        sevenths: 0.2,
        hats_sixteenths: 0.3,
        fast_harmony: 0.2,
        lofi: false,
    },
];

/// What a clip is: the ground truth the detectors are scored against.
#[derive(Clone, Debug)]
pub struct Clip {
    pub index: usize,
    pub genre: &'static str,
    pub bpm: f32,
    pub tonic: i32,
    pub minor: bool,
    pub swing: f32,
    pub half_time: bool,
    pub intro_bars: usize,
}

/// Picks a clip's genre, tempo and key from its index. Every 24 clips hold all 24 keys
/// once (rotated by 7 each round, so no genre keeps to some keys), genres cycle through
/// the list; the tempo is drawn in the genre's range.
pub fn plan(index: usize) -> (Clip, &'static Genre) {
    let mut rng = Rng::new(index as u64 * 7919 + 1);
    let genre = &GENRES[index % GENRES.len()];
    let key = (index + 7 * (index / 24)) % 24;
    let tonic = (key % 12) as i32;
    let minor = key >= 12;
    let bpm = rng.range(genre.bpm.0, genre.bpm.1).round();
    let swing = rng.range(genre.swing.0, genre.swing.1);
    let intro_bars = if rng.chance(0.35) { 2 } else { 0 };
    (
        Clip {
            index,
            genre: genre.name,
            bpm,
            tonic,
            minor,
            swing,
            half_time: matches!(genre.feel, Feel::HalfTime | Feel::Drill),
            intro_bars,
        },
        genre,
    )
}

/// Renders `seconds` of the clip, mono, 44.1 kHz, peaking at −1 dBFS.
pub fn render(clip: &Clip, genre: &Genre, seconds: f32) -> Vec<f32> {
    let mut rng = Rng::new(clip.index as u64 * 104_729 + 17);
    let len = (seconds * RATE) as usize;
    let beat = 60.0 / clip.bpm * RATE;
    let bar = 4.0 * beat;
    let bars = (len as f32 / bar).ceil() as usize + 1;
    let (mut drums, mut bass, mut chords, mut lead) = (
        vec![0.0f32; len],
        vec![0.0f32; len],
        vec![0.0f32; len],
        vec![0.0f32; len],
    );

    let progs = if clip.minor { MINOR } else { MAJOR };
    let prog = *rng.pick(progs);
    let sevenths = rng.chance(genre.sevenths);
    let two_a_bar = rng.chance(genre.fast_harmony);
    let chord_voice = *rng.pick(genre.chords);
    let lead_voice = *rng.pick(genre.lead);
    let centre = 60 + rng.below(7) as i32 - 3;
    let tonic = clip.tonic;
    let hats16 = rng.chance(genre.hats_sixteenths);
    let kick_base = rng.range(42.0, 58.0);
    let snare_tone = rng.range(160.0, 240.0);
    let lead_density = rng.range(0.2, 0.6);
    let humanize = if genre.lofi { 0.012 } else { 0.002 };
    let mut line = 67 + tonic % 12;

    let at = |pos_beats: f32, rng: &mut Rng| -> usize {
        let jitter = rng.range(-humanize, humanize) * RATE;
        (pos_beats * beat + jitter).max(0.0) as usize
    };
    // Swing moves the off-beat subdivision of each beat (the "e" and "a" of sixteenths
    // when hats run in sixteenths, the "and" when in eighths).
    let swung = |sub: f32, per_beat: f32| -> f32 {
        let step = 1.0 / per_beat;
        let pair = (sub / (2.0 * step)).floor();
        let within = sub - pair * 2.0 * step;
        if (within - step).abs() < 1e-4 {
            pair * 2.0 * step + 2.0 * step * clip.swing
        } else {
            sub
        }
    };

    for b in 0..bars {
        let bar_beats = b as f32 * 4.0;
        let playing = b >= clip.intro_bars;
        let fill = b % 4 == 3 && rng.chance(0.5);
        // Harmony.
        let chords_here: Vec<(i32, Quality)> = if two_a_bar {
            let i = (2 * b) % prog.len();
            vec![prog[i], prog[(i + 1) % prog.len()]]
        } else {
            vec![prog[b % prog.len()]]
        };
        let per = 4.0 / chords_here.len() as f32;
        for (c, &(root, q)) in chords_here.iter().enumerate() {
            let q = if sevenths { q.seventh() } else { q };
            let start = bar_beats + c as f32 * per;
            let notes = harmony::voicing(tonic, root, q, centre);
            let dur = per * 60.0 / clip.bpm;
            let stab =
                matches!(chord_voice, Voice::Pluck | Voice::Organ) && genre.feel == Feel::FourFloor;
            if stab {
                for off in [0.5f32, 1.5, 2.5, 3.5] {
                    if off < per {
                        for &n in &notes {
                            ins::note(
                                &mut chords,
                                at(start + off, &mut rng),
                                0.2,
                                n as f32,
                                0.09,
                                chord_voice,
                                &mut rng,
                            );
                        }
                    }
                }
            } else {
                for &n in &notes {
                    ins::note(
                        &mut chords,
                        at(start, &mut rng),
                        dur * 0.95,
                        n as f32,
                        0.08,
                        chord_voice,
                        &mut rng,
                    );
                }
            }
            // Bass.
            let low = harmony::bass_note(tonic, root, 31);
            if genre.eight_o_eight {
                let hits: &[f32] = if clip.half_time {
                    &[0.0, 1.5, 3.0]
                } else {
                    &[0.0, 2.5]
                };
                for (k, &h) in hits.iter().enumerate() {
                    if h < per && playing {
                        let from = if k > 0 && rng.chance(0.3) {
                            low as f32 + 12.0
                        } else {
                            low as f32
                        };
                        let len_b = hits.get(k + 1).copied().unwrap_or(per).min(per) - h;
                        ins::eight_o_eight(
                            &mut bass,
                            at(start + h, &mut rng),
                            len_b * 60.0 / clip.bpm,
                            low as f32,
                            from,
                            0.45,
                        );
                    }
                }
            } else if playing {
                let pattern: &[f32] = match genre.feel {
                    Feel::FourFloor => &[0.5, 1.5, 2.5, 3.5],
                    Feel::TwoStep => &[0.0, 2.5],
                    _ => &[0.0, 1.5, 2.0, 3.5],
                };
                for &h in pattern {
                    if h < per {
                        ins::synth_bass(
                            &mut bass,
                            at(start + h, &mut rng),
                            0.4 * 60.0 / clip.bpm * 2.0,
                            (low + 12) as f32,
                            0.25,
                        );
                    }
                }
            }
        }
        // Lead, from bar 2 on, in phrases of four bars.
        if b >= 1 && (b / 4) % 2 == 0 || rng.chance(0.3) {
            let (root, q) = chords_here[0];
            let chord = harmony::voicing(tonic, root, q, 72);
            let steps = 8;
            let mel = harmony::melody_bar(
                &mut rng,
                tonic,
                clip.minor,
                &chord,
                steps,
                lead_density,
                &mut line,
                b % 4 == 3,
            );
            for (s, n) in mel.iter().enumerate() {
                if let Some(n) = n {
                    let pos = bar_beats + swung(s as f32 * 0.5, 2.0);
                    ins::note(
                        &mut lead,
                        at(pos, &mut rng),
                        0.45 * 60.0 / clip.bpm,
                        *n as f32,
                        0.1,
                        lead_voice,
                        &mut rng,
                    );
                }
            }
        }
        if !playing {
            continue;
        }
        // Drums.
        let kick = |d: &mut [f32], pos: f32, rng: &mut Rng| {
            let p = at(pos, rng);
            ins::kick(
                d,
                p,
                0.7,
                kick_base,
                kick_base * 3.0,
                8.0,
                if genre.feel == Feel::FourFloor {
                    0.3
                } else {
                    0.1
                },
            );
        };
        let per_beat = if hats16 { 4.0 } else { 2.0 };
        let hat_steps = (4.0 * per_beat) as usize;
        match genre.feel {
            Feel::Backbeat => {
                for &k in &[0.0f32, 1.75, 2.5] {
                    kick(&mut drums, bar_beats + k, &mut rng);
                }
                for &s in &[1.0f32, 3.0] {
                    if genre.lofi || rng.chance(0.5) {
                        ins::snare(
                            &mut drums,
                            at(bar_beats + s, &mut rng),
                            0.45,
                            snare_tone,
                            14.0,
                            &mut rng,
                        );
                    } else {
                        ins::clap(&mut drums, at(bar_beats + s, &mut rng), 0.5, &mut rng);
                    }
                }
            }
            Feel::HalfTime => {
                for &k in &[0.0f32, 0.75, 2.5] {
                    kick(&mut drums, bar_beats + k, &mut rng);
                }
                ins::clap(&mut drums, at(bar_beats + 2.0, &mut rng), 0.55, &mut rng);
                if fill {
                    ins::snare(
                        &mut drums,
                        at(bar_beats + 3.75, &mut rng),
                        0.3,
                        snare_tone,
                        18.0,
                        &mut rng,
                    );
                }
            }
            Feel::Drill => {
                for &k in &[0.0f32, 1.5] {
                    kick(&mut drums, bar_beats + k, &mut rng);
                }
                let snares: &[f32] = if b % 2 == 0 { &[2.0] } else { &[1.75, 3.5] };
                for &s in snares {
                    ins::snare(
                        &mut drums,
                        at(bar_beats + s, &mut rng),
                        0.5,
                        snare_tone,
                        16.0,
                        &mut rng,
                    );
                }
            }
            Feel::FourFloor => {
                for k in 0..4 {
                    kick(&mut drums, bar_beats + k as f32, &mut rng);
                    ins::hat(
                        &mut drums,
                        at(bar_beats + k as f32 + 0.5, &mut rng),
                        0.3,
                        true,
                        &mut rng,
                    );
                }
                for &s in &[1.0f32, 3.0] {
                    ins::clap(&mut drums, at(bar_beats + s, &mut rng), 0.5, &mut rng);
                }
            }
            Feel::TwoStep => {
                for &k in &[0.0f32, 2.5] {
                    kick(&mut drums, bar_beats + k, &mut rng);
                }
                for &s in &[1.0f32, 3.0] {
                    ins::snare(
                        &mut drums,
                        at(bar_beats + s, &mut rng),
                        0.55,
                        snare_tone,
                        12.0,
                        &mut rng,
                    );
                }
                if fill {
                    ins::snare(
                        &mut drums,
                        at(bar_beats + 3.5, &mut rng),
                        0.3,
                        snare_tone,
                        16.0,
                        &mut rng,
                    );
                }
            }
            Feel::Dembow => {
                for k in 0..4 {
                    kick(&mut drums, bar_beats + k as f32, &mut rng);
                }
                for &s in &[0.75f32, 1.5, 2.75, 3.5] {
                    ins::snare(
                        &mut drums,
                        at(bar_beats + s, &mut rng),
                        0.4,
                        snare_tone,
                        20.0,
                        &mut rng,
                    );
                }
            }
            Feel::Afro => {
                for &k in &[0.0f32, 1.5, 2.5] {
                    kick(&mut drums, bar_beats + k, &mut rng);
                }
                for &r in &[0.0f32, 0.75, 1.5, 2.5, 3.0] {
                    ins::shaker(&mut drums, at(bar_beats + r, &mut rng), 0.5, &mut rng);
                }
                ins::snare(
                    &mut drums,
                    at(bar_beats + 3.0, &mut rng),
                    0.4,
                    snare_tone,
                    18.0,
                    &mut rng,
                );
            }
        }
        // Hats (the four-on-the-floor keeps its open hats; others get a steady grid).
        let drill_triplets = genre.feel == Feel::Drill;
        if drill_triplets {
            for s in 0..12 {
                if s % 3 != 2 || rng.chance(0.5) {
                    ins::hat(
                        &mut drums,
                        at(bar_beats + s as f32 / 3.0, &mut rng),
                        0.22,
                        false,
                        &mut rng,
                    );
                }
            }
        } else if genre.feel != Feel::FourFloor || hats16 {
            for s in 0..hat_steps {
                let pos = swung(s as f32 / per_beat, per_beat);
                let accent = if s % (per_beat as usize) == 0 {
                    0.28
                } else {
                    0.17
                };
                ins::hat(
                    &mut drums,
                    at(bar_beats + pos, &mut rng),
                    accent,
                    false,
                    &mut rng,
                );
            }
            if clip.half_time && fill {
                // A roll in thirty-seconds on the last beat.
                for r in 0..8 {
                    ins::hat(
                        &mut drums,
                        at(bar_beats + 3.0 + r as f32 / 8.0, &mut rng),
                        0.14,
                        false,
                        &mut rng,
                    );
                }
            }
        }
    }

    let gains = [1.0f32, 0.9, rng.range(0.6, 1.0), rng.range(0.5, 0.9)];
    let mut mix = vec![0.0f32; len];
    for (part, g) in [&drums, &bass, &chords, &lead].iter().zip(gains) {
        for (m, v) in mix.iter_mut().zip(part.iter()) {
            *m += g * v;
        }
    }
    if genre.lofi {
        // Tape-ish low-pass and vinyl crackle.
        let a = (std::f32::consts::TAU * 3_500.0 / RATE).min(1.0);
        let mut y = 0.0;
        for m in mix.iter_mut() {
            y += a * (*m - y);
            *m = y
                + 0.004 * rng.noise()
                + if rng.chance(0.0004) {
                    0.05 * rng.noise()
                } else {
                    0.0
                };
        }
    }
    let peak = mix.iter().fold(0.0f32, |a, v| a.max(v.abs())).max(1e-6);
    let scale = 0.89 / peak;
    mix.iter_mut().for_each(|v| *v *= scale);
    mix
}
