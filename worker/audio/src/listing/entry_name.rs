//! Judging a path inside an archive before anything is done with it. A name is never used to
//! open or create a file: it is only normalised for the report, or refused.

/// What an archive entry's name allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryName {
    /// A file, with its path normalised to `/` separators and no `.` components.
    File(String),
    Dir,
    /// Operating-system debris ([`is_ignored`]): skipped without a word.
    Ignored,
    /// Would land outside the trackout, or cannot be a name at all; says why.
    Unsafe(&'static str),
}

/// Classifies a zip entry name. Backslashes count as separators, as Windows tools write
/// them and as Windows extracts them, so `..\\evil.wav` is caught like `../evil.wav`.
pub fn classify(raw: &[u8], decoded: &str) -> EntryName {
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

/// Folders an operating system keeps on a volume (or a zip made of one): nothing in them is
/// the producer's, and a trash folder's WAVs are deleted takes, not stems.
const DEBRIS_FOLDERS: &[&str] = &[
    "__MACOSX",
    ".Trashes",
    ".Spotlight-V100",
    ".fseventsd",
    ".TemporaryItems",
    "$RECYCLE.BIN",
    "System Volume Information",
];

/// Finder, Explorer and volume litter that is never part of a trackout: `__MACOSX/` and the
/// other [`DEBRIS_FOLDERS`] (and `.Trash`, `.Trash-1000`…) anywhere in the path, `.DS_Store`,
/// AppleDouble `._*` files, `Thumbs.db`, `desktop.ini`. Every other name counts, dot files
/// and dot folders included: the check and the bundle both skip exactly these.
pub fn is_ignored(path: &str) -> bool {
    let mut parts = path.split('/').filter(|p| !p.is_empty()).peekable();
    while let Some(part) = parts.next() {
        let last = parts.peek().is_none();
        let debris_folder =
            DEBRIS_FOLDERS.contains(&part) || part == ".Trash" || part.starts_with(".Trash-");
        // The last part of a path may be a folder too (the folder walk asks before it
        // descends), so the folder names apply to it.
        if debris_folder {
            return true;
        }
        if last
            && (part == ".DS_Store"
                || part.starts_with("._")
                || part.eq_ignore_ascii_case("Thumbs.db")
                || part.eq_ignore_ascii_case("desktop.ini"))
        {
            return true;
        }
    }
    false
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
        assert_eq!(
            class(".stems/Kick.wav"),
            EntryName::File(".stems/Kick.wav".into())
        );
    }

    #[test]
    fn only_operating_system_debris_is_ignored() {
        for path in [
            "__MACOSX/Stems/._Kick.wav",
            "Stems/__MACOSX/Kick.wav",
            "Stems/.DS_Store",
            "._Kick.wav",
            "Stems/Thumbs.db",
            "desktop.ini",
            "DESKTOP.INI",
            ".Trashes/501/Kick.wav",
            ".Trash/Old Kick.wav",
            ".Trash-1000/files/Kick.wav",
            ".Spotlight-V100/Store-V2",
            ".fseventsd/fseventsd-uuid",
            "$RECYCLE.BIN/S-1-5-21/Kick.wav",
            "System Volume Information/IndexerVolumeGuid",
        ] {
            assert!(is_ignored(path), "{path}");
        }
        for path in [
            ".stems/Kick.wav",
            "Stems/.hidden/Snare.wav",
            ".Kick.wav",
            "Trash/Kick.wav",
            "Stems/Kick.wav",
            "a/b/c/d/e/f/g/h/i/Deep.wav",
            "Thumbs.db.wav",
        ] {
            assert!(!is_ignored(path), "{path}");
        }
    }
}
