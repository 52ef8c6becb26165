//! The bundle's files for people: `README.txt` for the engineer and `cue_sheet.csv`, both
//! with CRLF line ends (Notepad and Excel read them as they are).

use std::fmt::Write as _;

use trackout_audio::wav::WavInfo;

use super::SplitParty;
use super::sources::StemSource;
use crate::meta::BeatMeta;

pub(crate) const README: &str = "README.txt";
pub(crate) const CUE_SHEET: &str = "cue_sheet.csv";
pub(crate) const MANIFEST: &str = "manifest.json";

/// "3:30.000"
fn clock(seconds: f64) -> String {
    let ms = (seconds * 1000.0).round() as u64;
    format!("{}:{:02}.{:03}", ms / 60_000, ms / 1000 % 60, ms % 1000)
}

fn format_of(info: &WavInfo) -> String {
    let f = &info.format;
    let kind = match (f.sample_format.as_str(), f.channels) {
        ("float", 1) => "float, mono".to_string(),
        ("float", 2) => "float, stereo".to_string(),
        (_, 1) => "mono".to_string(),
        (_, 2) => "stereo".to_string(),
        (_, n) => format!("{n} channels"),
    };
    format!(
        "{:.1} kHz, {}-bit {kind}",
        f64::from(f.sample_rate) / 1000.0,
        f.bits_per_sample
    )
}

