//! Names from paths, and names that survive every file system a buyer unzips on: Windows
//! refuses `<>:"/\|?*`, control characters, trailing dots and spaces, and device names like
//! `CON`; macOS's Finder shows `:` as `/`.

/// The last part of a `/`-separated path: "Stems/Kick.wav" → "Kick.wav".
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The file name without its extension, as a DAW shows the track: "Stems/Kick.wav" → "Kick".
/// A leading dot is part of the name (".Kick.wav" → ".Kick").
pub fn stem_name(path: &str) -> &str {
    let file = file_name(path);
    match file.rfind('.') {
        Some(i) if i > 0 => &file[..i],
        _ => file,
    }
}

/// The file name a stem is delivered under, flattened out of its folders: its name made safe,
/// with `.wav` (whatever WAV extension it was uploaded with). Two stems whose delivered
/// names are equal ignoring case collide: the check reports it, the bundle refuses it.
pub fn stem_file_name(path: &str) -> String {
    format!("{}.wav", safe_component(stem_name(path), "Stem"))
}

/// Longest component written; Windows' MAX_PATH leaves room for a folder and a file name.
const MAX_COMPONENT_CHARS: usize = 120;

const WINDOWS_DEVICES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// One path component with unsafe characters replaced, runs of spaces collapsed, leading
/// dots dropped (a hidden file would vanish in Finder), and `fallback` when nothing is left.
pub fn safe_component(name: &str, fallback: &str) -> String {
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

    #[test]
    fn stems_are_delivered_flat_as_wav() {
        assert_eq!(stem_name("Drums/Kick.wav"), "Kick");
        assert_eq!(stem_name(".stems/.Kick.wav"), ".Kick");
        assert_eq!(stem_name("README"), "README");
        assert_eq!(stem_file_name("Drums/Kick.WAV"), "Kick.wav");
        assert_eq!(stem_file_name("Kick.bwf"), "Kick.wav");
        assert_eq!(stem_file_name("Old/.Kick.wave"), "Kick.wav");
        assert_eq!(stem_file_name("Vox: Lead?.wav"), "Vox- Lead-.wav");
        assert_eq!(stem_file_name("....wav"), "Stem.wav");
    }
}
