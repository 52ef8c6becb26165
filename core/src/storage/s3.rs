use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{DisplayErrorContext, SdkError};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream as AwsBody;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use bytes::{Bytes, BytesMut};
use futures_util::{StreamExt, TryStreamExt};

use super::multipart::DirectUploads;
use super::{ByteRange, ByteStream, ObjectBody, ObjectKey, ObjectMeta, Storage, StorageError};
use crate::config::S3Config;

/// Any S3-compatible bucket (AWS, MinIO, Garage, Ceph, R2). Credentials and region come from
/// the standard `AWS_*` variables through the SDK's own chain.
#[derive(Debug, Clone)]
pub struct S3Storage {
    pub(super) client: Client,
    pub(super) bucket: String,
    part_bytes: usize,
}

pub(super) fn backend<E: std::error::Error + 'static>(e: E) -> StorageError {
    StorageError::Backend(DisplayErrorContext(e).to_string())
}

impl S3Storage {
    pub async fn from_config(config: &S3Config) -> Result<S3Storage, StorageError> {
        let bucket = config
            .bucket
            .clone()
            .ok_or_else(|| StorageError::Backend("no bucket configured".into()))?;
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let mut loader =
            aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(http);
        if let Some(region) = &config.region {
            loader = loader.region(aws_config::Region::new(region.clone()));
        }
        if let Some(endpoint) = &config.endpoint_url {
            loader = loader.endpoint_url(endpoint);
        }
        if let (Some(id), Some(secret)) = (&config.access_key_id, &config.secret_access_key) {
            loader = loader.credentials_provider(aws_sdk_s3::config::Credentials::new(
                id,
                secrecy::ExposeSecret::expose_secret(secret),
                None,
                None,
                "trackout-config",
            ));
        }
        let sdk = loader.load().await;
        let s3 = aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(config.force_path_style)
            .build();
        Ok(S3Storage {
            client: Client::from_conf(s3),
            bucket,
            // S3 refuses parts under 5 MiB (all but the last).
            part_bytes: config.multipart_part_bytes.max(5 * 1024 * 1024) as usize,
        })
    }

    /// Fills a buffer of up to one part from the body; `None` when the body is done.
    async fn next_part(
        &self,
        body: &mut ByteStream,
        carry: &mut BytesMut,
    ) -> Result<Option<Bytes>, StorageError> {
        while carry.len() < self.part_bytes {
            match body.try_next().await.map_err(StorageError::Body)? {
                Some(chunk) => carry.extend_from_slice(&chunk),
                None => break,
            }
        }
        if carry.is_empty() {
            return Ok(None);
        }
        let take = carry.len().min(self.part_bytes);
        Ok(Some(carry.split_to(take).freeze()))
    }

    async fn put_multipart(
        &self,
        key: &ObjectKey,
        first: Bytes,
        body: &mut ByteStream,
        carry: &mut BytesMut,
        content_type: &str,
    ) -> Result<u64, StorageError> {
        let created = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type)
            .send()
            .await
            .map_err(backend)?;
        let upload_id = created
            .upload_id()
            .ok_or_else(|| StorageError::Backend("no multipart upload id".into()))?
            .to_owned();
        let uploaded = async {
            let mut parts = Vec::new();
            let mut total = 0u64;
            let mut next = Some(first);
            while let Some(part) = next {
                total += part.len() as u64;
                let number = parts.len() as i32 + 1;
                let done = self
                    .client
                    .upload_part()
                    .bucket(&self.bucket)
                    .key(key.as_str())
                    .upload_id(&upload_id)
                    .part_number(number)
                    .body(AwsBody::from(part))
                    .send()
                    .await
                    .map_err(backend)?;
                parts.push(
                    CompletedPart::builder()
                        .part_number(number)
                        .set_e_tag(done.e_tag().map(str::to_owned))
                        .build(),
                );
                next = self.next_part(body, carry).await?;
            }
            self.client
                .complete_multipart_upload()
                .bucket(&self.bucket)
                .key(key.as_str())
                .upload_id(&upload_id)
                .multipart_upload(
                    CompletedMultipartUpload::builder()
                        .set_parts(Some(parts))
                        .build(),
                )
                .send()
                .await
                .map_err(backend)?;
            Ok::<_, StorageError>(total)
        }
        .await;
        if uploaded.is_err() {
            // Nothing becomes visible under the key until completion; aborting frees the parts.
            let _ = self
                .client
                .abort_multipart_upload()
                .bucket(&self.bucket)
                .key(key.as_str())
                .upload_id(&upload_id)
                .send()
                .await;
        }
        uploaded
    }
}

