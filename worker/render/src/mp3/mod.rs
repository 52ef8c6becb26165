//! MP3 encoding with LAME, and the ID3v2 tag of the MP3 lease file.

mod encoder;
mod id3_tag;

pub(crate) use encoder::{Mp3File, bitrate};
pub(crate) use id3_tag::lease_tag;
