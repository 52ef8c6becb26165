//! Uploads a client sends straight to the backend in numbered parts, through URLs the backend
//! signs: S3's multipart upload with presigned `UploadPart`. The bytes never pass through the
//! store; it only opens, lists, completes and aborts. The local backend has none (it takes
//! resumable uploads over tus instead).

use std::time::Duration;

use async_trait::async_trait;

use super::{ObjectKey, StorageError};

/// S3's bounds on a multipart upload: part numbers 1 to 10,000, every part but the last at
/// least 5 MiB, none over 5 GiB.
pub const MAX_PARTS: u32 = 10_000;
pub const MIN_PART_BYTES: u64 = 5 * 1024 * 1024;
pub const MAX_PART_BYTES: u64 = 5 * 1024 * 1024 * 1024;

/// A part as the bucket holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPart {
    pub number: u32,
    pub size: u64,
    /// `None` when the bucket does not report it (s3s-fs lists sizes only).
    pub etag: Option<String>,
}

/// A part as the client says it sent it, for completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentPart {
    pub number: u32,
    pub etag: String,
}

#[async_trait]
pub trait DirectUploads: Send + Sync {
    /// Opens a multipart upload whose object will appear at `key` once completed; answers the
    /// backend's upload id.
    async fn open(&self, key: &ObjectKey, content_type: &str) -> Result<String, StorageError>;

    /// A URL that takes exactly `length` bytes as part `number` with one `PUT`, until
    /// `expires_in` has passed. The length is signed, so a bucket that checks signatures
    /// refuses a body of any other size.
    async fn part_url(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        number: u32,
        length: u64,
        expires_in: Duration,
    ) -> Result<String, StorageError>;

    /// The parts the bucket holds, in part order. `NotFound` when the bucket says the upload
    /// does not exist (completed or aborted); some buckets answer an empty list instead.
    async fn parts(
        &self,
        key: &ObjectKey,
        upload_id: &str,
    ) -> Result<Vec<StoredPart>, StorageError>;

    /// Assembles the parts into the object at `key`.
    async fn complete(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        parts: &[SentPart],
    ) -> Result<(), StorageError>;

    /// Frees every part; aborting an upload the bucket no longer knows succeeds.
    async fn abort(&self, key: &ObjectKey, upload_id: &str) -> Result<(), StorageError>;
}

/// The part size for an upload of `size` bytes: at least `floor` (and S3's 5 MiB), whole
/// MiB, and large enough that the upload takes at most 10,000 parts.
pub fn part_size_for(size: u64, floor: u64) -> u64 {
    const MIB: u64 = 1024 * 1024;
    let needed = size.div_ceil(u64::from(MAX_PARTS)).div_ceil(MIB) * MIB;
    needed.max(floor).max(MIN_PART_BYTES)
}

/// How many parts an upload of `size` bytes takes at `part_size`, and the length of part
/// `number` (1-based); `None` past the last part.
pub fn part_count(size: u64, part_size: u64) -> u32 {
    u32::try_from(size.div_ceil(part_size.max(1))).unwrap_or(u32::MAX)
}

pub fn part_length(size: u64, part_size: u64, number: u32) -> Option<u64> {
    if number == 0 || number > part_count(size, part_size) {
        return None;
    }
    let start = u64::from(number - 1) * part_size;
    Some((size - start).min(part_size))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;
    const GIB: u64 = 1024 * MIB;

    #[test]
    fn parts_are_at_least_the_floor_and_never_more_than_ten_thousand() {
        assert_eq!(part_size_for(1, 8 * MIB), 8 * MIB);
        assert_eq!(part_size_for(8 * GIB, 8 * MIB), 8 * MIB);
        // 100 GB needs more than 8 MiB parts to stay within 10,000.
        let big = 100 * 1000 * 1000 * 1000;
        let part = part_size_for(big, 8 * MIB);
        assert!(part_count(big, part) <= MAX_PARTS, "{part}");
        assert_eq!(part % MIB, 0);
        // S3's own floor holds whatever is configured.
        assert_eq!(part_size_for(10, 1), MIN_PART_BYTES);
        // The largest object S3 takes still fits.
        let most = 5 * 1024 * GIB;
        assert!(part_count(most, part_size_for(most, 8 * MIB)) <= MAX_PARTS);
    }

    #[test]
    fn the_last_part_holds_the_rest() {
        let size = 20 * MIB + 3;
        assert_eq!(part_count(size, 8 * MIB), 3);
        assert_eq!(part_length(size, 8 * MIB, 1), Some(8 * MIB));
        assert_eq!(part_length(size, 8 * MIB, 3), Some(4 * MIB + 3));
        assert_eq!(part_length(size, 8 * MIB, 0), None);
        assert_eq!(part_length(size, 8 * MIB, 4), None);
        assert_eq!(part_length(16 * MIB, 8 * MIB, 2), Some(8 * MIB));
    }
}
