//! Producers' public pages (`/p/<handle>`): the handle, bio and links a producer sets, and
//! what anyone can read of them.

use std::collections::HashMap;

use chrono::Utc;
use entity::{beat, producer_profile, user};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Actor;
use crate::domain::{BeatStatus, Bio, DisplayName, Handle, ProfileLink, Role};
use crate::{Error, Result};

/// `PATCH /api/v1/me`: absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileChanges {
    #[schema(value_type = Option<String>, example = "Night Shift")]
    pub display_name: Option<DisplayName>,
    /// The address of your page, `/p/<handle>`; unique, ignoring case.
    #[schema(value_type = Option<String>, example = "nightshift")]
    pub handle: Option<Handle>,
    #[schema(value_type = Option<String>)]
    pub bio: Option<Bio>,
    /// Up to six `https://` addresses (Instagram, YouTube, your site…).
    #[schema(value_type = Option<Vec<String>>)]
    pub links: Option<Vec<ProfileLink>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LinkView {
    pub url: String,
    /// "Instagram", "YouTube", or the address's host.
    pub label: String,
}

/// A producer as their page shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileView {
    pub id: Uuid,
    pub display_name: String,
    /// `None` until the producer has one (one is made from the name with their first beat).
    pub handle: Option<String>,
    pub bio: String,
    pub links: Vec<LinkView>,
    /// Beats in the catalog now.
    pub published_beats: u64,
    /// The page: `/p/<handle>` (or `/p/<id>` while there is no handle).
    pub page_url: String,
    pub joined_at: chrono::DateTime<Utc>,
}

fn links_of(profile: Option<&producer_profile::Model>) -> Vec<ProfileLink> {
    let stored: Vec<String> = profile
        .and_then(|p| p.links.clone())
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    // Stored links were parsed on the way in; a row edited by hand that no longer parses is
    // left out rather than shown.
    stored
        .iter()
        .filter_map(|l| ProfileLink::parse(l).ok())
        .collect()
}

async fn view<C: ConnectionTrait>(conn: &C, user: user::Model) -> Result<ProfileView> {
    let profile = producer_profile::Entity::find_by_id(user.id)
        .one(conn)
        .await?;
    let published_beats = beat::Entity::find()
        .filter(beat::Column::ProducerId.eq(user.id))
        .filter(beat::Column::Status.eq(BeatStatus::Published.as_str()))
        .count(conn)
        .await?;
    let handle = profile.as_ref().map(|p| p.handle.clone());
    Ok(ProfileView {
        page_url: format!(
            "/p/{}",
            handle.clone().unwrap_or_else(|| user.id.to_string())
        ),
        links: links_of(profile.as_ref())
            .into_iter()
            .map(|l| LinkView {
                label: l.label(),
                url: l.to_string(),
            })
            .collect(),
        bio: profile.map(|p| p.bio).unwrap_or_default(),
        handle,
        id: user.id,
        display_name: user.display_name,
        published_beats,
        joined_at: user.created_at,
    })
}

/// The producer a page address names: a handle (any case), or an id for a producer who has
/// none yet. Anyone who is not a producer is not found.
pub(crate) async fn find_producer<C: ConnectionTrait>(
    conn: &C,
    key: &str,
) -> Result<Option<user::Model>> {
    let user_id = match Uuid::parse_str(key) {
        Ok(id) => Some(id),
        Err(_) => match Handle::parse(key) {
            Ok(handle) => producer_profile::Entity::find()
                .filter(producer_profile::Column::Handle.eq(handle.as_str()))
                .one(conn)
                .await?
                .map(|p| p.user_id),
            Err(_) => None,
        },
    };
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    Ok(user::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .filter(|u| u.role == Role::Producer.as_str()))
}

/// `GET /api/v1/producers/{handle}`.
pub async fn producer(db: &DatabaseConnection, key: &str) -> Result<ProfileView> {
    let user = find_producer(db, key)
        .await?
        .ok_or(Error::NotFound("producer"))?;
    view(db, user).await
}

/// The handles of these producers (those who have one).
pub(crate) async fn handles<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>> {
    Ok(producer_profile::Entity::find()
        .filter(producer_profile::Column::UserId.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p.handle))
        .collect())
}

