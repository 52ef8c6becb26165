//! The words producers, DAWs and samplers put in file names.

use super::StemRole;

/// Roles in priority order: "Lead Vox" is vocals, "Bass Guitar" is bass, "Sub Kick" a kick.
#[rustfmt::skip]
pub(super) const ROLE_WORDS: &[(StemRole, &[&str])] = &[
    (StemRole::Vocals, &[
        "vox", "vocal", "voc", "chop", "adlib", "harmony", "harmonies", "hook", "verse", "choir",
        "acapella", "acappella", "bgv", "bvs", "voice", "rap",
    ]),
    (StemRole::Kick, &["kick", "kik", "bd"]),
    (StemRole::Snare, &["snare", "snr", "clap", "clp", "rim", "rimshot", "snap"]),
    (StemRole::Hats, &["hat", "hh", "hihat", "openhat", "closedhat", "cymbal", "ride", "hats"]),
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
        "melody", "melodies", "mel", "keys", "key", "keyboard", "piano", "rhodes", "organ",
        "synth", "pad", "lead", "pluck", "guitar", "gtr", "strings", "string", "violin", "viola",
        "cello", "bell", "arp", "chord", "flute", "brass", "horn", "sax", "trumpet", "harp",
        "sitar", "kalimba", "marimba", "vibes", "mallet", "glock", "glockenspiel", "celesta",
        "sample", "loop", "counter", "lute", "harpsichord", "ep",
    ]),
];

/// Words a DAW or a sampler puts in default names; they say nothing about the part.
#[rustfmt::skip]
pub(super) const GENERIC_WORDS: &[&str] = &[
    "audio", "track", "trk", "tr", "stem", "untitled", "unnamed", "bounce", "bounced", "new",
    "recording", "record", "rec", "insert", "ins", "channel", "chan", "ch", "output", "out", "bus",
    "file", "export", "exported", "take", "tk", "copy", "clip", "inst", "instrument", "midi",
    "sound", "snd", "layer", "part", "group", "grp", "final", "print", "bip", "wav", "wave", "aux",
    "mixer", "sampler", "default", "empty", "test", "tmp", "temp", "name", "noname",
];

/// Channel and format suffixes a DAW appends ("Kick.L", "Kick_st", "Kick 24bit").
#[rustfmt::skip]
pub(super) const FILLER_WORDS: &[&str] = &[
    "l", "r", "lr", "st", "stereo", "mono", "bit", "khz", "hz", "wet", "dry", "v", "ver", "version",
];

/// Whole names (or their last part) that mean the full mix.
#[rustfmt::skip]
pub(super) const MIX_PHRASES: &[&[&str]] = &[
    &["mix"], &["mixdown"], &["mix", "down"], &["full", "mix"], &["final", "mix"],
    &["stereo", "mix"], &["main", "mix"], &["beat", "mix"], &["instrumental", "mix"],
];
