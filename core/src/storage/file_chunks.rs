//! A stored file as the chunks a download sends. Each chunk is read on the blocking pool
//! straight into the buffer that goes out: `tokio::fs::File` read into a buffer of its own and
//! `ReaderStream` copied that into another, one more pass over every byte of a multi-GB
//! trackout, and one blocking-pool trip per 256 KiB.

use std::fs::File;
use std::io::{self, Read};

use bytes::Bytes;
use futures_util::{StreamExt, stream};

use super::ByteStream;

/// Bytes per blocking-pool trip: large enough that the trips cost nothing next to the copy,
/// small enough that fifty downloads at once hold little (one chunk each while it is sent).
const CHUNK: u64 = 512 * 1024;

/// The next `len` bytes of `file` from where it is positioned. A file that ends early (cut
/// short on disk) fails the stream rather than ending it quietly short.
pub(super) fn chunks(file: File, len: u64) -> ByteStream {
    stream::try_unfold((file, len), |(file, left)| async move {
        if left == 0 {
            return Ok(None);
        }
        let (file, chunk) = tokio::task::spawn_blocking(move || read_chunk(file, left))
            .await
            .map_err(io::Error::other)??;
        let left = left - chunk.len() as u64;
        Ok(Some((chunk, (file, left))))
    })
    .boxed()
}

fn read_chunk(file: File, left: u64) -> io::Result<(File, Bytes)> {
    let want = left.min(CHUNK);
    // `read_to_end` fills the spare capacity without zeroing it first.
    let mut buffer = Vec::with_capacity(want as usize);
    (&file).take(want).read_to_end(&mut buffer)?;
    if (buffer.len() as u64) < want {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the stored file is shorter than its recorded size",
        ));
    }
    Ok((file, Bytes::from(buffer)))
}

#[cfg(test)]
mod tests {
    use std::io::{Seek, SeekFrom, Write};

    use futures_util::TryStreamExt;

    use super::*;

    /// An open file holding `bytes`, already unlinked (nothing to clean up).
    fn file_of(bytes: &[u8]) -> File {
        let path = std::env::temp_dir().join(format!("trackout-chunks-{}", uuid::Uuid::new_v4()));
        let mut file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .unwrap();
        std::fs::remove_file(&path).unwrap();
        file.write_all(bytes).unwrap();
        file.seek(SeekFrom::Start(0)).unwrap();
        file
    }

    async fn collect(stream: ByteStream) -> io::Result<(Vec<u8>, usize)> {
        let chunks: Vec<Bytes> = stream.try_collect().await?;
        Ok((chunks.concat(), chunks.len()))
    }

    #[tokio::test]
    async fn a_file_and_a_range_of_it_arrive_whole_in_bounded_chunks() {
        let bytes: Vec<u8> = (0..(2 * CHUNK + 12_345)).map(|i| (i % 251) as u8).collect();
        let (all, count) = collect(chunks(file_of(&bytes), bytes.len() as u64))
            .await
            .unwrap();
        assert_eq!(all, bytes);
        assert_eq!(count, 3, "two full chunks and the rest");

        let mut file = file_of(&bytes);
        file.seek(SeekFrom::Start(CHUNK - 7)).unwrap();
        let (part, _) = collect(chunks(file, CHUNK + 100)).await.unwrap();
        assert_eq!(
            part,
            &bytes[(CHUNK - 7) as usize..(2 * CHUNK + 93) as usize]
        );

        let (none, count) = collect(chunks(file_of(&bytes), 0)).await.unwrap();
        assert!(none.is_empty() && count == 0);
    }

    #[tokio::test]
    async fn a_file_shorter_than_its_size_fails_instead_of_ending_short() {
        let error = collect(chunks(file_of(&[7; 1000]), 5000))
            .await
            .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    }
}