fn writers_line(meta: &BeatMeta) -> (String, String) {
    let names = meta
        .writers
        .iter()
        .map(|w| match &w.role {
            Some(role) if !role.trim().is_empty() => format!("{} ({})", w.name.trim(), role.trim()),
            _ => w.name.trim().to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    let splits = meta
        .writers
        .iter()
        .filter_map(|w| {
            w.split_percent
                .map(|s| format!("{} {}%", w.name.trim(), trim_float(f64::from(s))))
        })
        .collect::<Vec<_>>()
        .join("; ");
    (names, splits)
}

fn trim_float(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

pub(crate) fn readme(
    meta: &BeatMeta,
    folder: &str,
    stems: &[(StemSource, WavInfo)],
    isrc: Option<&str>,
) -> Vec<u8> {
    let mut t = String::new();
    let _ = writeln!(t, "{} - {}", meta.producer.trim(), meta.title.trim());
    let _ = writeln!(
        t,
        "{}",
        "=".repeat(meta.producer.trim().chars().count() + meta.title.trim().chars().count() + 3)
    );
    let _ = writeln!(
        t,
        "Trackout: {} stems, {}",
        stems.len(),
        meta.tempo_and_key()
    );
    if !meta.genre.trim().is_empty() {
        let _ = writeln!(t, "Genre: {}", meta.genre.trim());
    }
    if let Some(isrc) = isrc {
        let _ = writeln!(t, "ISRC: {isrc}");
    }
    let (writers, splits) = writers_line(meta);
    if !writers.is_empty() {
        let _ = writeln!(t, "Writers: {writers}");
    }
    if !splits.is_empty() {
        let _ = writeln!(t, "Splits: {splits}");
    }
    let _ = writeln!(t);
    let _ = writeln!(t, "HOW TO IMPORT");
    let _ = writeln!(
        t,
        "Set your session to {} BPM, then import every WAV in this folder at bar 1",
        meta.bpm
    );
    let _ = writeln!(
        t,
        "(the very start of the session, 0:00). Every stem starts at zero; do not"
    );
    let _ = writeln!(t, "trim or nudge them, and they line up sample for sample.");
    let mut formats: Vec<String> = stems.iter().map(|(_, i)| format_of(i)).collect();
    formats.dedup();
    if formats.len() == 1 {
        let _ = writeln!(
            t,
            "All stems: {}. Set the session to this rate before importing.",
            formats[0]
        );
    } else {
        let _ = writeln!(
            t,
            "The stems differ in format (listed below); set the session to the highest rate."
        );
    }
    let _ = writeln!(t);
    let _ = writeln!(t, "STEMS");
    for (stem, info) in stems {
        let _ = writeln!(
            t,
            "  {}  [{}]  {}  {}",
            stem.file_name,
            stem.role,
            clock(info.duration_seconds()),
            format_of(info)
        );
    }
    let _ = writeln!(t);
    let _ = writeln!(t, "ALSO IN THIS FOLDER");
    let _ = writeln!(
        t,
        "  {CUE_SHEET}  every stem with its role, length, ISRC, writers and splits"
    );
    let _ = writeln!(
        t,
        "  {MANIFEST}  size, SHA-256, format, peak and loudness of every file:"
    );
    let _ = writeln!(
        t,
        "    check a download with `shasum -a 256 <file>` (macOS, Linux) or"
    );
    let _ = writeln!(t, "    `certutil -hashfile <file> SHA256` (Windows)");
    let _ = writeln!(t);
    let _ = writeln!(
        t,
        "Each WAV carries the beat's title, producer, ISRC and its role as BWF (bext),"
    );
    let _ = writeln!(
        t,
        "RIFF INFO and EBU Tech 3352 (axml) metadata; the audio is exactly as delivered."
    );
    if !meta.license_note.trim().is_empty() {
        let _ = writeln!(t);
        let _ = writeln!(t, "{}", meta.license_note.trim());
    }
    let _ = writeln!(t);
    let _ = writeln!(t, "Folder: {folder}");
    t.replace('\n', "\r\n").into_bytes()
}

/// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub(crate) fn cue_sheet(
    meta: &BeatMeta,
    stems: &[(StemSource, WavInfo)],
    isrc: Option<&str>,
) -> Vec<u8> {
    let (writers, splits) = writers_line(meta);
    let mut t = String::from(
        "stem,file,role,duration,duration_seconds,sample_rate,bit_depth,isrc,writers,splits\r\n",
    );
    for (stem, info) in stems {
        let row = [
            stem.name.clone(),
            stem.file_name.clone(),
            stem.role.to_string(),
            clock(info.duration_seconds()),
            format!("{:.6}", info.duration_seconds()),
            info.format.sample_rate.to_string(),
            info.format.bits_per_sample.to_string(),
            isrc.unwrap_or("").to_string(),
            writers.clone(),
            splits.clone(),
        ];
        let line: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        t.push_str(&line.join(","));
        t.push_str("\r\n");
    }
    t.into_bytes()
}

/// Reads back a CSV this module wrote (RFC 4180, CRLF): rows of fields.
fn parse_csv(text: &str) -> Option<Vec<Vec<String>>> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return None;
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Some(rows)
}

/// The base cue sheet with its `writers` and `splits` columns set to one purchase's parties
/// as frozen at checkout (a buyer's bundle credits the split that sale was made with).
pub(crate) fn cue_sheet_with_splits(base: &[u8], parties: &[SplitParty]) -> Option<Vec<u8>> {
    let mut rows = parse_csv(std::str::from_utf8(base).ok()?)?;
    let header = rows.first()?.clone();
    let writers_at = header.iter().position(|h| h == "writers")?;
    let splits_at = header.iter().position(|h| h == "splits")?;
    let writers = parties
        .iter()
        .map(|p| format!("{} ({})", p.name.trim(), p.role.trim()))
        .collect::<Vec<_>>()
        .join("; ");
    let splits = parties
        .iter()
        .map(|p| {
            format!(
                "{} {}% profit, {}% publishing",
                p.name.trim(),
                p.profit_percent,
                p.publishing_percent
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut t = String::new();
    for (i, row) in rows.iter_mut().enumerate() {
        if i > 0 && row.len() == header.len() {
            row[writers_at] = writers.clone();
            row[splits_at] = splits.clone();
        }
        let line: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        t.push_str(&line.join(","));
        t.push_str("\r\n");
    }
    Some(t.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_purchase_split_replaces_the_writers_and_splits_columns() {
        let base = "stem,file,writers,splits\r\nKick,\"Kick, 1.wav\",Old,Old 100%\r\n";
        let parties = [
            SplitParty {
                name: "Metro".into(),
                role: "producer".into(),
                profit_percent: "66.67".into(),
                publishing_percent: "50".into(),
            },
            SplitParty {
                name: "Kato, Jr.".into(),
                role: "co-producer".into(),
                profit_percent: "33.33".into(),
                publishing_percent: "50".into(),
            },
        ];
        let out =
            String::from_utf8(cue_sheet_with_splits(base.as_bytes(), &parties).unwrap()).unwrap();
        assert_eq!(
            out,
            "stem,file,writers,splits\r\nKick,\"Kick, 1.wav\",\"Metro (producer); Kato, Jr. (co-producer)\",\"Metro 66.67% profit, 50% publishing; Kato, Jr. 33.33% profit, 50% publishing\"\r\n"
        );
        assert!(cue_sheet_with_splits(b"stem\r\n\"open", &parties).is_none());
    }

    #[test]
    fn clock_and_csv_quoting() {
        assert_eq!(clock(210.0), "3:30.000");
        assert_eq!(clock(59.9996), "1:00.000");
        assert_eq!(csv_field("Kato, Jr."), "\"Kato, Jr.\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(trim_float(50.0), "50");
        assert_eq!(trim_float(33.33), "33.33");
    }
}
