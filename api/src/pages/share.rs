use maud::{Markup, html};
use trackout_core::services::commerce::shares::SharePage;

use super::layout;

fn size(bytes: Option<u64>) -> String {
    match bytes {
        Some(b) if b >= 1 << 20 => format!("{:.1} MB", b as f64 / 1_048_576.0),
        Some(b) => format!("{:.0} KB", b as f64 / 1024.0),
        None => "preparing…".into(),
    }
}

fn length(seconds: Option<f64>) -> String {
    seconds
        .map(|d| format!("{}:{:04.1}", (d / 60.0) as u64, d % 60.0))
        .unwrap_or_default()
}

/// What an engineer sees behind a share link: every file with its link.
pub fn share(share: &SharePage) -> Markup {
    layout(
        &share.beat_title,
        html! {
            h1 { (share.beat_title) }
            p.muted {
                (share.bpm) " BPM · " (share.key) " · shared by " (share.artist) " for "
                (share.label) " · until " (share.expires_at.format("%Y-%m-%d %H:%M UTC"))
            }
            table {
                thead { tr { th { "File" } th { "Role" } th { "Length" } th { "Size" } th {} } }
                tbody {
                    @for f in &share.files {
                        tr {
                            td { (f.label) }
                            td { (f.role.as_deref().unwrap_or("")) }
                            td { (length(f.duration_seconds)) }
                            td { (size(f.size_bytes)) }
                            td {
                                @match &f.url {
                                    Some(url) => a href=(url) download { "Download" },
                                    None => "preparing…",
                                }
                            }
                        }
                    }
                }
            }
            p.muted { "Downloads resume if interrupted. Import every stem at bar 1." }
        },
    )
}
