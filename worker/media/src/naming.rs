//! Reading a stem's file name the way an engineer does: what it holds, whether the name says
//! anything at all, and whether the file is the master rather than a stem.

use crate::report::StemRole;

/// Roles in priority order: "Lead Vox" is vocals, "Bass Guitar" is bass, "Sub Kick" a kick.
const ROLE_WORDS: &[(StemRole, &[&str])] = &[
    (StemRole::Vocals, &[
        "vox", "vocal", "voc", "chop", "adlib", "harmony", "harmonies", "hook", "verse", "choir",
        "acapella", "acappella", "bgv", "bvs", "voice", "rap",
    ]),
    (StemRole::Kick, &["kick", "kik", "bd"]),
    (StemRole::Snare, &["snare", "snr", "clap", "clp", "rim", "rimshot", "snap"]),
    (StemRole::Hats, &[
        "hat", "hh", "hihat", "openhat", "closedhat", "cymbal", "ride", "hats",
    ]),
    (StemRole::Percussion, &[
        "perc", "percussion", "shaker", "tom", "conga", "bongo", "tamb", "tambourine", "cowbell",
        "clave", "timbale", "woodblock", "triangle", "guiro", "cabasa", "drum", "drumloop",
    ]),
    (StemRole::Fx, &[
        "fx", "sfx", "riser", "rise", "impact", "sweep", "crash", "noise", "uplifter",
        "downlifter", "whoosh", "reverse", "transition", "boom", "texture", "atmos", "ambience",
        "foley", "vinyl", "scratch",
    ]),
    (StemRole::Bass, &["808", "bass", "sub", "subbass", "bassline", "reese"]),
    (StemRole::Melody, &[
        "melody", "melodies", "mel", "keys", "key", "keyboard", "piano", "rhodes", "organ", "synth", "pad",
        "lead", "pluck", "guitar", "gtr", "strings", "string", "violin", "viola", "cello", "bell",
        "arp", "chord", "flute", "brass", "horn", "sax", "trumpet", "harp", "sitar", "kalimba",
        "marimba", "vibes", "mallet", "glock", "glockenspiel", "celesta", "sample", "loop",
        "counter", "lute", "harpsichord", "ep",
    ]),
];

/// Words a DAW or a sampler puts in default names; they say nothing about the part.
const GENERIC_WORDS: &[&str] = &[
    "audio", "track", "trk", "tr", "stem", "untitled", "unnamed", "bounce", "bounced", "new",
    "recording", "record", "rec", "insert", "ins", "channel", "chan", "ch", "output", "out", "bus",
    "file", "export", "exported", "take", "tk", "copy", "clip", "inst", "instrument", "midi",
    "sound", "snd", "layer", "part", "group", "grp", "final", "print", "bip", "wav", "wave", "aux",
    "mixer", "sampler", "default", "empty", "test", "tmp", "temp", "name", "noname",
];

/// Channel and format suffixes a DAW appends ("Kick.L", "Kick_st", "Kick 24bit").
const FILLER_WORDS: &[&str] = &[
    "l", "r", "lr", "st", "stereo", "mono", "bit", "khz", "hz", "wet", "dry", "v", "ver", "version",
];

/// Lower-case words of a name: split at anything not a letter or digit, at a lower→upper
/// case change ("OpenHat") and between letters and digits ("Kick01", "808Bass").
pub fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev: Option<char> = None;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            flush(&mut words, &mut current);
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let case_change = p.is_lowercase() && c.is_uppercase();
            let digit_change = p.is_ascii_digit() != c.is_ascii_digit();
            if case_change || digit_change {
                flush(&mut words, &mut current);
            }
        }
        current.extend(c.to_lowercase());
        prev = Some(c);
    }
    flush(&mut words, &mut current);
    words
}

fn flush(words: &mut Vec<String>, current: &mut String) {
    if !current.is_empty() {
        words.push(std::mem::take(current));
    }
}

fn is_number(word: &str) -> bool {
    word.chars().all(|c| c.is_ascii_digit()) && word != "808" && word != "909"
}

/// True when `word` is `keyword`, its plural, or (for keywords of 5+ letters) starts with it:
/// "snarefill", "bassline". Shorter keywords must match whole: "chop" is not "chopped".
fn matches_keyword(word: &str, keyword: &str) -> bool {
    word == keyword
        || word.strip_suffix('s') == Some(keyword)
        || word.strip_suffix("es") == Some(keyword)
        || (keyword.len() >= 5 && word.starts_with(keyword))
}

fn role_of_word(word: &str) -> Option<StemRole> {
    ROLE_WORDS
        .iter()
        .find(|(_, keywords)| keywords.iter().any(|k| matches_keyword(word, k)))
        .map(|(role, _)| *role)
}

