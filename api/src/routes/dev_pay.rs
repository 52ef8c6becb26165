//! The development payment provider's checkout page. It exists only when Stripe is not
//! configured, and is served only on loopback unless enabled explicitly. Its "Pay" button
//! goes through exactly the event handling a Stripe webhook does.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use entity::{beat, purchase};
use sea_orm::EntityTrait;
use tracing::instrument;
use trackout_core::domain::{PaymentProviderKind, PurchaseStatus};
use trackout_core::services::commerce::checkout::still_payable;
use trackout_core::services::commerce::payment_events::{apply, dev_payment_event};
use uuid::Uuid;

use crate::html::{escape, page as html_page};
use crate::{ApiError, AppState};

async fn pending(state: &AppState, id: Uuid) -> Result<(purchase::Model, String), ApiError> {
    if !state.dev_payments_allowed() {
        return Err(trackout_core::Error::NotFound("page").into());
    }
    let purchase = purchase::Entity::find_by_id(id)
        .one(&state.db)
        .await
        .map_err(trackout_core::Error::from)?
        .filter(|p| PaymentProviderKind::Dev.is(&p.provider))
        .ok_or(trackout_core::Error::NotFound("checkout"))?;
    let title = beat::Entity::find_by_id(purchase.beat_id)
        .one(&state.db)
        .await
        .map_err(trackout_core::Error::from)?
        .map(|b| b.title)
        .unwrap_or_default();
    Ok((purchase, title))
}

/// The development provider's checkout page (only without Stripe, only on loopback unless
/// `TRACKOUT_DEV_PAYMENTS=true`).
#[utoipa::path(tag = "commerce", params(("id" = Uuid, Path)), responses(
    (status = 200, content_type = "text/html", description = "a clearly labelled test checkout"),
    (status = 404, description = "no such checkout, or development payments are off"),
))]
#[get("/pay/dev/{id}")]
#[instrument(skip_all, fields(purchase = %id))]
pub async fn page(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (purchase, title) = pending(&state, *id).await?;
    let action = if still_payable(&state.db, &purchase).await? {
        format!(
            r#"<form method="post"><button type="submit" id="pay">Pay {} (test)</button></form>"#,
            price(&purchase)
        )
    } else {
        format!(
            r#"<p>This checkout is <strong>{}</strong>.</p>"#,
            escape(&purchase.status)
        )
    };
    let body = format!(
        r#"<p class="banner" role="alert">TEST PAYMENT — development payment provider. No money moves; nothing is charged.</p>
<h1>{}</h1><p class="muted">{} · {}</p>{action}"#,
        escape(&title),
        escape(&purchase.tier_name),
        price(&purchase),
    );
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html_page("Test checkout", &body)))
}

fn price(p: &purchase::Model) -> String {
    format!(
        "{}.{:02} {}",
        p.price_cents / 100,
        p.price_cents % 100,
        p.currency.to_uppercase()
    )
}

/// "Pay" on the development checkout: completes the purchase through the webhook's code path.
#[utoipa::path(tag = "commerce", params(("id" = Uuid, Path)), responses(
    (status = 303, description = "paid; on to the library"),
    (status = 409, description = "checkout_expired: the exclusive hold ran out"),
    (status = 404, description = "no such checkout, or development payments are off"),
))]
#[post("/pay/dev/{id}")]
#[instrument(skip_all, fields(purchase = %id))]
pub async fn pay(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (purchase, _) = pending(&state, *id).await?;
    if PurchaseStatus::Pending.is(&purchase.status) && !still_payable(&state.db, &purchase).await? {
        return Err(trackout_core::Error::conflict(
            "checkout_expired",
            "this checkout has expired: the exclusive hold ran out; start again from the beat",
        )
        .into());
    }
    let event = dev_payment_event(&purchase)?;
    apply(&state.db, &event).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("/library/{}?checkout=success", purchase.id),
        ))
        .finish())
}
