//! Decibels. Amplitudes are linear with full scale at 1.0; digital silence is −∞ dB, which
//! callers show as `null` or "-inf".

/// 20·log10 of a linear amplitude; −∞ for zero (or less).
pub fn gain_to_db(linear: f64) -> f64 {
    if linear > 0.0 {
        20.0 * linear.log10()
    } else {
        f64::NEG_INFINITY
    }
}

/// The linear amplitude of `db`.
pub fn db_to_gain(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

/// `db` when it is a number, `None` for silence (−∞) or garbage.
pub fn finite(db: f64) -> Option<f64> {
    db.is_finite().then_some(db)
}

/// Rounded to `decimals` places; infinities and NaN pass through.
pub fn round(x: f64, decimals: i32) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

/// A level as reports show it: dB to 0.01, −∞ for silence.
pub fn level_db(linear: f64) -> f64 {
    round(gain_to_db(linear), 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_trip() {
        assert_eq!(level_db(0.5), -6.02);
        assert_eq!(level_db(0.0), f64::NEG_INFINITY);
        assert_eq!(gain_to_db(0.0), f64::NEG_INFINITY);
        assert_eq!(finite(gain_to_db(0.0)), None);
        assert!((db_to_gain(-6.0206) - 0.5).abs() < 1e-4);
        assert_eq!(round(f64::NEG_INFINITY, 2), f64::NEG_INFINITY);
        assert_eq!(round(1.23456, 3), 1.235);
    }
}
