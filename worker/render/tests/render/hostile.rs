//! Broken and hostile inputs: a clear error with a stable code, never a panic.

use std::io::Cursor;

use trackout_render::{
    CheckLimits, PreviewSettings, build_bundle, render_mp3_lease, render_preview, render_wav_lease,
    tag_stem, waveform_peaks,
};

use crate::helpers::*;

fn all_renders_fail_with(master: &std::path::Path, dir: &TestDir, code: &str) {
    let m = meta();
    let errs = [
        render_mp3_lease(master, &m, &dir.path("a.mp3")).unwrap_err(),
        render_wav_lease(master, &m, &dir.path("a.wav")).unwrap_err(),
        render_preview(
            master,
            None,
            &PreviewSettings::default(),
            &dir.path("p.mp3"),
        )
        .unwrap_err(),
    ];
    for e in errs {
        assert_eq!(e.code(), code, "{e}");
        assert!(
            e.to_string().contains("the master"),
            "the error names the input: {e}"
        );
    }
}

#[test]
fn a_truncated_master_is_refused() {
    let dir = TestDir::new();
    let master = dir.path("master.wav");
    quiet_master(&master, 44_100, 2.0);
    let bytes = std::fs::read(&master).unwrap();
    std::fs::write(&master, &bytes[..bytes.len() / 2]).unwrap();
    all_renders_fail_with(&master, &dir, "truncated");
    // A stream cut mid-audio is found while copying.
    let err = tag_stem(
        &mut Cursor::new(&bytes[..bytes.len() / 2]),
        &mut Vec::new(),
        &meta(),
        "kick",
    )
    .unwrap_err();
    assert_eq!(err.code(), "truncated", "{err}");
}

#[test]
fn a_master_that_is_not_a_wav_is_refused() {
    let dir = TestDir::new();
    let master = dir.path("master.wav");
    std::fs::write(
        &master,
        b"ID3\x04\x00\x00\x00\x00\x00\x00 an mp3 posing as a wav",
    )
    .unwrap();
    all_renders_fail_with(&master, &dir, "not_wav");
    std::fs::write(&master, b"").unwrap();
    all_renders_fail_with(&master, &dir, "not_wav");
}

#[test]
fn an_unsupported_format_is_refused() {
    let dir = TestDir::new();
    let master = dir.path("master.wav");
    // IMA ADPCM (format tag 0x0011).
    let mut wav =
        b"RIFF\x00\x00\x00\x00WAVEfmt \x14\x00\x00\x00\x11\x00\x02\x00\x44\xac\x00\x00".to_vec();
    wav.extend([
        0x00, 0x70, 0x00, 0x00, 0x00, 0x04, 0x04, 0x00, 0x02, 0x00, 0xf9, 0x07,
    ]);
    wav.extend(b"data\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    let len = (wav.len() - 8) as u32;
    wav[4..8].copy_from_slice(&len.to_le_bytes());
    std::fs::write(&master, &wav).unwrap();
    all_renders_fail_with(&master, &dir, "bad_format");
}

#[test]
fn a_garbage_voice_tag_or_waveform_input_is_refused() {
    let dir = TestDir::new();
    let (master, tag) = (dir.path("master.wav"), dir.path("tag.mp3"));
    quiet_master(&master, 44_100, 1.0);
    std::fs::write(&tag, vec![0x55u8; 5000]).unwrap();
    let err = render_preview(
        &master,
        Some(&tag),
        &PreviewSettings::default(),
        &dir.path("p.mp3"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "unsupported", "{err}");
    assert_eq!(
        waveform_peaks(&tag, &dir.path("w.json"))
            .unwrap_err()
            .code(),
        "unsupported"
    );
    let missing = dir.path("nope.wav");
    assert_eq!(
        render_mp3_lease(&missing, &meta(), &dir.path("x.mp3"))
            .unwrap_err()
            .code(),
        "io"
    );
}

#[test]
fn a_bad_isrc_or_an_empty_trackout_is_refused() {
    let dir = TestDir::new();
    let master = dir.path("master.wav");
    quiet_master(&master, 44_100, 1.0);
    let m = trackout_render::BeatMeta {
        isrc: Some("not-an-isrc".into()),
        ..meta()
    };
    assert_eq!(
        render_wav_lease(&master, &m, &dir.path("x.wav"))
            .unwrap_err()
            .code(),
        "invalid"
    );
    let empty = dir.path("empty");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("notes.txt"), b"hi").unwrap();
    assert_eq!(
        build_bundle(&empty, &meta(), &CheckLimits::default(), &dir.path("b.zip"))
            .unwrap_err()
            .code(),
        "invalid"
    );
    // A stem that is really a text file stops the bundle with the stem's name in the error.
    std::fs::write(empty.join("Kick.wav"), b"hello").unwrap();
    let err =
        build_bundle(&empty, &meta(), &CheckLimits::default(), &dir.path("b.zip")).unwrap_err();
    assert_eq!(err.code(), "not_wav");
    assert!(err.to_string().contains("Kick.wav"), "{err}");
}

#[test]
fn a_stem_cut_short_fails_the_bundle_with_its_name() {
    let dir = TestDir::new();
    let folder = crate::bundle::trackout_folder(&dir, 1.0);
    // Its header still claims a second of audio; the file now ends halfway through it.
    let kick = folder.join("Kick.wav");
    let bytes = std::fs::read(&kick).unwrap();
    std::fs::write(&kick, &bytes[..bytes.len() / 2]).unwrap();
    let err = build_bundle(
        &folder,
        &meta(),
        &CheckLimits::default(),
        &dir.path("b.zip"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "truncated", "{err}");
    assert!(err.to_string().contains("Kick.wav"), "{err}");
}
