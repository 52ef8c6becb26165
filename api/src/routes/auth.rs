use actix_web::{HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use tracing::instrument;
use trackout_core::services::{UserView, accounts};
use utoipa::ToSchema;

use crate::session::Session;
use crate::{ApiError, AppState};

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    email: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionBody {
    /// A bearer token for the `Authorization` header.
    token: String,
    /// Unix seconds.
    expires_at: u64,
    user: UserView,
}

impl From<accounts::SignedIn> for SessionBody {
    fn from(s: accounts::SignedIn) -> Self {
        SessionBody {
            token: s.token,
            expires_at: s.expires_at,
            user: s.user,
        }
    }
}

/// Creates a producer or artist account and signs it in.
#[utoipa::path(tag = "accounts", request_body = accounts::Registration, responses(
    (status = 201, body = SessionBody),
    (status = 409, description = "email_taken"),
    (status = 422, description = "invalid_input"),
))]
#[post("/auth/register")]
#[instrument(skip_all)]
pub async fn register(
    state: web::Data<AppState>,
    body: crate::json::Json<accounts::Registration>,
) -> Result<HttpResponse, ApiError> {
    let signed_in = accounts::register(&state.db, &state.tokens, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(SessionBody::from(signed_in)))
}

#[utoipa::path(tag = "accounts", request_body = LoginBody, responses(
    (status = 200, body = SessionBody),
    (status = 401, description = "invalid_credentials"),
))]
#[post("/auth/login")]
#[instrument(skip_all)]
pub async fn login(
    state: web::Data<AppState>,
    body: crate::json::Json<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let LoginBody { email, password } = body.into_inner();
    let signed_in = accounts::login(&state.db, &state.tokens, &email, password).await?;
    Ok(HttpResponse::Ok().json(SessionBody::from(signed_in)))
}

/// The signed-in account.
#[utoipa::path(tag = "accounts", security(("session" = [])), responses(
    (status = 200, body = UserView),
    (status = 401, description = "unauthenticated, invalid_token or token_expired"),
))]
#[get("/me")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn me(state: web::Data<AppState>, session: Session) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(accounts::me(&state.db, &session.0).await?))
}
