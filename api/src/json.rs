//! JSON request bodies that say which field was wrong: `{"field": "tiers[0].price_cents",
//! "detail": "price must be from 50 to 100000000 cents"}`, so a form can mark the input.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::ApiError;

const LIMIT: usize = 256 * 1024;

pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// serde_json appends " at line 1 column 24" to every message: noise to a person.
fn plain(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_owned(),
        _ => message.to_owned(),
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                ct.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("application/json")
            });
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::bad_request(
                    "unsupported_media_type",
                    "send the body as application/json",
                ));
            }
            let bytes = body
                .await
                .map_err(|e| ApiError::bad_request("malformed_json", e.to_string()))?;
            if bytes.len() > LIMIT {
                return Err(trackout_core::Error::TooLarge {
                    what: "request body",
                    limit: LIMIT as u64,
                }
                .into());
            }
            let mut de = serde_json::Deserializer::from_slice(&bytes);
            serde_path_to_error::deserialize(&mut de)
                .map(Json)
                .map_err(|e| {
                    let path = e.path().to_string();
                    let inner = e.into_inner();
                    if inner.is_data() {
                        ApiError::InvalidField {
                            field: if path == "." { "body".into() } else { path },
                            message: plain(&inner.to_string()),
                        }
                    } else {
                        ApiError::bad_request("malformed_json", plain(&inner.to_string()))
                    }
                })
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn serde_positions_are_dropped() {
        assert_eq!(
            super::plain("BPM must be a whole number from 40 to 300 at line 1 column 24"),
            "BPM must be a whole number from 40 to 300"
        );
        assert_eq!(
            super::plain("title must not be empty"),
            "title must not be empty"
        );
    }
}
