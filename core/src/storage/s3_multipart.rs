//! S3's multipart upload, driven by the store and filled by the client through presigned
//! `UploadPart` URLs.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};

use super::multipart::{DirectUploads, SentPart, StoredPart};
use super::s3::{S3Storage, backend};
use super::{ObjectKey, StorageError};

/// The bucket's word for an upload it does not know (completed, aborted or never made).
fn no_such_upload<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    matches!(e, SdkError::ServiceError(se) if se.err().code() == Some("NoSuchUpload"))
}

#[async_trait]
impl DirectUploads for S3Storage {
    async fn open(&self, key: &ObjectKey, content_type: &str) -> Result<String, StorageError> {
        let created = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type)
            .send()
            .await
            .map_err(backend)?;
        created
            .upload_id()
            .map(str::to_owned)
            .ok_or_else(|| StorageError::Backend("no multipart upload id".into()))
    }

    async fn part_url(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        number: u32,
        length: u64,
        expires_in: Duration,
    ) -> Result<String, StorageError> {
        let presigning = PresigningConfig::expires_in(expires_in).map_err(backend)?;
        let request = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(key.as_str())
            .upload_id(upload_id)
            .part_number(i32::try_from(number).map_err(backend)?)
            .content_length(i64::try_from(length).map_err(backend)?)
            .presigned(presigning)
            .await
            .map_err(backend)?;
        Ok(request.uri().to_owned())
    }

    async fn parts(
        &self,
        key: &ObjectKey,
        upload_id: &str,
    ) -> Result<Vec<StoredPart>, StorageError> {
        let mut parts = Vec::new();
        let mut marker: Option<String> = None;
        // A bucket lists at most 1,000 parts per page; 10,000 parts is eleven pages at most,
        // and the bound keeps a bucket that always says "truncated" from looping us forever.
        for _ in 0..=11 {
            let page = self
                .client
                .list_parts()
                .bucket(&self.bucket)
                .key(key.as_str())
                .upload_id(upload_id)
                .set_part_number_marker(marker.take())
                .send()
                .await
                .map_err(|e| {
                    if no_such_upload(&e) {
                        StorageError::NotFound(format!("multipart upload of {key}"))
                    } else {
                        backend(e)
                    }
                })?;
            for part in page.parts() {
                let (Some(number), Some(size)) = (part.part_number(), part.size()) else {
                    continue;
                };
                let (Ok(number), Ok(size)) = (u32::try_from(number), u64::try_from(size)) else {
                    continue;
                };
                parts.push(StoredPart {
                    number,
                    size,
                    etag: part.e_tag().map(str::to_owned),
                });
            }
            match (page.is_truncated(), page.next_part_number_marker()) {
                (Some(true), Some(next)) => marker = Some(next.to_owned()),
                _ => break,
            }
        }
        // Not every bucket lists in order (s3s-fs lists in directory order).
        parts.sort_by_key(|p| p.number);
        parts.dedup_by_key(|p| p.number);
        Ok(parts)
    }

    async fn complete(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        parts: &[SentPart],
    ) -> Result<(), StorageError> {
        let parts = parts
            .iter()
            .map(|p| {
                Ok(CompletedPart::builder()
                    .part_number(i32::try_from(p.number).map_err(backend)?)
                    .e_tag(&p.etag)
                    .build())
            })
            .collect::<Result<Vec<_>, StorageError>>()?;
        self.client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(key.as_str())
            .upload_id(upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .send()
            .await
            .map_err(|e| {
                if no_such_upload(&e) {
                    StorageError::NotFound(format!("multipart upload of {key}"))
                } else {
                    backend(e)
                }
            })?;
        Ok(())
    }

    async fn abort(&self, key: &ObjectKey, upload_id: &str) -> Result<(), StorageError> {
        match self
            .client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(key.as_str())
            .upload_id(upload_id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if no_such_upload(&e) => Ok(()),
            Err(e) => Err(backend(e)),
        }
    }
}
