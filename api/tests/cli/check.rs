use std::process::Command;

use serde_json::Value;

use crate::{write_mix, write_stem};

fn trackout() -> Command {
    Command::new(env!("CARGO_BIN_EXE_trackout"))
}

#[test]
fn a_clean_trackout_passes_with_exit_status_0() {
    let dir = tempfile::tempdir().unwrap();
    for (name, freq) in [
        ("Kick.wav", 55.0),
        ("808.wav", 41.0),
        ("Hi Hats.wav", 9000.0),
    ] {
        write_stem(&dir.path().join(name), 0.5, freq);
    }
    let elsewhere = tempfile::tempdir().unwrap();
    let master = elsewhere.path().join("Night (Master).wav");
    write_mix(&master, 0.5, &[55.0, 41.0, 9000.0]);
    let out = trackout()
        .arg("check")
        .arg(dir.path())
        .arg("--master")
        .arg(&master)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in ["Kick", "808", "Hi Hats"] {
        assert!(text.contains(name), "the report lists {name}:\n{text}");
    }
    assert!(
        text.contains("LUFS"),
        "the master's loudness is reported:\n{text}"
    );
}

#[test]
fn errors_exit_1_and_json_carries_the_report() {
    let dir = tempfile::tempdir().unwrap();
    write_stem(&dir.path().join("Kick.wav"), 0.5, 55.0);
    write_stem(&dir.path().join("Piano.wav"), 0.4, 440.0);
    let out = trackout().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("length_mismatch"));

    let out = trackout()
        .arg("check")
        .arg("--json")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON only");
    assert_eq!(report["passes"], false);
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "length_mismatch" && f["stem"] == "Piano.wav")
    );
}

#[test]
fn a_check_that_cannot_run_exits_2() {
    let out = trackout()
        .arg("check")
        .arg("/no/such/trackout.zip")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.is_empty(), "it says why");
    let out = trackout().arg("check").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a missing argument is a usage error"
    );
}

#[test]
fn a_listing_that_is_not_a_key_or_a_tempo_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write_stem(&dir.path().join("Kick.wav"), 0.5, 55.0);
    for args in [["--key", "H moll"], ["--bpm", "-4"]] {
        let out = trackout()
            .arg("check")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "it says why");
    }
    let out = trackout()
        .arg("check")
        .arg(dir.path())
        .args(["--key", "A min", "--bpm", "140"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "a listing is accepted");
}
