//! Who may put a beat on sale on a Stripe marketplace: a producer whose connected account
//! takes payouts and whose login asks for a second factor (a stolen password must not be
//! enough to redirect a catalog's earnings). Anywhere else, anyone who could before.

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::config::CommerceConfig;
use crate::services::two_factor::two_factor_enabled;
use crate::{Error, Result};

pub async fn require_can_sell<C: ConnectionTrait>(
    conn: &C,
    commerce: &CommerceConfig,
    user_id: Uuid,
) -> Result<()> {
    if !commerce.uses_connect() {
        return Ok(());
    }
    let payouts = super::accounts::of_user(conn, user_id)
        .await?
        .is_some_and(|a| a.payouts_enabled);
    let two_factor = two_factor_enabled(conn, user_id).await?;
    let mut missing = Vec::new();
    let mut steps = Vec::new();
    if !payouts {
        missing.push("payouts");
        steps.push("connect a payout account and finish Stripe's onboarding (POST /api/v1/payouts/onboarding) until payouts are enabled");
    }
    if !two_factor {
        missing.push("two_factor");
        steps.push("turn on two-factor login (POST /api/v1/me/two-factor)");
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Conflict {
        code: if payouts {
            "two_factor_required"
        } else {
            "payouts_not_enabled"
        },
        message: format!(
            "before selling on this marketplace, {}",
            steps.join(", and ")
        ),
        details: Some(serde_json::json!({ "missing": missing })),
    })
}
