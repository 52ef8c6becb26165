//! The store's API as `trackout upload` speaks it: the bearer token on every request, and an
//! answer sorted into what is worth retrying (the network, a 5xx, a busy upload) and what is
//! the store's final word (its problem+json `code` and `detail`).

use std::time::Duration;

use reqwest::{Method, RequestBuilder, Response, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::answers::{Processing, SessionAnswer};
use uuid::Uuid;

/// Why a request did not get the answer it wanted.
#[derive(Debug)]
pub enum Failure {
    /// The connection dropped, timed out, or the store had a passing problem: ask again.
    Retry(String),
    /// The store refused; asking again would get the same answer.
    Refused {
        status: StatusCode,
        code: String,
        message: String,
    },
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Retry(why) => write!(f, "{why}"),
            Failure::Refused {
                status,
                code,
                message,
                ..
            } => write!(
                f,
                "the store refused ({} {code}): {message}",
                status.as_u16()
            ),
        }
    }
}

impl From<reqwest::Error> for Failure {
    fn from(e: reqwest::Error) -> Self {
        // The whole chain: "error sending request" alone says nothing about a reset.
        let mut why = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            why.push_str(": ");
            why.push_str(&s.to_string());
            source = s.source();
        }
        Failure::Retry(why)
    }
}

/// An RFC 9457 problem, as the store writes its refusals.
#[derive(Default, Deserialize)]
struct Problem {
    code: Option<String>,
    detail: Option<String>,
    title: Option<String>,
}

/// Codes that mean "not now" rather than "no".
const PASSING: [&str; 3] = ["upload_busy", "upload_interrupted", "rate_limited"];

/// Sorts a non-success answer: 5xx, 408, 429 and the passing codes are retried.
pub async fn failure(response: Response) -> Failure {
    let status = response.status();
    let problem: Problem = response.json().await.unwrap_or_default();
    let code = problem.code.unwrap_or_default();
    let message = problem.detail.or(problem.title).unwrap_or_else(|| {
        status
            .canonical_reason()
            .unwrap_or("no reason given")
            .to_owned()
    });
    if status.is_server_error()
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
        || PASSING.contains(&code.as_str())
    {
        return Failure::Retry(format!("{} {code}: {message}", status.as_u16()));
    }
    Failure::Refused {
        status,
        code,
        message,
    }
}

pub struct Store {
    http: reqwest::Client,
    base: Url,
    token: SecretString,
}

/// The listing a trackout is checked against.
#[derive(Deserialize)]
pub struct Beat {
    pub title: String,
    pub bpm: i32,
    pub key: String,
}

impl Store {
    pub fn new(base: &str, token: SecretString) -> anyhow::Result<Store> {
        let base = Url::parse(base.trim_end_matches('/'))
            .map_err(|e| anyhow::anyhow!("TRACKOUT_URL {base:?} is not a URL: {e}"))?;
        // The token goes with every request: never in the clear past this machine.
        let host = base.host_str().unwrap_or_default();
        let loopback = host == "localhost"
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        match base.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => anyhow::bail!(
                "TRACKOUT_URL must start with https:// (http:// only for a store on this machine): {base}"
            ),
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(15))
            .user_agent(concat!("trackout-upload/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Store { http, base, token })
    }

    /// `path` is either the API path under the store's address or the absolute path or URL
    /// the store handed out (an upload session's `upload_url`).
    /// Only on the store's own origin: the bearer token goes with every request.
    pub fn url(&self, path: &str) -> Result<Url, Failure> {
        let refused = |message: String| Failure::Refused {
            status: StatusCode::BAD_GATEWAY,
            code: "bad_url".into(),
            message,
        };
        let url = self.base.join(path).map_err(|e| {
            refused(format!(
                "the store handed out {path:?}, which is not a URL: {e}"
            ))
        })?;
        if url.origin() != self.base.origin() {
            return Err(refused(format!(
                "the store handed out {url}, which is not on {}; the token is not sent there",
                self.base
            )));
        }
        Ok(url)
    }

    pub fn request(&self, method: Method, url: Url) -> RequestBuilder {
        self.http
            .request(method, url)
            .bearer_auth(self.token.expose_secret())
    }

    /// A request off the store's origin (a presigned part URL): no token goes with it.
    pub fn foreign(&self, method: Method, url: Url) -> RequestBuilder {
        self.http.request(method, url)
    }

    async fn json<T: DeserializeOwned>(&self, builder: RequestBuilder) -> Result<T, Failure> {
        let response = builder.send().await?;
        if !response.status().is_success() {
            return Err(failure(response).await);
        }
        Ok(response.json().await?)
    }

    pub async fn beat(&self, id: Uuid) -> Result<Beat, Failure> {
        let url = self.url(&format!("/api/v1/beats/{id}"))?;
        self.json(self.request(Method::GET, url)).await
    }

    /// `POST /beats/{id}/uploads`: the session answer, whatever its protocol.
    pub async fn open_session(
        &self,
        beat: Uuid,
        kind: &str,
        size: u64,
        filename: &str,
    ) -> Result<SessionAnswer, Failure> {
        let url = self.url(&format!("/api/v1/beats/{beat}/uploads"))?;
        let body = serde_json::json!({ "kind": kind, "size": size, "filename": filename });
        self.json(self.request(Method::POST, url).json(&body)).await
    }

    pub async fn processing(&self, beat: Uuid) -> Result<Processing, Failure> {
        let url = self.url(&format!("/api/v1/beats/{beat}/processing"))?;
        self.json(self.request(Method::GET, url)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> SecretString {
        SecretString::from("t".to_owned())
    }

    #[test]
    fn plain_http_only_to_this_machine() {
        for ok in [
            "https://beats.example.com",
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:2",
        ] {
            assert!(Store::new(ok, token()).is_ok(), "{ok}");
        }
        for refused in [
            "http://beats.example.com",
            "http://192.168.1.10",
            "ftp://127.0.0.1",
            "beats.example.com",
        ] {
            assert!(Store::new(refused, token()).is_err(), "{refused}");
        }
    }

    #[test]
    fn the_token_goes_to_the_stores_origin_only() {
        let store = Store::new("https://beats.example.com/", token()).unwrap();
        assert_eq!(
            store.url("/api/v1/uploads/1").unwrap().as_str(),
            "https://beats.example.com/api/v1/uploads/1"
        );
        for foreign in [
            "https://evil.example/api/v1/uploads/1",
            "//evil.example/x",
            "http://beats.example.com/x",
            "https://beats.example.com:444/x",
        ] {
            assert!(store.url(foreign).is_err(), "{foreign}");
        }
    }
}
