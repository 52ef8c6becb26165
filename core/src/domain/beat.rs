use serde::{Deserialize, Serialize};

use super::{ParseError, clean_text, string_type};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeatTitle(String);

impl BeatTitle {
    pub fn parse(raw: &str) -> Result<BeatTitle, ParseError> {
        clean_text("title", "title", raw, 120).map(BeatTitle)
    }
}
string_type!(BeatTitle);

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Description(String);

impl Description {
    pub fn parse(raw: &str) -> Result<Description, ParseError> {
        let text = raw.trim();
        if text.chars().count() > 5000 {
            return Err(ParseError::new(
                "description",
                "description must be at most 5000 characters",
            ));
        }
        Ok(Description(text.to_owned()))
    }
}
string_type!(Description);

/// Tempo in whole beats per minute, as stores and DAW project names show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Bpm(u16);

impl Bpm {
    pub const MIN: u16 = 40;
    pub const MAX: u16 = 300;

    pub fn parse(raw: i64) -> Result<Bpm, ParseError> {
        if (i64::from(Self::MIN)..=i64::from(Self::MAX)).contains(&raw) {
            Ok(Bpm(raw as u16))
        } else {
            Err(ParseError::new(
                "bpm",
                format!(
                    "BPM must be a whole number from {} to {}",
                    Self::MIN,
                    Self::MAX
                ),
            ))
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Bpm {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = i64::deserialize(d)?;
        Bpm::parse(raw).map_err(serde::de::Error::custom)
    }
}

/// A musical key in the spelling producers use: `A min`, `F# maj`, `Bb min`. Accepts the
/// common ways of writing it (`Am`, `A minor`, `f#m`, `C♯ major`) and stores one canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MusicalKey(String);

impl MusicalKey {
    pub fn parse(raw: &str) -> Result<MusicalKey, ParseError> {
        let invalid = || {
            ParseError::new(
                "key",
                "key must be a note and a mode, like `A min`, `F# maj` or `Bbm`",
            )
        };
        let text = raw.trim().replace('♯', "#").replace('♭', "b");
        let mut chars = text.chars();
        let letter = chars
            .next()
            .filter(|c| ('A'..='G').contains(&c.to_ascii_uppercase()))
            .ok_or_else(invalid)?
            .to_ascii_uppercase();
        let rest: String = chars.collect();
        let (accidental, mode) = match rest.chars().next() {
            Some(c @ ('#' | 'b')) => (Some(c), rest[1..].trim().to_owned()),
            _ => (None, rest.trim().to_owned()),
        };
        // "M" alone is major and "m" alone is minor: only the exact case tells them apart.
        let mode = match mode.as_str() {
            "M" => "maj",
            other => match other.to_lowercase().as_str() {
                "m" | "min" | "minor" => "min",
                "" | "maj" | "major" => "maj",
                _ => return Err(invalid()),
            },
        };
        let mut key = String::new();
        key.push(letter);
        if let Some(a) = accidental {
            key.push(a);
        }
        key.push(' ');
        key.push_str(mode);
        Ok(MusicalKey(key))
    }
}
string_type!(MusicalKey);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Genre(String);

impl Genre {
    /// Lower-cased so that filtering matches however the producer typed it.
    pub fn parse(raw: &str) -> Result<Genre, ParseError> {
        clean_text("genre", "genre", raw, 40).map(|g| Genre(g.to_lowercase()))
    }
}
string_type!(Genre);

/// A mood (`dark`, `bouncy`) or a tag (`drake type beat`): lower-case, short, plain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Label(String);

impl Label {
    pub fn parse(raw: &str) -> Result<Label, ParseError> {
        let text = clean_text("tags", "a tag or mood", raw, 40)?.to_lowercase();
        if text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '&' | '\'' | '.'))
        {
            Ok(Label(text))
        } else {
            Err(ParseError::new(
                "tags",
                format!("tag or mood `{text}` may hold letters, digits, spaces and - & ' . only"),
            ))
        }
    }
}
string_type!(Label);

/// International Standard Recording Code: `CC-XXX-YY-NNNNN`, stored without hyphens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Isrc(String);

impl Isrc {
    pub fn parse(raw: &str) -> Result<Isrc, ParseError> {
        let code: String = raw
            .trim()
            .chars()
            .filter(|c| *c != '-')
            .collect::<String>()
            .to_uppercase();
        let b = code.as_bytes();
        let valid = b.len() == 12
            && b[..2].iter().all(u8::is_ascii_uppercase)
            && b[2..5].iter().all(u8::is_ascii_alphanumeric)
            && b[5..].iter().all(u8::is_ascii_digit);
        if valid {
            Ok(Isrc(code))
        } else {
            Err(ParseError::new(
                "isrc",
                "ISRC must look like US-S1Z-25-00001 (country, registrant, year, number)",
            ))
        }
    }
}
string_type!(Isrc);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BeatStatus {
    Draft,
    Published,
    /// Its exclusive rights are sold: out of the catalog, no more sales.
    Sold,
}

impl BeatStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BeatStatus::Draft => "draft",
            BeatStatus::Published => "published",
            BeatStatus::Sold => "sold",
        }
    }

    pub fn is(self, raw: &str) -> bool {
        raw == self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_every_common_spelling_become_one() {
        for (raw, want) in [
            ("A min", "A min"),
            ("Am", "A min"),
            ("a minor", "A min"),
            ("F#m", "F# min"),
            ("C♯ major", "C# maj"),
            ("Bb", "Bb maj"),
            ("EbM", "Eb maj"),
            ("g maj", "G maj"),
        ] {
            assert_eq!(MusicalKey::parse(raw).unwrap().as_str(), want, "{raw}");
        }
        for bad in ["", "H min", "A dorian", "#m"] {
            assert!(MusicalKey::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn bpm_and_isrc_bounds() {
        assert!(Bpm::parse(39).is_err());
        assert_eq!(Bpm::parse(140).unwrap().get(), 140);
        assert!(Bpm::parse(301).is_err());
        assert_eq!(
            Isrc::parse("us-s1z-25-00001").unwrap().as_str(),
            "USS1Z2500001"
        );
        assert!(Isrc::parse("USS1Z25000").is_err());
    }

    #[test]
    fn labels_are_lowercase_and_plain() {
        assert_eq!(Label::parse(" Dark ").unwrap().as_str(), "dark");
        assert!(Label::parse("<script>").is_err());
    }
}
