//! Telling the master (or full mix) apart from the stems by its name.

use super::vocabulary::MIX_PHRASES;
use super::words;

/// How sure a name is about being the master.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MasterName {
    /// "Mix.wav", "Beat (Full Mix).wav".
    Mix,
    /// "Master.wav", "Beat (Master).wav", "2-Track.wav", "Beat_MASTERED.wav".
    Master,
}

/// Whether a file in the trackout is the master (or a full mix) rather than a stem. The word
/// "master" or "2-track" anywhere decides it; "mix" only when it is the whole name or the
/// last part ("Beat - Mix", "Beat (Full Mix)"), since "Vocal Mix" is a stem.
pub fn master_name(name: &str) -> Option<MasterName> {
    let w = words(name);
    let strong = w
        .iter()
        .any(|x| matches!(x.as_str(), "master" | "mastered" | "mstr"))
        || w.windows(2).any(|p| {
            matches!(p[0].as_str(), "2" | "two") && matches!(p[1].as_str(), "track" | "trk")
        });
    if strong {
        return Some(MasterName::Master);
    }
    let is_mix = |s: &str| {
        let w = words(s);
        MIX_PHRASES
            .iter()
            .any(|p| w.iter().map(String::as_str).eq(p.iter().copied()))
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
    fn masters_are_recognised_by_name() {
        for name in [
            "Master",
            "MASTER",
            "Night Drive (Master)",
            "Beat_MASTERED_24bit",
            "2-Track",
            "2 Track",
            "2Track Mix",
        ] {
            assert_eq!(master_name(name), Some(MasterName::Master), "{name}");
        }
        for name in [
            "Mix",
            "Full Mix",
            "Night Drive (Mix)",
            "Night Drive - Final Mix",
            "Mixdown",
        ] {
            assert_eq!(master_name(name), Some(MasterName::Mix), "{name}");
        }
        for name in [
            "Vocal Mix",
            "Kick",
            "Remix Chops",
            "Drum Mix Bus",
            "Mixed Perc",
        ] {
            assert_eq!(master_name(name), None, "{name}");
        }
    }
}
