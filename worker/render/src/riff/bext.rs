//! The BWF `bext` chunk (EBU Tech 3285 version 2): 602 fixed bytes, then the coding history.
//!
//! Title, producer, tempo, key, role and ISRC go in Description (ASCII, 256 bytes), the
//! producer in Originator, and an EBU R 99 unique source identifier in OriginatorReference.
//! R 99 defines that field's 32 characters (country, organisation, serial, time, random), so
//! the ISRC does not go there: it goes in `axml` (EBU Tech 3352), in the INFO `ISRC` item and,
//! readable by people in BWF MetaEdit, at the end of Description.
//!
//! What the source's own `bext` says about when and where the audio was made
//! (OriginationDate/Time, TimeReference: a DAW's stem spot position) is kept, and its coding
//! history is extended, not replaced.

use sha2::{Digest, Sha256};

use super::Tagging;
use super::text::{ascii_fold, get_field, put_field};
use crate::error::RenderError;

const FIXED: usize = 602;
/// A coding history longer than this is from a broken writer; it is dropped, not carried.
const MAX_HISTORY: usize = 64 * 1024;
/// "Not measured", per EBU Tech 3285 v2 and as BWF MetaEdit reads it.
const UNSET: i16 = 0x7FFF;

/// Loudness of the audio per EBU R 128, for version 2's fields.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct BextLoudness {
    pub integrated_lufs: Option<f64>,
    pub range_lu: Option<f64>,
    pub true_peak_dbtp: Option<f64>,
    pub max_momentary_lufs: Option<f64>,
    pub max_short_term_lufs: Option<f64>,
}

/// What a source `bext` said that still holds after tagging.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Kept {
    date: String,
    time: String,
    time_reference: u64,
    history: String,
}

impl Kept {
    pub fn parse(payload: &[u8]) -> Self {
        if payload.len() < 346 {
            return Kept::default();
        }
        let mut tr = [0u8; 8];
        tr.copy_from_slice(&payload[338..346]);
        let history = if payload.len() > FIXED && payload.len() - FIXED <= MAX_HISTORY {
            let raw = &payload[FIXED..];
            let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
            // Lines end in CR LF (EBU R 98); other control bytes and non-ASCII are dropped.
            raw[..end]
                .iter()
                .filter(|&&b| b.is_ascii() && (!b.is_ascii_control() || b == b'\r' || b == b'\n'))
                .map(|&b| b as char)
                .collect()
        } else {
            String::new()
        };
        Kept {
            date: get_field(&payload[320..330]),
            time: get_field(&payload[330..338]),
            time_reference: u64::from_le_bytes(tr),
            history,
        }
    }
}

pub(crate) fn bext_payload(t: &Tagging<'_>) -> Result<Vec<u8>, RenderError> {
    let meta = t.meta;
    let isrc = meta.isrc_code()?;
    let kept = t
        .source_bext
        .as_deref()
        .map(Kept::parse)
        .unwrap_or_default();
    let mut out = Vec::with_capacity(FIXED + 128);
    put_field(&mut out, &description(t, isrc.as_deref()), 256);
    put_field(&mut out, meta.producer.trim(), 32);
    put_field(&mut out, &usid(t, isrc.as_deref()), 32);
    put_field(&mut out, &kept.date, 10);
    put_field(&mut out, &kept.time, 8);
    out.extend_from_slice(&kept.time_reference.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.resize(out.len() + 64, 0); // UMID: none; a made-up one would claim a capture it was not.
    let l = t.loudness.unwrap_or_default();
    for value in [
        l.integrated_lufs,
        l.range_lu,
        l.true_peak_dbtp,
        l.max_momentary_lufs,
        l.max_short_term_lufs,
    ] {
        out.extend_from_slice(&centi(value).to_le_bytes());
    }
    out.resize(FIXED, 0); // Reserved
    let mut history = kept.history;
    if !history.is_empty() && !history.ends_with("\r\n") {
        history.push_str("\r\n");
    }
    history.push_str(&coding_line(t));
    out.extend_from_slice(ascii_fold(&history).as_bytes());
    // Even length, so readers that forget RIFF's pad byte (hound) stay in step.
    if out.len() % 2 == 1 {
        out.push(0);
    }
    Ok(out)
}

/// A loudness value in hundredths, as the chunk stores it; unset when unknown or silent.
fn centi(value: Option<f64>) -> i16 {
    match value {
        Some(v) if v.is_finite() && (-327.0..=327.0).contains(&v) => (v * 100.0).round() as i16,
        _ => UNSET,
    }
}

/// "Night Drive by Kato - 140 BPM, A min - kick stem. ISRC: USABC2400001"
fn description(t: &Tagging<'_>, isrc: Option<&str>) -> String {
    let meta = t.meta;
    let mut s = format!(
        "{} by {} - {}",
        meta.title.trim(),
        meta.producer.trim(),
        meta.tempo_and_key()
    );
    if let Some(role) = t.role {
        s.push_str(&format!(" - {role} stem"));
    }
    s.push('.');
    if let Some(isrc) = isrc {
        // At the end, so a long title is what gets cut, never the code.
        let room = 256usize.saturating_sub(" ISRC: ".len() + isrc.len());
        s = ascii_fold(&s).chars().take(room).collect();
        s.push_str(&format!(" ISRC: {isrc}"));
    }
    s
}

/// An EBU R 99 USID: country (the ISRC's, else XX), organisation (TRK), a 12-character
/// serial and 9 "random" digits from a hash of the beat and stem (so the same inputs give the
/// same bytes), and the origination time.
fn usid(t: &Tagging<'_>, isrc: Option<&str>) -> String {
    let mut hash = Sha256::new();
    for part in [
        t.meta.producer.as_str(),
        t.meta.title.as_str(),
        isrc.unwrap_or(""),
        t.role.unwrap_or(""),
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let serial: String = hex::encode_upper(&digest[..6]);
    let random = u64::from_le_bytes(digest[8..16].try_into().unwrap_or_default()) % 1_000_000_000;
    let country = isrc.map_or("XX", |i| &i[..2]);
    format!("{country}TRK{serial}000000{random:09}")
}

/// An EBU R 98 coding history line for this step.
fn coding_line(t: &Tagging<'_>) -> String {
    let f = &t.format;
    let mode = match f.channels {
        1 => "mono",
        2 => "stereo",
        _ => "multichannel",
    };
    format!(
        "A=PCM,F={},W={},M={mode},T=Trackout metadata; audio unchanged\r\n",
        f.sample_rate, f.valid_bits
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loudness_fields_are_hundredths_or_unset() {
        assert_eq!(centi(Some(-14.234)), -1423);
        assert_eq!(centi(Some(f64::NEG_INFINITY)), UNSET);
        assert_eq!(centi(None), UNSET);
    }
}
