//! Text for fixed-width ASCII fields (`bext` holds ASCII only, per EBU Tech 3285).

/// `s` in ASCII: Latin letters lose their accents ("Beyoncé" → "Beyonce"), dashes and quotes
/// become their ASCII forms, anything else becomes '?'. Control characters but CR and LF
/// (the coding history's line ends) are dropped.
pub(crate) fn ascii_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            if !c.is_ascii_control() || c == '\r' || c == '\n' {
                out.push(c);
            }
            continue;
        }
        let folded = match c {
            'À'..='Å' => "A",
            'Æ' => "AE",
            'Ç' => "C",
            'È'..='Ë' => "E",
            'Ì'..='Ï' => "I",
            'Ð' => "D",
            'Ñ' => "N",
            'Ò'..='Ö' | 'Ø' => "O",
            'Ù'..='Ü' => "U",
            'Ý' => "Y",
            'Þ' => "Th",
            'ß' => "ss",
            'à'..='å' => "a",
            'æ' => "ae",
            'ç' => "c",
            'è'..='ë' => "e",
            'ì'..='ï' => "i",
            'ð' => "d",
            'ñ' => "n",
            'ò'..='ö' | 'ø' => "o",
            'ù'..='ü' => "u",
            'ý' | 'ÿ' => "y",
            'þ' => "th",
            'Œ' => "OE",
            'œ' => "oe",
            'Š' => "S",
            'š' => "s",
            'Ž' => "Z",
            'ž' => "z",
            '‐'..='―' | '−' => "-",
            '‘' | '’' | '‚' | '′' => "'",
            '“' | '”' | '„' | '″' => "\"",
            '…' => "...",
            '♯' => "#",
            '♭' => "b",
            '\u{a0}' => " ",
            _ => "?",
        };
        out.push_str(folded);
    }
    out
}

/// Typographic punctuation (dashes, curly quotes, ellipsis) as ASCII, letters untouched:
/// INFO text is UTF-8 (as TagLib and ffmpeg write it), but Windows and MediaArea's tools read
/// it as Latin-1, where an em dash in a license note would turn into "â€”".
pub(crate) fn plain_punctuation(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '‐'..='―' | '−' => out.push('-'),
            '‘' | '’' | '‚' | '′' => out.push('\''),
            '“' | '”' | '„' | '″' => out.push('"'),
            '…' => out.push_str("..."),
            '\u{a0}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `s` folded to ASCII in a NUL-padded field of `width` bytes (truncated at a character).
pub(crate) fn put_field(out: &mut Vec<u8>, s: &str, width: usize) {
    let folded = ascii_fold(s);
    let bytes = &folded.as_bytes()[..folded.len().min(width)];
    out.extend_from_slice(bytes);
    out.resize(out.len() + width - bytes.len(), 0);
}

/// A NUL-terminated field read back (for the fields kept from a source `bext`).
pub(crate) fn get_field(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    bytes[..end]
        .iter()
        .map(|&b| {
            if b.is_ascii() && !b.is_ascii_control() {
                b as char
            } else {
                '?'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_to_ascii() {
        assert_eq!(
            ascii_fold("Beyoncé — Señor Ünïcode"),
            "Beyonce - Senor Unicode"
        );
        assert_eq!(ascii_fold("坂本"), "??");
        let mut field = Vec::new();
        put_field(&mut field, "Zoë", 4);
        assert_eq!(field, b"Zoe\0");
        assert_eq!(get_field(b"ab\0cd"), "ab");
    }
}
