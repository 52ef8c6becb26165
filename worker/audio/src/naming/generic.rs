//! Names that say nothing about the part: DAW defaults, and a family plus a number.

use super::vocabulary::{FILLER_WORDS, GENERIC_WORDS};
use super::{is_number, matches_keyword, role_of_word, words};

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
        .filter(|w| {
            !GENERIC_WORDS
                .iter()
                .any(|g| matches_keyword(w, g) && w.len() <= g.len() + 2)
        })
        .collect();
    match meaningful.as_slice() {
        [] => Some(GenericName::Default),
        [only] if has_number && role_of_word(only).is_some() && words.len() <= 3 => {
            Some(GenericName::FamilyAndNumber)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_say_nothing_are_flagged() {
        for name in [
            "Audio 01",
            "Track 3",
            "Untitled",
            "Bounce 2",
            "Stem 4",
            "New Recording",
            "1-Audio",
            "Audio 1_01",
            "Insert 12",
            "untitled1",
        ] {
            assert_eq!(generic_name(name), Some(GenericName::Default), "{name}");
        }
        for name in ["GUITAR_01", "Perc 2", "Synth 3"] {
            assert_eq!(
                generic_name(name),
                Some(GenericName::FamilyAndNumber),
                "{name}"
            );
        }
        for name in [
            "Kick",
            "808",
            "Hi Hat",
            "Piano Chords",
            "Guitar Lead 2",
            "Lead Vox",
            "Zorblax",
            "Kick.L",
            "Strings Hi",
        ] {
            assert_eq!(generic_name(name), None, "{name}");
        }
    }
}
