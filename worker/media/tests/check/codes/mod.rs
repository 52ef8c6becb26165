//! One generated trackout per finding code: each gets exactly its code, at its level, on the
//! right stem, with a message that says what to fix.

mod files;
mod stems;

use crate::fixtures::Wav;

const FRAMES: usize = 13_230; // 0.3 s at 44.1 kHz

fn stem() -> Vec<u8> {
    Wav::stem(FRAMES).bytes()
}

/// The finding about one stem.
fn finding_for<'a>(report: &'a trackout_media::Report, stem: &str) -> &'a trackout_media::Finding {
    report
        .findings
        .iter()
        .find(|f| f.stem.as_deref() == Some(stem))
        .expect("a finding for the stem")
}
