//! Who is calling: the `Authorization: Bearer` session token, verified once per request.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use trackout_core::auth::TokenError;
use trackout_core::services::Actor;

use crate::{ApiError, AppState};

/// A signed-in user; the request is refused with 401 without one.
pub struct Session(pub Actor);

/// A signed-in user if the request carries a session. A token that is present but invalid is
/// still refused: a client that believes it is signed in should be told it is not.
pub struct MaybeSession(pub Option<Actor>);

fn actor_from(req: &HttpRequest) -> Result<Option<Actor>, ApiError> {
    let Some(header) = req.headers().get(actix_web::http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = header
        .to_str()
        .ok()
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            ApiError::unauthenticated(
                "invalid_token",
                "the Authorization header must be `Bearer <token>`",
            )
        })?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .expect("AppState is registered at start-up");
    let claims = state.tokens.verify_session(token).map_err(|e| match e {
        TokenError::Expired => {
            ApiError::unauthenticated("token_expired", "your session has expired; log in again")
        }
        TokenError::Invalid => {
            ApiError::unauthenticated("invalid_token", "the session token is not valid")
        }
    })?;
    Ok(Some(Actor {
        user_id: claims.sub,
        role: claims.role,
    }))
}

impl FromRequest for Session {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(actor_from(req).and_then(|actor| {
            actor
                .map(Session)
                .ok_or_else(|| ApiError::unauthenticated("unauthenticated", "log in to do this"))
        }))
    }
}

impl FromRequest for MaybeSession {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(actor_from(req).map(MaybeSession))
    }
}
