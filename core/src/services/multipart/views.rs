//! What the multipart routes answer and take.

use chrono::{DateTime, Utc};
use entity::upload_session;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::PROTOCOL;
use crate::domain::UploadKind;
use crate::storage::multipart::part_count;

#[derive(Debug, Serialize, ToSchema)]
pub struct MultipartSession {
    pub id: Uuid,
    /// `s3_multipart`: send the parts to the URLs `parts_url` hands out.
    pub protocol: &'static str,
    /// `master`, `trackout` or `voice_tag`.
    #[schema(value_type = String)]
    pub kind: UploadKind,
    pub size_bytes: u64,
    /// Every part but the last holds exactly this many bytes; the last holds the rest.
    pub part_size_bytes: u64,
    pub part_count: u32,
    pub expires_at: DateTime<Utc>,
    /// The session: `DELETE` aborts it.
    pub upload_url: String,
    /// `POST {part_numbers}` signs part URLs; `GET` lists the parts the bucket holds.
    pub parts_url: String,
    /// `POST {parts: [{part_number, etag}]}` once every part is in the bucket.
    pub complete_url: String,
}

impl MultipartSession {
    pub(super) fn of(
        s: &upload_session::Model,
        kind: UploadKind,
        part_size: u64,
    ) -> MultipartSession {
        let size = s.size_bytes.max(0) as u64;
        let url = format!("/api/v1/uploads/{}", s.id);
        MultipartSession {
            id: s.id,
            protocol: PROTOCOL,
            kind,
            size_bytes: size,
            part_size_bytes: part_size,
            part_count: part_count(size, part_size),
            expires_at: s.expires_at,
            parts_url: format!("{url}/parts"),
            complete_url: format!("{url}/complete"),
            upload_url: url,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartUrl {
    pub part_number: u32,
    /// `PUT` exactly `size_bytes` bytes here; the answer's `ETag` header is the part's ETag.
    pub url: String,
    pub size_bytes: u64,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartUrls {
    pub parts: Vec<PartUrl>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListedPart {
    pub part_number: u32,
    pub size_bytes: u64,
    /// `null` when the bucket does not report it (some S3-compatible stores list sizes only).
    pub etag: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListedParts {
    pub part_size_bytes: u64,
    pub part_count: u32,
    /// The parts the bucket holds, in order: send the others.
    pub parts: Vec<ListedPart>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CompletedPartIn {
    pub part_number: u32,
    /// The `ETag` header the bucket answered the part's `PUT` with.
    pub etag: String,
}
