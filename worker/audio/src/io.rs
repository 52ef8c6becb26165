//! Reading the way a parser needs it.

use std::io::{self, Read};

/// Reads until `buf` is full or the stream ends; returns how much it read. `Read::read` may
/// return less than asked at any time (a zip entry inflating, a pipe); `read_exact` cannot say
/// how much it got before the end.
pub fn read_full<R: Read + ?Sized>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