#[async_trait]
impl Storage for S3Storage {
    fn backend(&self) -> &'static str {
        "s3"
    }

    async fn put(
        &self,
        key: &ObjectKey,
        mut body: ByteStream,
        content_type: &str,
    ) -> Result<u64, StorageError> {
        let mut carry = BytesMut::new();
        let Some(first) = self.next_part(&mut body, &mut carry).await? else {
            self.client
                .put_object()
                .bucket(&self.bucket)
                .key(key.as_str())
                .content_type(content_type)
                .body(AwsBody::from_static(b""))
                .send()
                .await
                .map_err(backend)?;
            return Ok(0);
        };
        if first.len() < self.part_bytes {
            let len = first.len() as u64;
            self.client
                .put_object()
                .bucket(&self.bucket)
                .key(key.as_str())
                .content_type(content_type)
                .body(AwsBody::from(first))
                .send()
                .await
                .map_err(backend)?;
            return Ok(len);
        }
        self.put_multipart(key, first, &mut body, &mut carry, content_type)
            .await
    }

    async fn get(
        &self,
        key: &ObjectKey,
        range: Option<ByteRange>,
    ) -> Result<ObjectBody, StorageError> {
        let mut request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str());
        if let Some(r) = range {
            request = request.range(format!("bytes={}-{}", r.start, r.end));
        }
        let response = request.send().await.map_err(|e| match &e {
            SdkError::ServiceError(se) if se.err().is_no_such_key() => {
                StorageError::NotFound(key.to_string())
            }
            _ => backend(e),
        })?;
        let size = match (range, response.content_range()) {
            (Some(_), Some(content_range)) => content_range
                .rsplit('/')
                .next()
                .and_then(|total| total.parse().ok())
                .unwrap_or_default(),
            _ => response.content_length().unwrap_or_default().max(0) as u64,
        };
        let reader = response.body.into_async_read();
        let stream = tokio_util::io::ReaderStream::with_capacity(reader, 256 * 1024).boxed();
        Ok(ObjectBody { size, stream })
    }

    async fn head(&self, key: &ObjectKey) -> Result<Option<ObjectMeta>, StorageError> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
        {
            Ok(head) => Ok(Some(ObjectMeta {
                size: head.content_length().unwrap_or_default().max(0) as u64,
            })),
            Err(SdkError::ServiceError(se)) if se.err().is_not_found() => Ok(None),
            Err(e) => Err(backend(e)),
        }
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), StorageError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn presigned_get(
        &self,
        key: &ObjectKey,
        expires_in: Duration,
        content_disposition: Option<&str>,
    ) -> Result<Option<String>, StorageError> {
        let presigning = PresigningConfig::expires_in(expires_in).map_err(backend)?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .set_response_content_disposition(content_disposition.map(str::to_owned))
            .presigned(presigning)
            .await
            .map_err(backend)?;
        Ok(Some(request.uri().to_owned()))
    }

    fn direct_uploads(&self) -> Option<&dyn DirectUploads> {
        Some(self)
    }

    async fn ping(&self) -> Result<(), StorageError> {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(backend)?;
        Ok(())
    }
}
