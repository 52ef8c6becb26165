use std::net::SocketAddr;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use tempfile::TempDir;
use tokio::net::TcpListener;
use trackout_core::config::S3Config;

pub const ACCESS_KEY: &str = "trackout-test-access";
pub const SECRET_KEY: &str = "trackout-test-secret-key";
pub const REGION: &str = "us-east-1";

/// An S3-compatible server (s3s-fs) on 127.0.0.1, in this process, checking SigV4 signatures
/// with a fixed key pair. Each instance has its own directory and one bucket.
pub struct S3Server {
    pub endpoint: String,
    pub bucket: String,
    pub root: TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl S3Server {
    pub async fn start() -> S3Server {
        let root = tempfile::tempdir().expect("s3 root");
        let bucket = "trackout-test".to_owned();
        std::fs::create_dir(root.path().join(&bucket)).expect("bucket dir");
        let fs = s3s_fs::FileSystem::new(root.path()).expect("s3s-fs");
        let service = {
            let mut builder = S3ServiceBuilder::new(fs);
            builder.set_auth(SimpleAuth::from_single(ACCESS_KEY, SECRET_KEY));
            builder.build()
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind s3");
        let addr: SocketAddr = listener.local_addr().expect("s3 addr");
        let task = tokio::spawn(async move {
            let http = ConnBuilder::new(TokioExecutor::new());
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    continue;
                };
                let conn = http
                    .serve_connection(TokioIo::new(socket), service.clone())
                    .into_owned();
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
        });
        S3Server {
            endpoint: format!("http://{addr}"),
            bucket,
            root,
            task,
        }
    }

    /// The store's S3 settings for this server.
    pub fn config(&self) -> S3Config {
        S3Config {
            bucket: Some(self.bucket.clone()),
            endpoint_url: Some(self.endpoint.clone()),
            region: Some(REGION.to_owned()),
            access_key_id: Some(ACCESS_KEY.to_owned()),
            secret_access_key: Some(SECRET_KEY.to_owned().into()),
            force_path_style: true,
            // The smallest part S3 allows, so that multipart uploads happen at test sizes.
            multipart_part_bytes: 5 * 1024 * 1024,
        }
    }
}

/// An S3 server the tests can look inside, to see what the bucket really holds.
#[async_trait::async_trait]
pub trait TestBucket: Send + Sync {
    fn name(&self) -> &'static str;
    /// The store's S3 settings for this server.
    fn config(&self) -> S3Config;
    /// Whether a request whose signed headers do not match is refused.
    fn checks_signatures(&self) -> bool;
    /// Whether the multipart upload `upload_id` is still open in the bucket.
    async fn holds_upload(&self, upload_id: &str) -> bool;
    async fn object(&self, key: &str) -> Option<Vec<u8>>;
}

#[async_trait::async_trait]
impl TestBucket for S3Server {
    fn name(&self) -> &'static str {
        "s3s-fs"
    }

    fn config(&self) -> S3Config {
        S3Server::config(self)
    }

    fn checks_signatures(&self) -> bool {
        true
    }

    /// s3s-fs lists no multipart uploads; it keeps each as `.upload-<id>.json` and its parts
    /// as `.upload_id-<id>.part-<n>` at its root.
    async fn holds_upload(&self, upload_id: &str) -> bool {
        let record = format!(".upload-{upload_id}.json");
        let parts = format!(".upload_id-{upload_id}.part-");
        std::fs::read_dir(self.root.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name == record || name.starts_with(&parts)
            })
    }

    async fn object(&self, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.root.path().join(&self.bucket).join(key)).ok()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}