fn taken(e: Error) -> Error {
    match e {
        Error::Conflict {
            code: "already_exists",
            ..
        } => Error::conflict(
            "handle_taken",
            "that handle belongs to another producer; choose another",
        ),
        other => other,
    }
}

/// Gives the producer a handle made from their name if they have none (`night-shift`, else
/// `night-shift-2`…), so that their beats can link to a page. Safe against a race: a taken
/// candidate is skipped, whoever took it.
pub(crate) async fn ensure_handle<C: ConnectionTrait>(conn: &C, user: &user::Model) -> Result<()> {
    if producer_profile::Entity::find_by_id(user.id)
        .one(conn)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let base = Handle::suggest(&user.display_name)
        .or_else(|| Handle::suggest(&format!("producer {}", &user.id.simple().to_string()[..8])))
        .ok_or_else(|| Error::Internal("no handle could be made".into()))?;
    for n in 1..=50u32 {
        let candidate = if n == 1 {
            base.clone()
        } else {
            base.numbered(n)
        };
        let inserted = producer_profile::Entity::insert(producer_profile::ActiveModel {
            user_id: Set(user.id),
            handle: Set(candidate.as_str().to_owned()),
            bio: Set(String::new()),
            links: Set(None),
            updated_at: Set(Utc::now()),
        })
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .exec_without_returning(conn)
        .await?;
        if inserted == 1 {
            return Ok(());
        }
        if producer_profile::Entity::find_by_id(user.id)
            .one(conn)
            .await?
            .is_some()
        {
            return Ok(()); // another request made it meanwhile
        }
    }
    Err(Error::conflict(
        "handle_taken",
        "no free handle could be made from your name; choose one",
    ))
}

/// `PATCH /api/v1/me`: the name shown in the store for anyone; handle, bio and links for
/// producers, whose page shows them.
pub async fn update_me(
    db: &DatabaseConnection,
    actor: &Actor,
    changes: ProfileChanges,
) -> Result<ProfileView> {
    let page_fields = changes.handle.is_some() || changes.bio.is_some() || changes.links.is_some();
    if page_fields && actor.role != Role::Producer {
        return Err(Error::Forbidden(
            "only producers have a public page with a handle, bio and links".into(),
        ));
    }
    if changes
        .links
        .as_ref()
        .is_some_and(|l| l.len() > ProfileLink::MAX_PER_PROFILE)
    {
        return Err(Error::invalid("links", "at most 6 links"));
    }
    let txn = crate::db::write_txn(db).await?;
    let mut user = user::Entity::find_by_id(actor.user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| Error::unauthorized("account_gone", "this account no longer exists"))?;
    if let Some(name) = changes.display_name {
        let mut row: user::ActiveModel = user.into();
        row.display_name = Set(name.as_str().to_owned());
        user = row.update(&txn).await?;
    }
    if page_fields {
        if let Some(handle) = &changes.handle {
            // Someone else's handle, whatever its case, answers 409 before anything is written.
            let holder = producer_profile::Entity::find()
                .filter(producer_profile::Column::Handle.eq(handle.as_str()))
                .one(&txn)
                .await?;
            if holder.is_some_and(|p| p.user_id != user.id) {
                return Err(taken(Error::conflict("already_exists", "")));
            }
        }
        ensure_handle(&txn, &user).await?;
        let profile = producer_profile::Entity::find_by_id(user.id)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::Internal("the profile row vanished".into()))?;
        let mut row: producer_profile::ActiveModel = profile.into();
        if let Some(handle) = changes.handle {
            row.handle = Set(handle.as_str().to_owned());
        }
        if let Some(bio) = changes.bio {
            row.bio = Set(bio.as_str().to_owned());
        }
        if let Some(links) = changes.links {
            let urls: Vec<String> = links.iter().map(ToString::to_string).collect();
            row.links = Set(Some(serde_json::json!(urls)));
        }
        row.updated_at = Set(Utc::now());
        // The unique index settles a race between two producers taking one handle.
        row.update(&txn).await.map_err(|e| taken(e.into()))?;
    }
    let out = view(&txn, user).await?;
    txn.commit().await?;
    Ok(out)
}
