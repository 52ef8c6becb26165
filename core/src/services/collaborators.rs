//! `PUT/GET /beats/{id}/collaborators`: the people a producer shares a beat's sales and
//! publishing with, by email. The list is replaced as a whole; the producer keeps whatever
//! share it leaves. A new name on the list is mailed an invitation once per beat. Sales
//! freeze the list as it stands at checkout (`commerce::splits`).

use chrono::Utc;
use entity::{beat, beat_collaborator, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Actor;
use super::access::own_beat;
use crate::domain::{Email, SharePercent, clean_text, percent_text};
use crate::mail::{self, Mail};
use crate::{Error, Result};

/// More names than any real credit list; keeps a request from writing thousands of rows.
pub const MAX_COLLABORATORS: usize = 20;

/// One collaborator as the producer sends it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CollaboratorSetting {
    pub email: String,
    /// "co-producer", "songwriter", "engineer"…
    pub role: String,
    /// How they are credited; their account's name, or the email, when left out.
    #[serde(default)]
    pub name: Option<String>,
    /// Share of each sale's money, 0 to 100 with at most two decimals.
    #[schema(value_type = f64, example = 25.5)]
    pub profit_percent: SharePercent,
    /// Share of the publishing, 0 to 100 with at most two decimals.
    #[schema(value_type = f64, example = 50)]
    pub publishing_percent: SharePercent,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CollaboratorView {
    pub email: String,
    pub role: String,
    pub name: Option<String>,
    /// As a decimal string ("33.33"): exact, never a float.
    pub profit_percent: String,
    pub publishing_percent: String,
    /// Whether an account with this (verified) email exists: their shares are paid to it.
    pub has_account: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Collaborators {
    pub collaborators: Vec<CollaboratorView>,
    /// What the producer keeps of each sale and of the publishing.
    pub producer_profit_percent: String,
    pub producer_publishing_percent: String,
}

/// A checked list entry.
struct Checked {
    email: Email,
    role: String,
    name: Option<String>,
    profit_bps: u32,
    publishing_bps: u32,
}

const FULL: u32 = 10_000;

fn check(producer_email: &str, settings: Vec<CollaboratorSetting>) -> Result<Vec<Checked>> {
    if settings.len() > MAX_COLLABORATORS {
        return Err(Error::invalid(
            "collaborators",
            format!("a beat can have at most {MAX_COLLABORATORS} collaborators"),
        ));
    }
    let mut out: Vec<Checked> = Vec::with_capacity(settings.len());
    for (i, s) in settings.into_iter().enumerate() {
        let email = Email::parse(&s.email)
            .map_err(|e| Error::invalid("email", format!("collaborator {}: {e}", i + 1)))?;
        if email.as_str() == producer_email {
            return Err(Error::invalid(
                "email",
                format!(
                    "collaborator {}: you are the producer; your share is what the list leaves",
                    i + 1
                ),
            ));
        }
        if out.iter().any(|c| c.email == email) {
            return Err(Error::invalid(
                "email",
                format!(
                    "collaborator {}: {} is on the list twice",
                    i + 1,
                    email.as_str()
                ),
            ));
        }
        let role = clean_text("role", "role", &s.role, 60)?;
        let name = match s.name.as_deref() {
            Some(n) if !n.trim().is_empty() => Some(clean_text("name", "name", n, 80)?),
            _ => None,
        };
        out.push(Checked {
            email,
            role,
            name,
            profit_bps: s.profit_percent.basis_points(),
            publishing_bps: s.publishing_percent.basis_points(),
        });
    }
    let profit: u32 = out.iter().map(|c| c.profit_bps).sum();
    if profit > FULL {
        return Err(Error::invalid(
            "profit_percent",
            format!(
                "the profit shares add up to {} %; at most 100",
                percent_text(profit)
            ),
        ));
    }
    let publishing: u32 = out.iter().map(|c| c.publishing_bps).sum();
    if publishing > FULL {
        return Err(Error::invalid(
            "publishing_percent",
            format!(
                "the publishing shares add up to {} %; at most 100",
                percent_text(publishing)
            ),
        ));
    }
    Ok(out)
}

pub(crate) async fn of_beat<C: ConnectionTrait>(
    conn: &C,
    beat_id: Uuid,
) -> Result<Vec<beat_collaborator::Model>> {
    Ok(beat_collaborator::Entity::find()
        .filter(beat_collaborator::Column::BeatId.eq(beat_id))
        .order_by_asc(beat_collaborator::Column::Position)
        .all(conn)
        .await?)
}

/// The verified account that owns `email`, if any: only a proven address takes money.
pub(crate) async fn verified_account<C: ConnectionTrait>(
    conn: &C,
    email: &str,
) -> Result<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .filter(user::Column::EmailVerifiedAt.is_not_null())
        .one(conn)
        .await?)
}

