//! Writing metadata into a WAV without touching its audio: RIFF INFO, a BWF `bext` chunk
//! and an EBU Tech 3352 `axml` chunk for the ISRC, in front of a byte-for-byte copy of the
//! `data` chunk.

mod axml;
mod bext;
mod header;
mod info;
mod text;

pub(crate) use bext::BextLoudness;
pub(crate) use header::{SourceHeader, Tagging, copy_data, output_header};
