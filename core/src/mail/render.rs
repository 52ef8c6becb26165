//! Turning a stored [`Mail`] into the message to send: the data it names is read now (a
//! mailed token is signed from its row, so every attempt sends the same link), then written
//! out by the templates.

use entity::{account_token, beat, beat_collaborator, purchase, share, user};
use sea_orm::{ColumnTrait, QueryFilter};
use sea_orm::{DatabaseConnection, EntityTrait};

use super::Mail;
use super::templates::{self, Purchase};
use crate::Result;
use crate::auth::{TokenKind, Tokens};
use crate::config::Config;
use crate::domain::PurchaseStatus;

/// A message ready to go: subject, plain text and HTML, and the links it holds (logged when
/// mail is written to files).
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub links: Vec<String>,
}

/// What a template needs from the store.
pub(super) struct Store<'a> {
    pub name: &'a str,
    pub public_url: String,
}

async fn signed(
    db: &DatabaseConnection,
    tokens: &Tokens,
    kind: TokenKind,
    id: uuid::Uuid,
) -> Result<Option<String>> {
    let Some(row) = account_token::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(Some(tokens.issue_bearer(
        kind,
        row.user_id,
        row.id,
        row.created_at.timestamp().max(0) as u64,
        row.expires_at.timestamp().max(0) as u64,
    )))
}

async fn purchase_facts(db: &DatabaseConnection, id: uuid::Uuid) -> Result<Option<Purchase>> {
    let Some(p) = purchase::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let producer = match beat::Entity::find_by_id(p.beat_id).one(db).await? {
        Some(b) => user::Entity::find_by_id(b.producer_id).one(db).await?,
        None => None,
    };
    Ok(Some(Purchase {
        id: p.id,
        beat_title: p.beat_title,
        tier_name: p.tier_name,
        price: money(p.price_cents, &p.currency),
        license_id: p.license_id.unwrap_or_default(),
        buyer_name: p.buyer_name,
        producer_name: producer.map(|u| u.display_name),
        paid: PurchaseStatus::Paid.is(&p.status),
    }))
}

/// `49.99 USD`.
pub(super) fn money(cents: i64, currency: &str) -> String {
    format!(
        "{}.{:02} {}",
        cents / 100,
        cents.rem_euclid(100),
        currency.to_uppercase()
    )
}

/// The message to send for `mail`, or `None` when what it is about is gone (then there is
/// nothing to send).
pub async fn render(
    db: &DatabaseConnection,
    config: &Config,
    tokens: &Tokens,
    mail: &Mail,
) -> Result<Option<Rendered>> {
    let store = Store {
        name: &config.mail.store_name,
        public_url: config.public_url(),
    };
    let name_of =
        |id| async move { Ok::<_, crate::Error>(user::Entity::find_by_id(id).one(db).await?) };
    Ok(match mail {
        Mail::VerifyEmail { user_id, token_id } => {
            let (Some(user), Some(token)) = (
                name_of(*user_id).await?,
                signed(db, tokens, TokenKind::VerifyEmail, *token_id).await?,
            ) else {
                return Ok(None);
            };
            Some(templates::verify_email(&store, &user.display_name, &token))
        }
        Mail::SignupAttempt { user_id } => name_of(*user_id)
            .await?
            .map(|u| templates::signup_attempt(&store, &u.display_name)),
        Mail::PasswordReset { user_id, token_id } => {
            let (Some(user), Some(token)) = (
                name_of(*user_id).await?,
                signed(db, tokens, TokenKind::PasswordReset, *token_id).await?,
            ) else {
                return Ok(None);
            };
            Some(templates::password_reset(
                &store,
                &user.display_name,
                &token,
            ))
        }
        Mail::PasswordChanged { user_id } => name_of(*user_id)
            .await?
            .map(|u| templates::password_changed(&store, &u.display_name)),
        Mail::Receipt {
            purchase_id,
            files_ready,
            claim_token_id,
        } => {
            let Some((facts, claim)) =
                paid_purchase(db, tokens, *purchase_id, *claim_token_id).await?
            else {
                return Ok(None);
            };
            Some(templates::receipt(
                &store,
                &facts,
                *files_ready,
                claim.as_deref(),
            ))
        }
        Mail::FilesReady {
            purchase_id,
            claim_token_id,
        } => {
            let Some((facts, claim)) =
                paid_purchase(db, tokens, *purchase_id, *claim_token_id).await?
            else {
                return Ok(None);
            };
            Some(templates::files_ready(&store, &facts, claim.as_deref()))
        }
        Mail::SaleNotice { purchase_id } => purchase_facts(db, *purchase_id)
            .await?
            .map(|facts| templates::sale_notice(&store, &facts)),
        Mail::ShareLink { share_id } => {
            let Some(s) = share::Entity::find_by_id(*share_id).one(db).await? else {
                return Ok(None);
            };
            if s.revoked_at.is_some() || s.expires_at <= chrono::Utc::now() {
                return Ok(None);
            }
            let Some(p) = purchase::Entity::find_by_id(s.purchase_id).one(db).await? else {
                return Ok(None);
            };
            let link = format!(
                "{}{}",
                store.public_url,
                crate::services::commerce::shares::share_path(tokens, &s)
            );
            Some(templates::share_link(
                &store,
                &p.buyer_name,
                &p.beat_title,
                &s.label,
                &link,
                s.expires_at,
            ))
        }
        Mail::CollaboratorInvite { beat_id, email } => {
            // Taken off the list before the mail went out: nothing to tell them.
            let Some(c) = beat_collaborator::Entity::find()
                .filter(beat_collaborator::Column::BeatId.eq(*beat_id))
                .filter(beat_collaborator::Column::Email.eq(email.as_str()))
                .one(db)
                .await?
            else {
                return Ok(None);
            };
            let Some(b) = beat::Entity::find_by_id(*beat_id).one(db).await? else {
                return Ok(None);
            };
            let producer = user::Entity::find_by_id(b.producer_id)
                .one(db)
                .await?
                .map(|u| u.display_name)
                .unwrap_or_else(|| "A producer".into());
            Some(templates::collaborator_invite(
                &store,
                &producer,
                &b.title,
                &c.role,
                &crate::domain::percent_text(c.profit_bps.max(0) as u32),
                &crate::domain::percent_text(c.publishing_bps.max(0) as u32),
            ))
        }
    })
}

/// A purchase still paid (a refund before the mail went out sends nothing) and its claim link.
async fn paid_purchase(
    db: &DatabaseConnection,
    tokens: &Tokens,
    purchase_id: uuid::Uuid,
    claim_token_id: Option<uuid::Uuid>,
) -> Result<Option<(Purchase, Option<String>)>> {
    let Some(facts) = purchase_facts(db, purchase_id).await? else {
        return Ok(None);
    };
    if !facts.paid {
        return Ok(None);
    }
    let claim = match claim_token_id {
        Some(id) => signed(db, tokens, TokenKind::Claim, id).await?,
        None => None,
    };
    Ok(Some((facts, claim)))
}
