//! Signing up, in and out; verifying an email; forgetting and resetting a password; claiming
//! a guest purchase. Every route an attacker would hammer is rate limited per client address
//! and per account (see `crate::limits`).

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tracing::instrument;
use trackout_core::domain::Password;
use trackout_core::services::accounts::{self, LoginOutcome};
use trackout_core::services::sessions::Client;
use trackout_core::services::{UserView, guest, passwords, verification};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::limits::{ClientAddress, client_address};
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
    /// After a claim: the purchase the link was for.
    #[serde(skip_serializing_if = "Option::is_none")]
    purchase_id: Option<Uuid>,
}

/// The password was right and the account has two-factor sign-in: send the code with
/// `pending_token` to `POST /auth/login/totp`.
#[derive(Serialize, ToSchema)]
pub struct SecondFactorBody {
    two_factor_required: bool,
    pending_token: String,
    /// Unix seconds; after that, sign in again.
    expires_at: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    purchase_id: Option<Uuid>,
}

fn signed_in(outcome: LoginOutcome, purchase_id: Option<Uuid>) -> HttpResponse {
    match outcome {
        LoginOutcome::SignedIn(s) => HttpResponse::Ok().json(SessionBody {
            token: s.token,
            expires_at: s.expires_at,
            user: s.user,
            purchase_id,
        }),
        LoginOutcome::SecondFactor {
            pending_token,
            expires_at,
        } => HttpResponse::Ok().json(SecondFactorBody {
            two_factor_required: true,
            pending_token,
            expires_at,
            purchase_id,
        }),
    }
}

/// The client's address (for limits) and what the session row records of it.
pub(crate) fn client(req: &HttpRequest, state: &AppState) -> (ClientAddress, Client) {
    let address = client_address(req, &state.limits_trusted());
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        address,
        Client {
            user_agent,
            address: Some(address.0.to_string()),
        },
    )
}

/// Creates a producer or artist account. The answer is the same whether or not the email
/// already has an account (its owner is mailed instead); then log in with `POST /auth/login`.
#[utoipa::path(tag = "accounts", request_body = accounts::Registration, responses(
    (status = 202, description = "`{\"status\": \"verification_sent\"}`, for a new email and a taken one alike"),
    (status = 422, description = "invalid_input"),
    (status = 429, description = "rate_limited"),
))]
#[post("/auth/register")]
#[instrument(skip_all)]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::json::Json<accounts::Registration>,
) -> Result<HttpResponse, ApiError> {
    let (address, _) = client(&req, &state);
    state.limits.check(&state.limits.signup, address.0, None)?;
    accounts::register(state.accounts(), body.into_inner()).await?;
    Ok(HttpResponse::Accepted().json(json!({ "status": "verification_sent" })))
}

#[utoipa::path(tag = "accounts", request_body = LoginBody, responses(
    (status = 200, description = "a session (`SessionBody`), or `SecondFactorBody` when the account has two-factor sign-in"),
    (status = 401, description = "invalid_credentials"),
    (status = 429, description = "rate_limited: too many attempts from this address or on this account"),
    (status = 503, description = "busy: too many sign-ins at once; retry after `Retry-After`"),
))]
#[post("/auth/login")]
#[instrument(skip_all)]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::json::Json<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let LoginBody { email, password } = body.into_inner();
    let (address, client) = client(&req, &state);
    let limits = &state.limits;
    limits.check(
        &limits.login,
        address.0,
        Some((&limits.login_account, &email)),
    )?;
    limits.check_lockout(&email)?;
    match accounts::login(state.accounts(), &email, password, &client).await {
        Ok(outcome) => {
            limits.succeeded(&email);
            Ok(signed_in(outcome, None))
        }
        Err(e @ trackout_core::Error::Unauthorized { .. }) => {
            limits.failed(&email);
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct SecondFactorLogin {
    pending_token: String,
    /// The six digits from the authenticator app, or a recovery code.
    code: String,
}

/// The second step of signing in to an account with two-factor sign-in.
#[utoipa::path(tag = "accounts", request_body = SecondFactorLogin, responses(
    (status = 200, body = SessionBody),
    (status = 401, description = "invalid_code, or second_factor_expired"),
    (status = 429, description = "rate_limited"),
))]
#[post("/auth/login/totp")]
#[instrument(skip_all)]
pub async fn login_totp(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::json::Json<SecondFactorLogin>,
) -> Result<HttpResponse, ApiError> {
    let SecondFactorLogin {
        pending_token,
        code,
    } = body.into_inner();
    let (address, client) = client(&req, &state);
    let limits = &state.limits;
    let account = accounts::pending_account(&state.tokens, &pending_token)
        .map(|id| format!("user:{id}"))
        .unwrap_or_default();
    limits.check(
        &limits.login,
        address.0,
        Some((&limits.login_account, &account)),
    )?;
    limits.check_lockout(&account)?;
    match accounts::login_second_factor(state.accounts(), &pending_token, &code, &client).await {
        Ok(s) => {
            limits.succeeded(&account);
            Ok(signed_in(LoginOutcome::SignedIn(s), None))
        }
        Err(e @ trackout_core::Error::Unauthorized { .. }) => {
            limits.failed(&account);
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct TokenBody {
    /// The `token` from the link in the mail.
    token: String,
}

/// Proves the email address with the link's token (once).
#[utoipa::path(tag = "accounts", request_body = TokenBody, responses(
    (status = 200, description = "`{\"status\": \"verified\"}`"),
    (status = 400, description = "link_invalid, link_expired or link_used"),
))]
#[post("/auth/verify")]
#[instrument(skip_all)]
pub async fn verify(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::json::Json<TokenBody>,
) -> Result<HttpResponse, ApiError> {
    let (address, _) = client(&req, &state);
    state.limits.check(&state.limits.claim, address.0, None)?;
    verification::verify(&state.db, &state.tokens, &body.into_inner().token).await?;
    Ok(HttpResponse::Ok().json(json!({ "status": "verified" })))
}

