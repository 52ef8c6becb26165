//! Who may see what: the one place that says which beats and purchases an actor can reach.
//! Anything that is not yours answers exactly like something that does not exist (404), so
//! guessing ids teaches nothing.

use entity::{beat, purchase};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::Actor;
use crate::domain::BeatStatus;
use crate::{Error, Result};

/// The beat if `actor` produced it.
pub(crate) async fn own_beat<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: Uuid,
) -> Result<beat::Model> {
    beat::Entity::find_by_id(id)
        .filter(beat::Column::ProducerId.eq(actor.user_id))
        .one(conn)
        .await?
        .ok_or(Error::NotFound("beat"))
}

/// A published beat for anyone; a draft (or a sold beat) only for its producer.
pub(crate) async fn visible_beat<C: ConnectionTrait>(
    conn: &C,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<beat::Model> {
    beat::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|b| {
            b.status == BeatStatus::Published.as_str()
                || actor.is_some_and(|a| a.user_id == b.producer_id)
        })
        .ok_or(Error::NotFound("beat"))
}

/// The buyer's own purchase.
pub(crate) async fn own_purchase<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    id: Uuid,
) -> Result<purchase::Model> {
    purchase::Entity::find_by_id(id)
        .filter(purchase::Column::BuyerId.eq(actor.user_id))
        .one(conn)
        .await?
        .ok_or(Error::NotFound("purchase"))
}
