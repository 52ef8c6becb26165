//! What a stem holds, from its name.

use serde::{Deserialize, Serialize};

use super::vocabulary::ROLE_WORDS;
use super::{role_of_word, words};

/// What a stem holds, guessed from its name.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum StemRole {
    Kick,
    /// 808s, bass lines, sub.
    Bass,
    /// Snares, claps, rims.
    Snare,
    /// Hi-hats, cymbals, rides.
    Hats,
    Percussion,
    /// Keys, synths, guitars, pads, strings, bells…
    Melody,
    /// Vocals, chops, ad-libs.
    Vocals,
    Fx,
    Other,
}

impl StemRole {
    pub fn as_str(self) -> &'static str {
        match self {
            StemRole::Kick => "kick",
            StemRole::Bass => "bass",
            StemRole::Snare => "snare",
            StemRole::Hats => "hats",
            StemRole::Percussion => "percussion",
            StemRole::Melody => "melody",
            StemRole::Vocals => "vocals",
            StemRole::Fx => "fx",
            StemRole::Other => "other",
        }
    }
}

/// Guesses what a stem holds from its name (without extension).
pub fn role(name: &str) -> StemRole {
    let words = words(name);
    // "Bass Drum" is a kick, whatever "bass" alone would say.
    if words.windows(2).any(|w| w[0] == "bass" && w[1] == "drum") {
        return StemRole::Kick;
    }
    if words
        .windows(2)
        .any(|w| w[0] == "hi" && w[1].starts_with("hat"))
    {
        return StemRole::Hats;
    }
    let found: Vec<StemRole> = words.iter().filter_map(|w| role_of_word(w)).collect();
    ROLE_WORDS
        .iter()
        .map(|(role, _)| *role)
        .find(|role| found.contains(role))
        .unwrap_or(StemRole::Other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_follow_the_words_producers_use() {
        let cases = [
            ("Kick", StemRole::Kick),
            ("808", StemRole::Bass),
            ("808Bass", StemRole::Bass),
            ("Sub Kick", StemRole::Kick),
            ("Bass Drum", StemRole::Kick),
            ("Synth Bass", StemRole::Bass),
            ("Bass Guitar", StemRole::Bass),
            ("Clap", StemRole::Snare),
            ("Snare Roll", StemRole::Snare),
            ("Hi Hat", StemRole::Hats),
            ("OpenHat", StemRole::Hats),
            ("HH_Closed", StemRole::Hats),
            ("Ride", StemRole::Hats),
            ("Perc Loop", StemRole::Percussion),
            ("Shaker", StemRole::Percussion),
            ("Piano Chords", StemRole::Melody),
            ("Lead Vox", StemRole::Vocals),
            ("Vox Chops", StemRole::Vocals),
            ("Adlibs", StemRole::Vocals),
            ("Riser", StemRole::Fx),
            ("Impact FX", StemRole::Fx),
            ("GUITAR_01", StemRole::Melody),
            ("Strings", StemRole::Melody),
            ("Zorblax", StemRole::Other),
        ];
        for (name, expected) in cases {
            assert_eq!(role(name), expected, "{name}");
        }
    }
}
