//! Names that survive every file system a buyer unzips on: Windows refuses `<>:"/\|?*`,
//! control characters, trailing dots and spaces, and device names like `CON`; macOS's Finder
//! shows `:` as `/`.

use crate::meta::BeatMeta;

/// The bundle's single top folder: "Producer - Title (140 BPM, A min) - Trackout".
pub fn bundle_folder_name(meta: &BeatMeta) -> String {
    let producer = safe_component(&meta.producer, "Unknown Producer");
    let title = safe_component(&meta.title, "Untitled");
    safe_component(
        &format!("{producer} - {title} ({}) - Trackout", meta.tempo_and_key()),
        "Trackout",
    )
}

/// Longest component written; Windows' MAX_PATH leaves room for a folder and a file name.
const MAX_COMPONENT_CHARS: usize = 120;

const WINDOWS_DEVICES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// One path component with unsafe characters replaced, runs of spaces collapsed, and
/// `fallback` when nothing is left.
pub(crate) fn safe_component(name: &str, fallback: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '-',
            c if c.is_control() => ' ',
            c => c,
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    let mut out: String = out.chars().take(MAX_COMPONENT_CHARS).collect();
    while out.ends_with(['.', ' ']) {
        out.pop();
    }
    while out.starts_with('.') {
        out.remove(0);
    }
    let stem = out.split('.').next().unwrap_or_default().trim_end();
    if WINDOWS_DEVICES.iter().any(|d| d.eq_ignore_ascii_case(stem)) {
        out.insert(0, '_');
    }
    if out.trim().is_empty() {
        fallback.to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_characters_are_replaced() {
        assert_eq!(safe_component("AC/DC: Live?", "x"), "AC-DC- Live-");
        assert_eq!(safe_component("  trailing dots...  ", "x"), "trailing dots");
        assert_eq!(safe_component("CON.wav", "x"), "_CON.wav");
        assert_eq!(safe_component("..", "fallback"), "fallback");
        assert_eq!(safe_component("Tab\there", "x"), "Tab here");
        assert_eq!(safe_component("Beyoncé", "x"), "Beyoncé");
    }
}
