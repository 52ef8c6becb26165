use maud::{Markup, html};
use trackout_core::services::commerce::shares::SharePage;
use trackout_core::services::stems::StemInfo;

use super::layout;

fn size(bytes: Option<u64>) -> String {
    match bytes {
        Some(b) if b >= 1 << 30 => format!("{:.2} GB", b as f64 / 1_073_741_824.0),
        Some(b) if b >= 1 << 20 => format!("{:.1} MB", b as f64 / 1_048_576.0),
        Some(b) => format!("{:.0} KB", b as f64 / 1024.0),
        None => "preparing…".into(),
    }
}

fn length(seconds: Option<f64>) -> String {
    seconds
        .map(|d| format!("{}:{:06.3}", (d / 60.0) as u64, d % 60.0))
        .unwrap_or_default()
}

fn rate(hz: u32) -> String {
    let khz = f64::from(hz) / 1000.0;
    if (khz - khz.round()).abs() < 1e-9 {
        format!("{khz:.0} kHz")
    } else {
        format!("{khz:.1} kHz")
    }
}

fn format_of(stem: &StemInfo) -> String {
    let channels = match stem.channels {
        1 => "mono".to_owned(),
        2 => "stereo".to_owned(),
        n => format!("{n} ch"),
    };
    let kind = if stem.sample_format == "float" {
        "float"
    } else {
        "int"
    };
    format!(
        "{} · {}-bit {kind} · {channels}",
        rate(stem.sample_rate),
        stem.bit_depth
    )
}

/// The rate and depth every stem shares (the check makes sure the rate does), for the
/// session settings; `None` when they differ.
fn common<T: PartialEq + Copy>(stems: &[StemInfo], get: impl Fn(&StemInfo) -> T) -> Option<T> {
    let first = get(stems.first()?);
    stems.iter().all(|s| get(s) == first).then_some(first)
}

/// What an engineer sees behind a share link: the session to set up, then every file.
pub fn share(share: &SharePage) -> Markup {
    let stem_info = |file_label: &str| share.stems.iter().find(|s| s.file_name == file_label);
    let bundle = share.files.iter().find(|f| f.file == "bundle");
    let stems: Vec<_> = share
        .files
        .iter()
        .filter(|f| f.file.starts_with("stem:"))
        .collect();
    let left = share
        .max_downloads
        .map(|max| (i64::from(max) - share.downloads_used as i64).max(0));
    layout(
        &share.beat_title,
        html! {
            section.share-page {
                p.muted.share-page__from {
                    "Shared by " strong { (share.artist) } " for " (share.label)
                }
                h1 #share-title { (share.beat_title) }
                div.session #session aria-label="Session settings" {
                    div.session__fact { span { "Tempo" } strong #session-bpm { (share.bpm) " BPM" } }
                    div.session__fact { span { "Key" } strong #session-key { (share.key) } }
                    @if let Some(hz) = common(&share.stems, |s| s.sample_rate) {
                        div.session__fact { span { "Sample rate" } strong #session-rate { (rate(hz)) } }
                    }
                    @if let Some(bits) = common(&share.stems, |s| s.bit_depth) {
                        div.session__fact { span { "Bit depth" } strong { (bits) "-bit" } }
                    }
                }
                p.muted {
                    "Set your session to this tempo and rate, then import every stem at bar 1: they all start at zero and run the same length."
                }
                div.share-limits #share-limits {
                    span { "This link works until " strong { (share.expires_at.format("%b %-d, %Y, %H:%M UTC")) } }
                    @match left {
                        Some(left) => span #downloads-left { (left) " of " (share.max_downloads.unwrap_or(0)) " downloads left" },
                        None => span #downloads-left { "No download limit" },
                    }
                }
                @if let Some(bundle) = bundle {
                    div.share-bundle {
                        @match &bundle.url {
                            Some(url) => a.btn #download-all href=(url) download { "Download every stem (zip, " (size(bundle.size_bytes)) ")" },
                            None => span.muted { "The zip of every stem is being prepared…" },
                        }
                    }
                }
                div.table-wrap {
                    table #share-stems {
                        caption.visually-hidden { "Stems" }
                        thead { tr { th { "Stem" } th { "Role" } th { "Format" } th.num { "Length" } th.num { "Size" } th { span.visually-hidden { "Download" } } } }
                        tbody {
                            @for f in &stems {
                                @let info = stem_info(&f.label);
                                tr data-stem=(f.label) {
                                    td { strong { (f.label) } }
                                    td { (f.role.as_deref().unwrap_or("")) }
                                    td { (info.map(format_of).unwrap_or_default()) }
                                    td.num { (length(f.duration_seconds.or(info.map(|i| i.duration_seconds)))) }
                                    td.num { (size(f.size_bytes)) }
                                    td {
                                        @match &f.url {
                                            Some(url) => a.btn.btn--small href=(url) download aria-label=(format!("Download {}", f.label)) { "Download" },
                                            None => span.muted { "preparing…" },
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                p.muted { "Downloads resume if interrupted. No account needed." }
            }
        },
    )
}
