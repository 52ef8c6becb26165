//! Judging a path inside an archive before anything is done with it. A name is never used to
//! open or create a file: it is only normalised for the report, or refused.

/// What an archive entry's name allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EntryName {
    /// A file, with its path normalised to `/` separators and no `.` components.
    File(String),
    Dir,
    /// macOS metadata (`__MACOSX/`, `.DS_Store`, `._*`): skipped without a word.
    Ignored,
    /// Would land outside the trackout, or cannot be a name at all; says why.
    Unsafe(&'static str),
}

/// Classifies a zip entry name. Backslashes count as separators, as Windows tools write
/// them and as Windows extracts them, so `..\\evil.wav` is caught like `../evil.wav`.
pub(crate) fn classify(raw: &[u8], decoded: &str) -> EntryName {
    if raw.contains(&0) || decoded.contains('\0') {
        return EntryName::Unsafe("its name contains a NUL byte");
    }
    let name = decoded.replace('\\', "/");
    if name.is_empty() {
        return EntryName::Unsafe("it has an empty name");
    }
    if name.starts_with('/') {
        return EntryName::Unsafe("it has an absolute path");
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return EntryName::Unsafe("it starts with a drive letter");
    }
    let parts: Vec<&str> = name
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.contains(&"..") {
        return EntryName::Unsafe("its path climbs out of the trackout with '..'");
    }
    if parts.iter().any(|p| p.contains(':')) {
        // "Kick.wav:stream" is an NTFS alternate data stream, "C:" mid-path a drive.
        return EntryName::Unsafe("its name contains ':'");
    }
    if parts.is_empty() || name.ends_with('/') {
        return EntryName::Dir;
    }
    let path = parts.join("/");
    if is_ignored(&path) {
        EntryName::Ignored
    } else {
        EntryName::File(path)
    }
}

/// Finder and Explorer litter that is never part of a trackout.
pub(crate) fn is_ignored(path: &str) -> bool {
    path.split('/').any(|p| p == "__MACOSX") || {
        let file = path.rsplit('/').next().unwrap_or(path);
        file == ".DS_Store"
            || file.starts_with("._")
            || file == "Thumbs.db"
            || file == "desktop.ini"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(name: &str) -> EntryName {
        classify(name.as_bytes(), name)
    }

    #[test]
    fn escapes_of_every_kind_are_refused() {
        for name in [
            "../evil.wav",
            "stems/../../evil.wav",
            "/etc/passwd",
            "C:\\evil.wav",
            "c:evil.wav",
            "..\\..\\evil.wav",
            "stems\\..\\..\\evil.wav",
            "\\\\server\\share\\x.wav",
            "Kick.wav:hidden",
            "nul\0.wav",
        ] {
            assert!(matches!(class(name), EntryName::Unsafe(_)), "{name:?}");
        }
    }

    #[test]
    fn ordinary_names_are_normalised() {
        assert_eq!(
            class("Stems/Kick.wav"),
            EntryName::File("Stems/Kick.wav".into())
        );
        assert_eq!(
            class("./Stems//Kick.wav"),
            EntryName::File("Stems/Kick.wav".into())
        );
        assert_eq!(
            class("Stems\\Kick.wav"),
            EntryName::File("Stems/Kick.wav".into())
        );
        assert_eq!(class("Stems/"), EntryName::Dir);
        assert_eq!(class("__MACOSX/Stems/._Kick.wav"), EntryName::Ignored);
        assert_eq!(class("Stems/.DS_Store"), EntryName::Ignored);
    }
}
