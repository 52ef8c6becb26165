//! The signed-in account: who it is, its password, its sessions, its second factor.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use serde::Deserialize;
use tracing::instrument;
use trackout_core::domain::Password;
use trackout_core::services::accounts::{self, AccountView};
use trackout_core::services::passwords;
use trackout_core::services::sessions::SessionView;
use trackout_core::services::two_factor::{self, Enrolment, RecoveryCodes};
use utoipa::ToSchema;
use uuid::Uuid;

use super::auth::client;
use crate::session::Session;
use crate::{ApiError, AppState};

/// The signed-in account.
#[utoipa::path(tag = "accounts", security(("session" = [])), responses(
    (status = 200, body = AccountView),
    (status = 401, description = "unauthenticated, invalid_token, token_expired or session_ended"),
))]
#[get("/me")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn me(state: web::Data<AppState>, session: Session) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(accounts::me(&state.db, &session.0).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    /// Required unless the account has no password yet (made by a guest checkout).
    current_password: Option<String>,
    #[schema(value_type = String, min_length = 10)]
    new_password: Password,
}

/// Changes the password; every other session of the account ends.
#[utoipa::path(tag = "accounts", security(("session" = [])), request_body = PasswordChange, responses(
    (status = 204),
    (status = 400, description = "wrong_password"),
    (status = 422, description = "invalid_input"),
    (status = 429, description = "rate_limited"),
))]
#[post("/me/password")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    body: crate::json::Json<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let (address, _) = client(&req, &state);
    let key = format!("user:{}", session.0.user_id);
    let limits = &state.limits;
    limits.check(&limits.password, address.0, None)?;
    limits.check_lockout(&key)?;
    let PasswordChange {
        current_password,
        new_password,
    } = body.into_inner();
    let changed = passwords::change(
        state.accounts(),
        &session.0,
        session.1,
        current_password,
        new_password,
    )
    .await;
    match changed {
        Ok(()) => {
            limits.succeeded(&key);
            Ok(HttpResponse::NoContent().finish())
        }
        Err(e @ trackout_core::Error::BadRequest { .. }) => {
            limits.failed(&key);
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// The account's signed-in devices, most recently used first.
#[utoipa::path(tag = "accounts", security(("session" = [])), responses((status = 200, body = Vec<SessionView>)))]
#[get("/me/sessions")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn sessions(
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(state.sessions.list(session.0.user_id, session.1).await?))
}

/// Ends one of the account's sessions.
#[utoipa::path(tag = "accounts", security(("session" = [])), params(("id" = Uuid, Path)), responses((status = 204)))]
#[delete("/me/sessions/{id}")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn end_session(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    accounts::logout(state.accounts(), &session.0, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Starts two-factor enrolment: the secret, its `otpauth://` URL and the QR code (SVG).
#[utoipa::path(tag = "accounts", security(("session" = [])), responses(
    (status = 200, body = Enrolment),
    (status = 409, description = "two_factor_enabled"),
))]
#[post("/me/two-factor")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn two_factor_begin(
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(two_factor::begin(&state.db, &state.config, &session.0).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct CodeBody {
    /// Six digits from the app (or, to turn it off, a recovery code).
    code: String,
}

async fn with_code_limits<T>(
    state: &AppState,
    req: &HttpRequest,
    session: &Session,
    work: impl std::future::Future<Output = trackout_core::Result<T>>,
) -> Result<T, ApiError> {
    let (address, _) = client(req, state);
    let key = format!("user:{}", session.0.user_id);
    let limits = &state.limits;
    limits.check(
        &limits.login,
        address.0,
        Some((&limits.login_account, &key)),
    )?;
    limits.check_lockout(&key)?;
    match work.await {
        Ok(v) => Ok(v),
        Err(e @ trackout_core::Error::BadRequest { .. }) => {
            limits.failed(&key);
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Confirms enrolment with a code from the app: two-factor sign-in is on from now, and the ten
/// recovery codes are shown (once).
#[utoipa::path(tag = "accounts", security(("session" = [])), request_body = CodeBody, responses(
    (status = 200, body = RecoveryCodes),
    (status = 400, description = "invalid_code"),
    (status = 409, description = "no_enrolment or two_factor_enabled"),
))]
#[post("/me/two-factor/confirm")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn two_factor_confirm(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    body: crate::json::Json<CodeBody>,
) -> Result<HttpResponse, ApiError> {
    let code = body.into_inner().code;
    let codes = with_code_limits(
        &state,
        &req,
        &session,
        two_factor::confirm(&state.db, &session.0, &code),
    )
    .await?;
    Ok(HttpResponse::Ok().json(codes))
}

/// Turns two-factor sign-in off (takes a code from the app or a recovery code).
#[utoipa::path(tag = "accounts", security(("session" = [])), request_body = CodeBody, responses(
    (status = 204),
    (status = 400, description = "invalid_code"),
    (status = 409, description = "two_factor_off"),
))]
#[post("/me/two-factor/disable")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn two_factor_disable(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    body: crate::json::Json<CodeBody>,
) -> Result<HttpResponse, ApiError> {
    let code = body.into_inner().code;
    with_code_limits(
        &state,
        &req,
        &session,
        two_factor::disable(&state.db, &session.0, &code),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
