//! Numbers as a producer reads them: "1,234 frames", "28 ms", "03:30.000", "−0.30 dBFS".
//! Counts, sizes and decibels are the audio foundation's, so every message reads them alike.

pub(crate) use trackout_audio::db::{level_db as to_db, round};
pub(crate) use trackout_audio::text::{bytes, thousands};

/// A length as a DAW's clock shows it: "03:30.000" (hours only when needed).
pub(crate) fn clock(seconds: f64) -> String {
    let ms = (seconds.max(0.0) * 1000.0).round() as u64;
    let (h, m, s, ms) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{ms:03}")
    } else {
        format!("{m:02}:{s:02}.{ms:03}")
    }
}

/// A short span in the unit that reads best: "28 ms", "1.250 s", "02:03.456".
pub(crate) fn span(seconds: f64) -> String {
    if seconds < 1.0 {
        format!("{} ms", (seconds * 1000.0).round() as u64)
    } else if seconds < 60.0 {
        format!("{seconds:.3} s")
    } else {
        clock(seconds)
    }
}

/// "-0.30" or "-inf", for text columns.
pub(crate) fn db_text(db: f64) -> String {
    if db.is_finite() {
        format!("{db:.2}")
    } else {
        "-inf".into()
    }
}

/// "44.1 kHz", "48 kHz".
pub(crate) fn rate(hz: u32) -> String {
    if hz.is_multiple_of(1000) {
        format!("{} kHz", hz / 1000)
    } else {
        format!("{:.1} kHz", f64::from(hz) / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_a_daw() {
        assert_eq!(thousands(1_234), "1,234");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(clock(210.0), "03:30.000");
        assert_eq!(clock(3_725.5), "1:02:05.500");
        assert_eq!(span(0.028), "28 ms");
        assert_eq!(span(1.25), "1.250 s");
        assert_eq!(to_db(0.5), -6.02);
        assert_eq!(to_db(0.0), f64::NEG_INFINITY);
        assert_eq!(bytes(8 << 30), "8 GiB");
        assert_eq!(rate(44_100), "44.1 kHz");
        assert_eq!(rate(48_000), "48 kHz");
    }
}
