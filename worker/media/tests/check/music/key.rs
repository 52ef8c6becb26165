use trackout_media::music::{Key, KeyRelation, Mode, MusicAnalyzer, compare_key};

use super::synth::{Feel, drums, mix_into, progression};

const RATE: u32 = 22_050;

fn detect(audio: &[f32]) -> trackout_media::music::Detected {
    let mut a = MusicAnalyzer::new(RATE, 1);
    for block in audio.chunks(4096) {
        a.add(block);
    }
    a.finish()
}

/// A progression given in scale degrees of `tonic` (semitones above it, and minor or not),
/// over a drum loop, as a beat would have it.
fn beat(tonic: i32, chords: &[(i32, bool)], bpm: f32) -> Vec<f32> {
    let roots: Vec<(i32, bool)> = chords.iter().map(|&(d, m)| (60 + tonic + d, m)).collect();
    let [mut keys, bass] = progression(RATE as f32, bpm, &roots, 3);
    mix_into(&mut keys, &bass, 1.0);
    let bars = chords.len() * 3;
    let [k, s, h] = drums(RATE as f32, bpm, bars, Feel::Straight, 0.5, 7);
    mix_into(&mut keys, &k, 0.6);
    mix_into(&mut keys, &s, 0.6);
    mix_into(&mut keys, &h, 0.6);
    keys
}

#[test]
fn major_progressions_in_several_keys() {
    // I–V–vi–IV and I–IV–V–I.
    let pop = [(0, false), (7, false), (9, true), (5, false)];
    let cadence = [(0, false), (5, false), (7, false), (0, false)];
    for (tonic, chords, name) in [
        (0, &pop, "C maj"),
        (7, &cadence, "G maj"),
        (6, &pop, "F# maj"),
        (3, &cadence, "Eb maj"),
    ] {
        let d = detect(&beat(tonic, chords, 100.0));
        assert_eq!(d.key.map(|k| k.to_string()).as_deref(), Some(name), "{d:?}");
        assert!(d.key_confidence > 0.0);
    }
}

#[test]
fn minor_progressions_in_several_keys() {
    // i–iv–v–i and i–VI–VII–i.
    let plain = [(0, true), (5, true), (7, true), (0, true)];
    let epic = [(0, true), (8, false), (10, false), (0, true)];
    for (tonic, chords, name) in [
        (9, &plain, "A min"),
        (4, &epic, "E min"),
        (1, &plain, "C# min"),
        (10, &epic, "Bb min"),
    ] {
        // Chords in the octave above middle C (60 + tonic would put a minor key's tonic
        // high; keep the voicings in one register).
        let d = detect(&beat(tonic - 12 * (tonic > 6) as i32, chords, 84.0));
        assert_eq!(d.key.map(|k| k.to_string()).as_deref(), Some(name), "{d:?}");
    }
}

#[test]
fn keys_parse_in_the_catalog_spellings_and_relate() {
    let a_min = Key::parse("A min").expect("parses");
    assert_eq!(a_min, Key::new(9, Mode::Minor));
    assert_eq!(Key::parse("Am"), Some(a_min));
    assert_eq!(Key::parse("a minor"), Some(a_min));
    assert_eq!(Key::parse("Bb min"), Key::parse("A# min"));
    assert_eq!(
        Key::parse("F♯ major").map(|k| k.to_string()).as_deref(),
        Some("F# maj")
    );
    assert_eq!(Key::parse("H"), None);
    assert_eq!(Key::parse("C dorian"), None);
    assert_eq!(a_min.relative().to_string(), "C maj");
    assert_eq!(a_min.parallel().to_string(), "A maj");

    let c = Key::parse("C maj").expect("parses");
    let rel = compare_key(c, a_min, 0.4);
    assert_eq!(rel.relation, KeyRelation::Relative);
    assert_eq!(
        rel.message(),
        "the audio sounds in A min (the relative minor of the listed C maj), confidence 0.40"
    );
    assert_eq!(
        compare_key(c, Key::new(7, Mode::Major), 1.0).relation,
        KeyRelation::Fifth
    );
    assert_eq!(
        compare_key(c, Key::new(5, Mode::Major), 1.0).relation,
        KeyRelation::Fifth
    );
    assert_eq!(
        compare_key(c, Key::new(0, Mode::Minor), 1.0).relation,
        KeyRelation::Parallel
    );
    assert_eq!(
        compare_key(c, Key::new(2, Mode::Major), 1.0).relation,
        KeyRelation::Mismatch
    );
    assert!(compare_key(c, c, 1.0).agrees());
}

#[test]
fn silence_has_no_key() {
    assert_eq!(detect(&vec![0.0; RATE as usize * 10]).key, None);
}
