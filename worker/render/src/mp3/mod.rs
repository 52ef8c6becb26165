//! MP3 encoding with LAME, and the ID3v2 tag of the MP3 lease file.

mod encoder;
mod id3_tag;

pub(crate) use encoder::{LAME_DEFAULT_QUALITY, Mp3File};
pub(crate) use id3_tag::lease_tag;
