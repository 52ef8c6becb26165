//! Codes about the trackout's files: paths, archive, formats.

use trackout_media::CheckLimits;
use trackout_media::FindingCode::*;

use super::{FRAMES, finding_for, stem};
use crate::fixtures::{Folder, Sandbox, Wav, Zip, assert_findings, finding, tone};

#[test]
fn unsafe_path_for_an_entry_climbing_out() {
    let zip = Zip::new()
        .add("Kick.wav", &stem())
        .add("../Snare.wav", &stem())
        .bytes();
    let report = Sandbox::new(&zip).check();
    assert_findings(&report, &[(UnsafePath, Some("../Snare.wav"))]);
    assert_eq!(
        report.stems.len(),
        1,
        "the refused entry is not read as a stem"
    );
}

#[test]
fn archive_too_large_past_the_entry_count() {
    let mut zip = Zip::new();
    for name in ["Kick", "Snare", "Hats", "Bass"] {
        zip = zip.add(&format!("{name}.wav"), &stem());
    }
    let limits = CheckLimits {
        max_entries: 3,
        ..CheckLimits::default()
    };
    let report = Sandbox::new(&zip.bytes()).check_with(&limits);
    assert_findings(&report, &[(ArchiveTooLarge, None)]);
    assert!(report.stems.is_empty());
}

#[test]
fn archive_too_large_for_a_stem_past_the_longest_allowed() {
    let long = Wav::stem(2 * 44_100).bytes();
    let folder = Folder::new().add("Kick.wav", &long).add("Snare.wav", &long);
    let limits = CheckLimits {
        max_stem_seconds: 1,
        ..CheckLimits::default()
    };
    let report = folder.check_with(&limits);
    assert_findings(
        &report,
        &[
            (ArchiveTooLarge, Some("Kick.wav")),
            (ArchiveTooLarge, Some("Snare.wav")),
        ],
    );
    assert!(
        finding_for(&report, "Kick.wav")
            .message
            .contains("00:02.000")
    );
}

#[test]
fn corrupt_archive_for_a_bad_crc() {
    let mut zip = Zip::new()
        .add("Kick.wav", &stem())
        .add("Snare.wav", &stem())
        .bytes();
    // Flip a sample byte inside the first stored entry: its CRC no longer matches.
    let (locals, _) = crate::fixtures::headers(&zip);
    zip[locals[0] + 30 + "Kick.wav".len() + 200] ^= 0xFF;
    let report = Sandbox::new(&zip).check();
    assert_findings(&report, &[(CorruptArchive, Some("Kick.wav"))]);
    assert_eq!(report.stems.len(), 1);
}

#[test]
fn no_stems_in_a_folder_of_paperwork() {
    let report = Folder::new()
        .add("readme.txt", b"stems coming soon")
        .check();
    assert_findings(&report, &[(NoStems, None)]);
    assert!(finding(&report, NoStems).message.contains("readme.txt"));
    assert_eq!(report.other_files, vec!["readme.txt"]);
}

#[test]
fn not_wav_for_an_mp3_posing_as_a_stem() {
    let mp3 = [
        b"ID3\x04\0\0\0\0\0\x0a".as_slice(),
        &[0xFF, 0xFB, 0x90, 0x64],
        &[0u8; 400],
    ]
    .concat();
    let aiff = [b"FORM\0\0\0\x40AIFFCOMM".as_slice(), &[0u8; 60]].concat();
    let report = Folder::new()
        .add("Kick.wav", &stem())
        .add("Snare.wav", &mp3)
        .add("Pad.aif", &aiff)
        .check();
    assert_findings(
        &report,
        &[(NotWav, Some("Snare.wav")), (NotWav, Some("Pad.aif"))],
    );
    assert!(finding_for(&report, "Snare.wav").message.contains("MP3"));
    assert!(finding_for(&report, "Pad.aif").message.contains("AIFF"));
}

#[test]
fn truncated_when_the_data_chunk_claims_more_than_the_file_holds() {
    let mut cut = stem();
    cut.truncate(cut.len() / 2);
    // The same cut stem in a folder (length known up front) and in an intact zip (found
    // while streaming).
    let report = Folder::new()
        .add("Kick.wav", &stem())
        .add("Snare.wav", &cut)
        .check();
    assert_findings(&report, &[(Truncated, Some("Snare.wav"))]);
    let zip = Zip::new()
        .add("Kick.wav", &stem())
        .add("Snare.wav", &cut)
        .bytes();
    assert_findings(
        &Sandbox::new(&zip).check(),
        &[(Truncated, Some("Snare.wav"))],
    );
}

#[test]
fn bad_format_for_impossible_or_unsupported_headers() {
    let mut no_channels = Wav::stem(FRAMES);
    no_channels.channels = 0;
    no_channels.block_align = Some(6);
    let mut zero_hz = Wav::stem(FRAMES);
    zero_hz.rate = 0;
    let mut bad_align = Wav::stem(FRAMES);
    bad_align.block_align = Some(4);
    let mut adpcm = Wav::int(16, 2, 44_100, tone(FRAMES, 2, 220.0, 0.5, 44_100));
    adpcm.format_tag = 2;
    let report = Folder::new()
        .add("Kick.wav", &stem())
        .add("Snare.wav", &no_channels.bytes())
        .add("Hats.wav", &zero_hz.bytes())
        .add("Bass.wav", &bad_align.bytes())
        .add("Keys.wav", &adpcm.bytes())
        .check();
    assert_findings(
        &report,
        &[
            (BadFormat, Some("Snare.wav")),
            (BadFormat, Some("Hats.wav")),
            (BadFormat, Some("Bass.wav")),
            (BadFormat, Some("Keys.wav")),
        ],
    );
    assert!(
        finding_for(&report, "Snare.wav")
            .message
            .contains("0 channels")
    );
    assert!(finding_for(&report, "Hats.wav").message.contains("0 Hz"));
    assert!(
        finding_for(&report, "Bass.wav")
            .message
            .contains("block align")
    );
    assert!(finding_for(&report, "Keys.wav").message.contains("ADPCM"));
}
