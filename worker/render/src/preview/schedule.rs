//! Where the tag goes and how the end fades: pure functions of the settings and lengths, so
//! the same inputs always give the same preview.

/// Start frames of every tag: `offset`, then every `interval`, while inside the preview.
pub(crate) fn tag_starts(offset_s: f64, interval_s: f64, length: u64, rate: u32) -> Vec<u64> {
    let rate = f64::from(rate);
    (0u64..)
        // Each start from its own multiple: no drift from adding up rounded intervals.
        .map(|k| ((offset_s + k as f64 * interval_s) * rate).round() as u64)
        .take_while(|&start| start < length)
        .collect()
}

/// Gain at frame `pos` of a preview `length` frames long whose last `fade` frames fade out
/// on a raised cosine (smooth at both ends, no click where it starts).
pub(crate) fn fade_gain(pos: u64, length: u64, fade: u64) -> f32 {
    if fade == 0 || pos + fade < length {
        return 1.0;
    }
    let into = (pos + fade - length) as f64 + 0.5;
    let x = (into / fade as f64).min(1.0);
    (0.5 * (1.0 + (std::f64::consts::PI * x).cos())) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_start_at_the_offset_then_every_interval() {
        assert_eq!(
            tag_starts(0.0, 20.0, 44_100 * 61, 44_100),
            vec![0, 882_000, 1_764_000, 2_646_000]
        );
        assert_eq!(
            tag_starts(5.0, 20.0, 44_100 * 45, 44_100),
            vec![220_500, 1_102_500]
        );
        assert!(tag_starts(5.0, 20.0, 44_100 * 4, 44_100).is_empty());
    }

    #[test]
    fn the_fade_runs_from_one_to_zero_over_its_length() {
        let (length, fade) = (1_000, 100);
        assert_eq!(fade_gain(0, length, fade), 1.0);
        assert_eq!(fade_gain(899, length, fade), 1.0);
        assert!(fade_gain(900, length, fade) > 0.99);
        assert!((fade_gain(950, length, fade) - 0.5).abs() < 0.02);
        assert!(fade_gain(999, length, fade) < 0.001);
        assert_eq!(fade_gain(500, length, 0), 1.0);
    }
}