/// Guesses what a stem holds from its name (without extension).
pub fn role(name: &str) -> StemRole {
    let words = words(name);
    // "Bass Drum" is a kick, whatever "bass" alone would say.
    if words.windows(2).any(|w| w[0] == "bass" && w[1] == "drum") {
        return StemRole::Kick;
    }
    if words.windows(2).any(|w| w[0] == "hi" && w[1].starts_with("hat")) {
        return StemRole::Hats;
    }
    let found: Vec<StemRole> = words.iter().filter_map(|w| role_of_word(w)).collect();
    ROLE_WORDS
        .iter()
        .map(|(role, _)| *role)
        .find(|role| found.contains(role))
        .unwrap_or(StemRole::Other)
}

/// Why a name says nothing, if it does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenericName {
    /// Only DAW default words and numbers: "Audio 01", "Track 3", "Untitled", "Bounce 2".
    Default,
    /// One instrument family and a number: "GUITAR_01", "Perc 2". Which guitar part?
    FamilyAndNumber,
}

pub fn generic_name(name: &str) -> Option<GenericName> {
    let words = words(name);
    let has_number = words.iter().any(|w| is_number(w));
    let meaningful: Vec<&String> = words
        .iter()
        .filter(|w| !is_number(w))
        .filter(|w| !FILLER_WORDS.contains(&w.as_str()))
        .filter(|w| !GENERIC_WORDS.iter().any(|g| matches_keyword(w, g) && w.len() <= g.len() + 2))
        .collect();
    match meaningful.as_slice() {
        [] => Some(GenericName::Default),
        [only] if has_number && role_of_word(only).is_some() && words.len() <= 3 => {
            Some(GenericName::FamilyAndNumber)
        }
        _ => None,
    }
}

/// How sure a name is about being the master.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MasterName {
    /// "Mix.wav", "Beat (Full Mix).wav".
    Mix,
    /// "Master.wav", "Beat (Master).wav", "2-Track.wav", "Beat_MASTERED.wav".
    Master,
}

const MIX_PHRASES: &[&[&str]] = &[
    &["mix"], &["mixdown"], &["mix", "down"], &["full", "mix"], &["final", "mix"],
    &["stereo", "mix"], &["main", "mix"], &["beat", "mix"], &["instrumental", "mix"],
];

/// Whether a file in the trackout is the master (or a full mix) rather than a stem. The word
/// "master" or "2-track" anywhere decides it; "mix" only when it is the whole name or the
/// last part ("Beat - Mix", "Beat (Full Mix)"), since "Vocal Mix" is a stem.
pub fn master_name(name: &str) -> Option<MasterName> {
    let w = words(name);
    let strong = w.iter().any(|x| matches!(x.as_str(), "master" | "mastered" | "mstr"))
        || w.windows(2).any(|p| {
            matches!(p[0].as_str(), "2" | "two") && matches!(p[1].as_str(), "track" | "trk")
        });
    if strong {
        return Some(MasterName::Master);
    }
    let is_mix = |s: &str| {
        let w = words(s);
        MIX_PHRASES.iter().any(|p| w.iter().map(String::as_str).eq(p.iter().copied()))
    };
    let last_bracket = name
        .trim_end()
        .strip_suffix([')', ']'])
        .and_then(|s| s.rfind(['(', '[']).map(|i| &s[i + 1..]));
    let last_segment = name.rsplit(" - ").next();
    if is_mix(name) || last_bracket.is_some_and(is_mix) || last_segment.is_some_and(is_mix) {
        return Some(MasterName::Mix);
    }
    None
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
        for (name, role) in cases {
            assert_eq!(super::role(name), role, "{name}");
        }
    }

    #[test]
    fn names_that_say_nothing_are_flagged() {
        for name in ["Audio 01", "Track 3", "Untitled", "Bounce 2", "Stem 4", "New Recording",
            "1-Audio", "Audio 1_01", "Insert 12", "untitled1"]
        {
            assert_eq!(generic_name(name), Some(GenericName::Default), "{name}");
        }
        for name in ["GUITAR_01", "Perc 2", "Synth 3"] {
            assert_eq!(generic_name(name), Some(GenericName::FamilyAndNumber), "{name}");
        }
        for name in ["Kick", "808", "Hi Hat", "Piano Chords", "Guitar Lead 2", "Lead Vox",
            "Zorblax", "Kick.L", "Strings Hi"]
        {
            assert_eq!(generic_name(name), None, "{name}");
        }
    }

    #[test]
    fn masters_are_recognised_by_name() {
        for name in ["Master", "MASTER", "Night Drive (Master)", "Beat_MASTERED_24bit", "2-Track",
            "2 Track", "2Track Mix"]
        {
            assert_eq!(master_name(name), Some(MasterName::Master), "{name}");
        }
        for name in ["Mix", "Full Mix", "Night Drive (Mix)", "Night Drive - Final Mix", "Mixdown"] {
            assert_eq!(master_name(name), Some(MasterName::Mix), "{name}");
        }
        for name in ["Vocal Mix", "Kick", "Remix Chops", "Drum Mix Bus", "Mixed Perc"] {
            assert_eq!(master_name(name), None, "{name}");
        }
    }
}
