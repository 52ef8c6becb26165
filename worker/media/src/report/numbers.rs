//! Numbers as a producer reads them: "1,234 frames", "28 ms", "03:30.000", "−0.30 dBFS".
//! They are the audio foundation's, so every message reads them alike.

pub(crate) use trackout_audio::db::{level_db as to_db, round};
pub(crate) use trackout_audio::text::{bytes, clock, rate, span, thousands};

/// "-0.30" or "-inf", for text columns.
pub(crate) fn db_text(db: f64) -> String {
    if db.is_finite() {
        format!("{db:.2}")
    } else {
        "-inf".into()
    }
}
