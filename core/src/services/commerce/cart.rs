//! What a checkout asks for: one beat and tier (the form every client already sends), or a
//! cart of items from any producers. One cart is one order: one payment, each item its own
//! purchase and license.

use std::collections::BTreeSet;

use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::TierKind;
use crate::{Error, Result};

/// More than a buyer ever means to carry to one payment page; it bounds the work and the
/// exclusive holds one request can take.
pub const MAX_ITEMS: usize = 20;

/// Each exclusive in a cart takes its beat off sale while the buyer pays: a few at once is a
/// real purchase, a catalog's worth is somebody keeping everyone else from buying.
pub const MAX_EXCLUSIVES: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
pub struct CartItem {
    pub beat_id: Uuid,
    #[schema(value_type = String, example = "wav_lease")]
    pub tier: TierKind,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CheckoutBody {
    /// One item: the beat…
    pub beat_id: Option<Uuid>,
    /// …and its tier.
    #[schema(value_type = Option<String>, example = "wav_lease")]
    pub tier: Option<TierKind>,
    /// Several items, one tier of each beat.
    #[serde(default)]
    pub items: Vec<CartItem>,
    /// A coupon code.
    pub coupon: Option<String>,
}

impl CheckoutBody {
    pub fn one(beat_id: Uuid, tier: TierKind) -> Self {
        CheckoutBody {
            beat_id: Some(beat_id),
            tier: Some(tier),
            ..Default::default()
        }
    }

    /// The items asked for, each beat once.
    pub fn items(&self) -> Result<Vec<CartItem>> {
        let items = match (self.beat_id, self.tier, self.items.is_empty()) {
            (Some(beat_id), Some(tier), true) => vec![CartItem { beat_id, tier }],
            (None, None, false) => self.items.clone(),
            _ => {
                return Err(Error::invalid(
                    "items",
                    "send either `beat_id` and `tier`, or `items`: a list of `{beat_id, tier}`",
                ));
            }
        };
        if items.len() > MAX_ITEMS {
            return Err(Error::invalid(
                "items",
                format!("a checkout holds at most {MAX_ITEMS} items"),
            ));
        }
        if items
            .iter()
            .filter(|i| i.tier == TierKind::Exclusive)
            .count()
            > MAX_EXCLUSIVES
        {
            return Err(Error::invalid(
                "items",
                format!("a checkout holds the exclusive rights to at most {MAX_EXCLUSIVES} beats"),
            ));
        }
        let mut seen = BTreeSet::new();
        if !items.iter().all(|i| seen.insert(i.beat_id)) {
            return Err(Error::invalid(
                "items",
                "each beat can be in a checkout once, with one tier",
            ));
        }
        if self.coupon.as_deref().is_some_and(|c| c.len() > 64) {
            return Err(Error::invalid("coupon", "there is no such coupon"));
        }
        Ok(items)
    }
}
