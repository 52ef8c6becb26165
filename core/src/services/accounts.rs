use chrono::Utc;
use entity::user;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde::Deserialize;
use uuid::Uuid;

use super::{Actor, UserView};
use crate::auth::{Tokens, hash_password, verify_password};
use crate::domain::{DisplayName, Email, Password, Role};
use crate::{Error, Result};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Registration {
    #[schema(value_type = String, example = "metro@example.com")]
    pub email: Email,
    #[schema(value_type = String, min_length = 10)]
    pub password: Password,
    #[schema(value_type = String, example = "Metro")]
    pub display_name: DisplayName,
    #[schema(value_type = String, example = "producer")]
    pub role: Role,
}

#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub expires_at: u64,
    pub user: UserView,
}

pub(crate) fn view(u: user::Model) -> Result<UserView> {
    Ok(UserView {
        id: u.id,
        email: u.email,
        display_name: u.display_name,
        role: Role::parse(&u.role)?,
        created_at: u.created_at,
    })
}

pub async fn register(
    db: &DatabaseConnection,
    tokens: &Tokens,
    r: Registration,
) -> Result<SignedIn> {
    let password_hash = hash_password(r.password).await?;
    let row = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(r.email.as_str().to_owned()),
        password_hash: Set(password_hash),
        display_name: Set(r.display_name.as_str().to_owned()),
        role: Set(r.role.as_str().to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await
    .map_err(|e| match Error::from(e) {
        Error::Conflict { .. } => Error::conflict(
            "email_taken",
            "an account with this email already exists; log in instead",
        ),
        other => other,
    })?;
    let (token, expires_at) = tokens.issue_session(row.id, r.role);
    Ok(SignedIn {
        token,
        expires_at,
        user: view(row)?,
    })
}

pub async fn login(
    db: &DatabaseConnection,
    tokens: &Tokens,
    email: &str,
    password: String,
) -> Result<SignedIn> {
    // A malformed email cannot belong to an account; answer exactly as for a wrong password.
    let found = match Email::parse(email) {
        Ok(email) => {
            user::Entity::find()
                .filter(user::Column::Email.eq(email.as_str()))
                .one(db)
                .await?
        }
        Err(_) => None,
    };
    let stored = found.as_ref().map(|u| u.password_hash.clone());
    let matches = verify_password(password, stored).await?;
    match found {
        Some(user) if matches => {
            let role = Role::parse(&user.role)?;
            let (token, expires_at) = tokens.issue_session(user.id, role);
            Ok(SignedIn {
                token,
                expires_at,
                user: view(user)?,
            })
        }
        _ => Err(Error::unauthorized(
            "invalid_credentials",
            "that email and password do not match an account",
        )),
    }
}

pub async fn me(db: &DatabaseConnection, actor: &Actor) -> Result<UserView> {
    let user = user::Entity::find_by_id(actor.user_id)
        .one(db)
        .await?
        .ok_or_else(|| Error::unauthorized("account_gone", "this account no longer exists"))?;
    view(user)
}
