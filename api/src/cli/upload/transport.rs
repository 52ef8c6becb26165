//! How a file's bytes reach the store, chosen from the session answer: tus to the store
//! itself (local storage), or S3 multipart, the parts straight to the bucket.

use std::path::Path;

use super::answers::{Accepted, SessionAnswer};
use super::multipart::{Multipart, Session};
use super::progress::Meter;
use super::store::Store;
use super::tus::Tus;

/// Retrying: after a failure, wait `BACKOFF_START` doubling up to `BACKOFF_MAX`; give up after
/// `GIVE_UP_AFTER` failures in a row with no byte gained between them.
pub struct Retry {
    pub backoff_start: std::time::Duration,
    pub backoff_max: std::time::Duration,
    pub give_up_after: u32,
}

impl Retry {
    pub fn wait(&self, failures: u32) -> std::time::Duration {
        let doubled = self
            .backoff_start
            .saturating_mul(1u32 << failures.saturating_sub(1).min(16));
        doubled.min(self.backoff_max)
    }
}

pub enum Transport {
    Tus(Tus),
    Multipart(Multipart),
}

/// What ended an upload that did not complete.
#[derive(Debug)]
pub enum SendError {
    /// The store refused the bytes or the file (too large, not a WAV…): its words.
    Refused(String),
    /// The store stopped answering; the session stays open until it expires.
    GaveUp(String),
    /// The session is gone after the last byte was sent, and its answer was lost: whether
    /// the store recorded the upload is read back from the beat.
    Unconfirmed,
}

impl Transport {
    /// The transport the store asked for in `session`, or why this client cannot use it.
    pub fn for_session(session: &SessionAnswer) -> Result<Transport, String> {
        match session.protocol.as_deref() {
            None | Some("tus") => {
                let url = session
                    .upload_url
                    .clone()
                    .ok_or("the store opened a tus session without an upload_url")?;
                Ok(Transport::Tus(Tus::new(
                    url,
                    session.size_bytes,
                    session.offset_bytes,
                )))
            }
            Some("s3_multipart") => {
                let missing = |what: &str| {
                    format!("the store opened an S3 multipart session without a {what}")
                };
                let addresses = Session {
                    upload_url: session
                        .upload_url
                        .clone()
                        .ok_or_else(|| missing("upload_url"))?,
                    parts_url: session
                        .parts_url
                        .clone()
                        .ok_or_else(|| missing("parts_url"))?,
                    complete_url: session
                        .complete_url
                        .clone()
                        .ok_or_else(|| missing("complete_url"))?,
                };
                Ok(Transport::Multipart(Multipart::new(
                    addresses,
                    session.size_bytes,
                )))
            }
            Some(other) => Err(format!(
                "the store asked for an upload protocol this version does not know: {other:?}"
            )),
        }
    }

    pub async fn send(
        &self,
        store: &Store,
        file: &Path,
        chunk: u64,
        retry: &Retry,
        meter: &mut Meter,
    ) -> Result<Accepted, SendError> {
        match self {
            Transport::Tus(tus) => tus.send(store, file, chunk, retry, meter).await,
            // Parts are as large as the store says; `chunk` is tus's.
            Transport::Multipart(multipart) => multipart.send(store, file, retry, meter).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(protocol: Option<&str>) -> SessionAnswer {
        SessionAnswer {
            protocol: protocol.map(str::to_owned),
            upload_url: Some("/api/v1/uploads/x".into()),
            size_bytes: 10,
            offset_bytes: 0,
            parts_url: Some("/api/v1/uploads/x/parts".into()),
            complete_url: Some("/api/v1/uploads/x/complete".into()),
        }
    }

    #[test]
    fn the_session_names_the_transport() {
        assert!(matches!(
            Transport::for_session(&answer(None)),
            Ok(Transport::Tus(_))
        ));
        assert!(matches!(
            Transport::for_session(&answer(Some("tus"))),
            Ok(Transport::Tus(_))
        ));
        let Ok(Transport::Multipart(multipart)) =
            Transport::for_session(&answer(Some("s3_multipart")))
        else {
            panic!("an S3 multipart session goes to the bucket");
        };
        assert_eq!(
            multipart.session().complete_url,
            "/api/v1/uploads/x/complete"
        );
        let mut half = answer(Some("s3_multipart"));
        half.parts_url = None;
        let Err(why) = Transport::for_session(&half) else {
            panic!("a multipart session without its parts URL cannot be sent");
        };
        assert!(why.contains("parts_url"), "{why}");
        let Err(why) = Transport::for_session(&answer(Some("ftp"))) else {
            panic!("an unknown protocol is refused");
        };
        assert!(why.contains("\"ftp\""), "{why}");
    }

    #[test]
    fn backoff_doubles_to_its_cap() {
        let retry = Retry {
            backoff_start: std::time::Duration::from_millis(500),
            backoff_max: std::time::Duration::from_secs(30),
            give_up_after: 8,
        };
        let waits: Vec<u64> = (1..=9).map(|n| retry.wait(n).as_millis() as u64).collect();
        assert_eq!(
            waits,
            [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]
        );
    }
}
