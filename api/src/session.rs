//! Who is calling: the `Authorization: Bearer` session token, verified, then checked against
//! its session row (cached for a couple of seconds, see `sessions::CACHE_SECONDS`), so that a
//! logged-out or revoked session stops working.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use trackout_core::auth::TokenError;
use trackout_core::services::Actor;
use uuid::Uuid;

use crate::{ApiError, AppState};

/// A signed-in user and the id of the session the request came with; the request is refused
/// with 401 without one.
pub struct Session(pub Actor, pub Uuid);

/// A signed-in user if the request carries a session. A token that is present but invalid is
/// still refused: a client that believes it is signed in should be told it is not.
pub struct MaybeSession(pub Option<Actor>);

type Signed = Option<(Actor, Uuid)>;

fn actor_from(req: &HttpRequest) -> Pin<Box<dyn Future<Output = Result<Signed, ApiError>>>> {
    let Some(header) = req.headers().get(actix_web::http::header::AUTHORIZATION) else {
        return Box::pin(async { Ok(None) });
    };
    let token = header
        .to_str()
        .ok()
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .map(str::to_owned);
    let state = req
        .app_data::<web::Data<AppState>>()
        .expect("AppState is registered at start-up")
        .clone();
    Box::pin(async move {
        let token = token.ok_or_else(|| {
            ApiError::unauthenticated(
                "invalid_token",
                "the Authorization header must be `Bearer <token>`",
            )
        })?;
        let claims = state.tokens.verify_session(&token).map_err(|e| match e {
            TokenError::Expired => {
                ApiError::unauthenticated("token_expired", "your session has expired; log in again")
            }
            TokenError::Invalid => {
                ApiError::unauthenticated("invalid_token", "the session token is not valid")
            }
        })?;
        if !state.sessions.is_live(&claims).await? {
            return Err(ApiError::unauthenticated(
                "session_ended",
                "this session was logged out; log in again",
            ));
        }
        Ok(Some((
            Actor {
                user_id: claims.sub,
                role: claims.role,
            },
            claims.sid,
        )))
    })
}

impl FromRequest for Session {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let found = actor_from(req);
        Box::pin(async move {
            found
                .await?
                .map(|(a, sid)| Session(a, sid))
                .ok_or_else(|| ApiError::unauthenticated("unauthenticated", "log in to do this"))
        })
    }
}

impl FromRequest for MaybeSession {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let found = actor_from(req);
        Box::pin(async move { Ok(MaybeSession(found.await?.map(|(a, _)| a))) })
    }
}