async fn view<C: ConnectionTrait>(conn: &C, beat_id: Uuid) -> Result<Collaborators> {
    let rows = of_beat(conn, beat_id).await?;
    let mut collaborators = Vec::with_capacity(rows.len());
    for c in &rows {
        collaborators.push(CollaboratorView {
            email: c.email.clone(),
            role: c.role.clone(),
            name: c.name.clone(),
            profit_percent: percent_text(c.profit_bps as u32),
            publishing_percent: percent_text(c.publishing_bps as u32),
            has_account: verified_account(conn, &c.email).await?.is_some(),
        });
    }
    let profit: u32 = rows.iter().map(|c| c.profit_bps as u32).sum();
    let publishing: u32 = rows.iter().map(|c| c.publishing_bps as u32).sum();
    Ok(Collaborators {
        collaborators,
        producer_profit_percent: percent_text(FULL.saturating_sub(profit)),
        producer_publishing_percent: percent_text(FULL.saturating_sub(publishing)),
    })
}

/// `GET`: the beat's producer only (the list names people's addresses).
pub async fn list(db: &DatabaseConnection, actor: &Actor, beat_id: Uuid) -> Result<Collaborators> {
    own_beat(db, actor, beat_id).await?;
    view(db, beat_id).await
}

/// `PUT`: replaces the list. Names new to this beat are invited by mail (once per beat and
/// address, in the same transaction).
pub async fn replace(
    db: &DatabaseConnection,
    actor: &Actor,
    beat_id: Uuid,
    settings: Vec<CollaboratorSetting>,
) -> Result<Collaborators> {
    let producer = user::Entity::find_by_id(actor.user_id)
        .one(db)
        .await?
        .ok_or(Error::NotFound("account"))?;
    let checked = check(&producer.email, settings)?;
    let txn = crate::db::write_txn(db).await?;
    own_beat(&txn, actor, beat_id).await?;
    // Locked: two replacements at once take turns, so the list is one of them whole (never a
    // mix, never a unique-index failure).
    let beat = beat::Entity::find_by_id(beat_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(Error::NotFound("beat"))?;
    beat_collaborator::Entity::delete_many()
        .filter(beat_collaborator::Column::BeatId.eq(beat.id))
        .exec(&txn)
        .await?;
    let now = Utc::now();
    for (position, c) in checked.iter().enumerate() {
        beat_collaborator::ActiveModel {
            id: Set(Uuid::now_v7()),
            beat_id: Set(beat.id),
            position: Set(position as i32),
            email: Set(c.email.as_str().to_owned()),
            name: Set(c.name.clone()),
            role: Set(c.role.clone()),
            profit_bps: Set(c.profit_bps as i32),
            publishing_bps: Set(c.publishing_bps as i32),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        mail::enqueue(
            &txn,
            c.email.as_str(),
            &Mail::CollaboratorInvite {
                beat_id: beat.id,
                email: c.email.as_str().to_owned(),
            },
            Some(format!(
                "collaborator-invite-{}-{}",
                beat.id,
                c.email.as_str()
            )),
        )
        .await?;
    }
    let out = view(&txn, beat.id).await?;
    txn.commit().await?;
    Ok(out)
}
