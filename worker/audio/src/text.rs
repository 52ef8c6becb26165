//! Counts, sizes, lengths and rates as a producer reads them in a message: "1,234", "8 GiB",
//! "03:30.000", "28 ms", "44.1 kHz".

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes in binary units, for limits: "8 GiB", "512 MiB", "97.7 KiB".
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || value.fract() == 0.0 {
        format!("{} {}", value as u64, UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A length as a DAW's clock shows it: "03:30.000" (hours only when needed).
pub fn clock(seconds: f64) -> String {
    let ms = (seconds.max(0.0) * 1000.0).round() as u64;
    let (h, m, s, ms) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{ms:03}")
    } else {
        format!("{m:02}:{s:02}.{ms:03}")
    }
}

/// A short span in the unit that reads best: "28 ms", "1.250 s", "02:03.456".
pub fn span(seconds: f64) -> String {
    if seconds < 1.0 {
        format!("{} ms", (seconds * 1000.0).round() as u64)
    } else if seconds < 60.0 {
        format!("{seconds:.3} s")
    } else {
        clock(seconds)
    }
}

/// "44.1 kHz", "48 kHz".
pub fn rate(hz: u32) -> String {
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
    fn numbers_read_like_words() {
        assert_eq!(thousands(1_234), "1,234");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(bytes(8 << 30), "8 GiB");
        assert_eq!(bytes(100_000), "97.7 KiB");
        assert_eq!(clock(210.0), "03:30.000");
        assert_eq!(clock(3_725.5), "1:02:05.500");
        assert_eq!(span(0.028), "28 ms");
        assert_eq!(span(1.25), "1.250 s");
        assert_eq!(span(123.456), "02:03.456");
        assert_eq!(rate(44_100), "44.1 kHz");
        assert_eq!(rate(48_000), "48 kHz");
    }
}
