//! The archive reader over arbitrary zip bytes, through the whole check: no panic, no hang,
//! and a report that is consistent and serialisable whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trackout_media::{CheckLimits, Level, NoProgress, Report, check_zip_bytes};

fuzz_target!(|data: &[u8]| {
    let limits = CheckLimits {
        max_inflated_bytes: 64 << 20,
        max_entries: 200,
        ..CheckLimits::default()
    };
    let report = check_zip_bytes("fuzz.zip", data, &limits, &NoProgress)
        .expect("an in-memory check always runs");
    assert_eq!(
        report.passes,
        !report.findings.iter().any(|f| f.level == Level::Error)
    );
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.level == f.code.level() && !f.message.is_empty())
    );
    assert!(report.stems.windows(2).all(|w| w[0].path <= w[1].path));
    let json = serde_json::to_string(&report).expect("serialises");
    let back: Report = serde_json::from_str(&json).expect("round-trips");
    assert_eq!(back.findings, report.findings);
    let _ = report.render_text();
});