/// Mails a new verification link to the signed-in account (if it is not verified yet).
#[utoipa::path(tag = "accounts", security(("session" = [])), responses(
    (status = 202, description = "`{\"status\": \"verification_sent\"}`"),
    (status = 429, description = "rate_limited"),
))]
#[post("/auth/verify/resend")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn resend_verification(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
) -> Result<HttpResponse, ApiError> {
    let (address, _) = client(&req, &state);
    let key = format!("user:{}", session.0.user_id);
    let limits = &state.limits;
    limits.check(
        &limits.password,
        address.0,
        Some((&limits.password_account, &key)),
    )?;
    verification::resend(&state.db, &session.0).await?;
    Ok(HttpResponse::Accepted().json(json!({ "status": "verification_sent" })))
}

#[derive(Deserialize, ToSchema)]
pub struct ForgotBody {
    email: String,
}

/// Mails a reset link if the email has an account. The answer is the same, and as quick,
/// either way.
#[utoipa::path(tag = "accounts", request_body = ForgotBody, responses(
    (status = 202, description = "`{\"status\": \"reset_sent_if_account\"}`, whatever the email"),
    (status = 429, description = "rate_limited"),
))]
#[post("/auth/password/forgot")]
#[instrument(skip_all)]
pub async fn forgot_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::json::Json<ForgotBody>,
) -> Result<HttpResponse, ApiError> {
    let email = body.into_inner().email;
    let (address, _) = client(&req, &state);
    let limits = &state.limits;
    limits.check(
        &limits.password,
        address.0,
        Some((&limits.password_account, &email)),
    )?;
    // The lookup and the mail happen after the answer, so no timing says whether the account
    // exists; a failure is logged.
    let state = state.into_inner();
    actix_web::rt::spawn(async move {
        if let Err(e) = passwords::forgot(state.accounts(), &email).await {
            tracing::error!(error = %e, "mailing a password reset failed");
        }
    });
    Ok(HttpResponse::Accepted().json(json!({ "status": "reset_sent_if_account" })))
}

#[derive(Deserialize, ToSchema)]
pub struct ResetBody {
    token: String,
    #[schema(value_type = String, min_length = 10)]
    password: Password,
}

/// Sets a new password with the reset link's token (once, within 30 minutes). Every session
/// of the account ends; log in with the new password.
#[utoipa::path(tag = "accounts", request_body = ResetBody, responses(
    (status = 200, description = "`{\"status\": \"password_reset\"}`"),
    (status = 400, description = "link_invalid, link_expired or link_used"),
    (status = 422, description = "invalid_input (the password)"),
    (status = 429, description = "rate_limited"),
))]
#[post("/auth/password/reset")]
#[instrument(skip_all)]
pub async fn reset_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::json::Json<ResetBody>,
) -> Result<HttpResponse, ApiError> {
    let (address, _) = client(&req, &state);
    state
        .limits
        .check(&state.limits.password, address.0, None)?;
    let ResetBody { token, password } = body.into_inner();
    passwords::reset(state.accounts(), &token, password).await?;
    Ok(HttpResponse::Ok().json(json!({ "status": "password_reset" })))
}

/// The link in a guest's receipt: signs in to the account the purchase belongs to (once).
#[utoipa::path(tag = "accounts", request_body = TokenBody, responses(
    (status = 200, description = "a session with the `purchase_id`, or `SecondFactorBody`"),
    (status = 400, description = "link_invalid, link_expired or link_used"),
    (status = 429, description = "rate_limited"),
))]
#[post("/auth/claim")]
#[instrument(skip_all)]
pub async fn claim(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: crate::json::Json<TokenBody>,
) -> Result<HttpResponse, ApiError> {
    let (address, client) = client(&req, &state);
    state.limits.check(&state.limits.claim, address.0, None)?;
    let claimed = guest::claim(state.accounts(), &body.into_inner().token, &client).await?;
    Ok(signed_in(claimed.outcome, claimed.purchase_id))
}

/// Ends this session.
#[utoipa::path(tag = "accounts", security(("session" = [])), responses((status = 204)))]
#[post("/auth/logout")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn logout(
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, ApiError> {
    accounts::logout(state.accounts(), &session.0, session.1).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ends every session of the account, this one included ("log out everywhere").
#[utoipa::path(tag = "accounts", security(("session" = [])), responses((status = 204)))]
#[post("/auth/logout-all")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn logout_all(
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, ApiError> {
    accounts::logout_all(state.accounts(), &session.0).await?;
    Ok(HttpResponse::NoContent().finish())
}
