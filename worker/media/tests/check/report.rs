//! The report as the worker stores it and as a producer reads it.

use trackout_media::{FindingCode, Report, StemRole};

use crate::fixtures::{Folder, Wav, tone};

const FRAMES: usize = 8_820;

fn messy_trackout() -> Folder {
    let short = Wav::stem(FRAMES - 441).bytes();
    let silent = Wav::int(24, 2, 44_100, vec![0.0; FRAMES * 2]).bytes();
    Folder::new()
        .add("Drums/Kick.wav", &Wav::stem(FRAMES).bytes())
        .add("Drums/Hats.wav", &short)
        .add("FX Riser.wav", &silent)
        .add("Audio 01.wav", &Wav::stem(FRAMES).bytes())
        .add(
            "Master.wav",
            &Wav::int(24, 2, 44_100, tone(44_100, 2, 440.0, 0.3, 44_100)).bytes(),
        )
        .add("cover.png", b"\x89PNG")
}

#[test]
fn the_json_has_the_documented_shape_and_round_trips() {
    let report = messy_trackout().check();
    let json = serde_json::to_value(&report).expect("serialises");
    assert_eq!(json["passes"], false);
    let stem = &json["stems"][0];
    for key in [
        "name",
        "path",
        "role",
        "sample_rate",
        "bit_depth",
        "sample_format",
        "channels",
        "frames",
        "duration_seconds",
        "peak_dbfs",
        "rms_dbfs",
    ] {
        assert!(stem.get(key).is_some(), "stem field {key} missing: {stem}");
    }
    for key in [
        "integrated_lufs",
        "loudness_range_lu",
        "true_peak_dbtp",
        "sample_peak_dbfs",
    ] {
        assert!(
            json["master"][key].is_number(),
            "master field {key}: {}",
            json["master"]
        );
    }
    let finding = &json["findings"][0];
    assert_eq!(finding["code"], "length_mismatch");
    assert_eq!(finding["level"], "error");
    assert_eq!(finding["stem"], "Drums/Hats.wav");
    assert!(
        finding["message"]
            .as_str()
            .is_some_and(|m| m.contains("441 frames (10 ms)"))
    );
    // Digital silence has no finite dB value: null in JSON, −∞ once read back.
    let riser = json["stems"]
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["name"] == "FX Riser")
        .expect("riser");
    assert!(riser["peak_dbfs"].is_null());
    let back: Report = serde_json::from_value(json).expect("deserialises");
    assert_eq!(back, report);
}

#[test]
fn stems_are_sorted_by_path_and_findings_errors_first() {
    let report = messy_trackout().check();
    let paths: Vec<&str> = report.stems.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "Audio 01.wav",
            "Drums/Hats.wav",
            "Drums/Kick.wav",
            "FX Riser.wav"
        ]
    );
    let codes: Vec<FindingCode> = report.findings.iter().map(|f| f.code).collect();
    assert_eq!(
        codes,
        // The 440 Hz master is not made of these 220 Hz stems.
        vec![
            FindingCode::LengthMismatch,
            FindingCode::MasterMismatch,
            FindingCode::SilentStem,
            FindingCode::GenericName
        ]
    );
    let roles: Vec<StemRole> = report.stems.iter().map(|s| s.role).collect();
    assert_eq!(
        roles,
        vec![
            StemRole::Other,
            StemRole::Hats,
            StemRole::Kick,
            StemRole::Fx
        ]
    );
    assert_eq!(report.other_files, vec!["cover.png"]);
    // The same input gives the same report, byte for byte, whatever the thread timing.
    let again = messy_trackout().check();
    assert_eq!(
        serde_json::to_string(&report).ok(),
        serde_json::to_string(&again).ok()
    );
}

#[test]
fn the_text_report_reads_like_a_track_sheet() {
    let text = messy_trackout().check().render_text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Trackout check: Night Drive Stems");
    let kick = lines
        .iter()
        .find(|l| l.trim_start().starts_with("Kick"))
        .expect("a Kick line");
    for part in [
        "kick",
        "44.1 kHz",
        "24-bit int",
        "stereo",
        "00:00.200",
        "peak",
        "-6.02 dBFS",
        "RMS",
    ] {
        assert!(kick.contains(part), "{part:?} missing from {kick:?}");
    }
    assert!(text.contains("master") && text.contains("LUFS") && text.contains("dBTP"));
    let error_at = text
        .find("error    length_mismatch")
        .expect("the error line");
    let warning_at = text.find("warning  silent_stem").expect("a warning line");
    assert!(error_at < warning_at, "errors come first:\n{text}");
    assert!(
        lines.last().is_some_and(
            |l| l.starts_with("FAIL: 2 errors, 2 warnings (4 stems checked and the master)")
        ),
        "{text}"
    );
}
