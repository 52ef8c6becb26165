//! The parts of the store's answers that `trackout upload` reads, as types: the server's
//! views are written for JSON, and this client reads back only what it acts on.

use serde::Deserialize;

/// `POST /beats/{id}/uploads`. `protocol` is absent from stores that only speak tus.
#[derive(Debug, Deserialize)]
pub struct SessionAnswer {
    pub protocol: Option<String>,
    pub upload_url: Option<String>,
    pub size_bytes: u64,
    #[serde(default)]
    pub offset_bytes: u64,
    /// `s3_multipart` only.
    pub parts_url: Option<String>,
    pub complete_url: Option<String>,
}

/// An upload the store recorded.
#[derive(Debug, Deserialize)]
pub struct Recorded {
    pub kind: String,
    pub size_bytes: u64,
    pub sha256: String,
}

/// The answer to the `PATCH` that brought the last byte.
#[derive(Debug, Deserialize)]
pub struct Accepted {
    pub upload: Recorded,
}

#[derive(Debug, Deserialize)]
pub struct Processing {
    pub uploads: Vec<Recorded>,
    pub check: Check,
    pub deliverables: Vec<Deliverable>,
    pub publish: Readiness,
}

#[derive(Debug, Deserialize)]
pub struct Check {
    /// `missing`, `pending`, `passed` or `failed`.
    pub state: String,
    pub error_count: i64,
    pub warning_count: i64,
}

#[derive(Debug, Deserialize)]
pub struct Deliverable {
    pub kind: String,
    pub state: String,
    pub error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Readiness {
    pub publishable: bool,
    pub blocking: Vec<Blocker>,
}

#[derive(Debug, Deserialize)]
pub struct Blocker {
    pub code: String,
    pub message: String,
    /// Processing may still clear it by itself.
    pub waiting: bool,
}
