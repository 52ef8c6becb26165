use trackout_media::music::{MusicAnalyzer, TempoRelation, compare_tempo};

use super::synth::{Feel, drums, mix_into};

const RATE: u32 = 22_050;

/// Runs the analyser over mono audio in 4096-frame blocks, as the check would.
fn detect(audio: &[f32]) -> trackout_media::music::Detected {
    let mut a = MusicAnalyzer::new(RATE, 1);
    for block in audio.chunks(4096) {
        a.add(block);
    }
    a.finish()
}

fn loop_of(bpm: f32, feel: Feel, swing: f32, seconds: f32) -> Vec<f32> {
    let bars = (seconds * bpm / 240.0).ceil() as usize;
    let [k, s, h] = drums(RATE as f32, bpm, bars, feel, swing, bpm as u64);
    let mut out = k;
    mix_into(&mut out, &s, 1.0);
    mix_into(&mut out, &h, 1.0);
    out
}

#[test]
fn clear_drum_loops_from_60_to_180_bpm() {
    let mut doubled = Vec::new();
    for bpm in [
        60.0, 66.0, 72.0, 78.0, 85.0, 97.0, 110.0, 124.0, 138.0, 150.0, 165.0, 178.0,
    ] {
        let d = detect(&loop_of(bpm, Feel::Straight, 0.5, 20.0));
        let cmp = compare_tempo(f64::from(bpm), d.bpm, d.bpm_confidence).expect("a tempo");
        assert!(d.bpm_confidence > 0.0, "{bpm}: {d:?}");
        match cmp.relation {
            TempoRelation::Match => {}
            // At the ends of the range the same groove is also a half-time (60 ↔ 120) or a
            // double-time (178 ↔ 89) reading: which octave a producer lists is a
            // convention, and the check reports it as double or half, not as wrong. Only
            // those two may read so; none from 65 to 170 BPM may.
            TempoRelation::Double if bpm < 65.0 => doubled.push(bpm),
            TempoRelation::Half if bpm > 170.0 => doubled.push(bpm),
            _ => panic!("{bpm} BPM loop detected as {:.2} ({d:?})", d.bpm),
        }
    }
    assert!(doubled.len() <= 2, "read at another octave: {doubled:?}");
}

#[test]
fn a_swung_loop_keeps_its_tempo() {
    for bpm in [88.0, 96.0] {
        let d = detect(&loop_of(bpm, Feel::Straight, 0.64, 20.0));
        let error = (d.bpm / f64::from(bpm) - 1.0).abs();
        assert!(error <= 0.02, "swung {bpm} BPM detected as {:.2}", d.bpm);
    }
}

#[test]
fn a_half_time_feel_is_reported_as_related_not_wrong() {
    for bpm in [140.0, 150.0] {
        let d = detect(&loop_of(bpm, Feel::HalfTime, 0.5, 20.0));
        let cmp = compare_tempo(f64::from(bpm), d.bpm, d.bpm_confidence).expect("a tempo");
        assert!(
            matches!(
                cmp.relation,
                TempoRelation::Match | TempoRelation::Half | TempoRelation::Double
            ),
            "{bpm} BPM half-time read as {:.2}: {cmp:?}",
            d.bpm
        );
        // The octave candidate is offered whichever way it went.
        let other = if cmp.relation == TempoRelation::Match {
            f64::from(bpm) / 2.0
        } else {
            f64::from(bpm)
        };
        assert!(
            d.bpm_alternates
                .iter()
                .any(|(b, _)| (b / other - 1.0).abs() < 0.02),
            "{:?} lacks {other}",
            d.bpm_alternates
        );
    }
}

#[test]
fn silence_and_short_audio_have_no_tempo() {
    assert_eq!(detect(&vec![0.0; RATE as usize * 10]).bpm, 0.0);
    assert_eq!(
        detect(&loop_of(120.0, Feel::Straight, 0.5, 1.0)[..RATE as usize]).bpm,
        0.0
    );
}

#[test]
fn comparison_messages_say_half_and_double() {
    let half = compare_tempo(140.0, 70.2, 0.8).expect("a comparison");
    assert_eq!(half.relation, TempoRelation::Half);
    assert_eq!(
        half.message(),
        "the audio is 70.2 BPM (half of the listed 140), confidence 0.80"
    );
    let double = compare_tempo(70.0, 140.0, 0.5).expect("a comparison");
    assert_eq!(double.relation, TempoRelation::Double);
    assert!(double.message().contains("double the listed 70"));
    assert_eq!(
        compare_tempo(140.0, 141.5, 0.9).map(|c| c.relation),
        Some(TempoRelation::Match)
    );
    assert_eq!(
        compare_tempo(140.0, 120.0, 0.9).map(|c| c.relation),
        Some(TempoRelation::Mismatch)
    );
    assert_eq!(
        compare_tempo(140.0, 93.3, 0.9).map(|c| c.relation),
        Some(TempoRelation::TwoThirds)
    );
    assert!(compare_tempo(140.0, 0.0, 0.0).is_none());
}
