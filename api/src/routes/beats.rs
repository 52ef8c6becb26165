use actix_web::{HttpResponse, delete, get, patch, post, web};
use tracing::instrument;
use trackout_core::services::catalog::{CatalogPage, CatalogParams, CatalogQuery};
use trackout_core::services::{
    BeatView, beats as service, catalog as catalog_service, publish as publish_service,
};
use uuid::Uuid;

use crate::session::{MaybeSession, Session};
use crate::{ApiError, AppState};

/// The public catalog: published beats, filtered, sorted and paged.
#[utoipa::path(tag = "catalog", params(CatalogParams), responses(
    (status = 200, body = CatalogPage),
    (status = 422, description = "a filter is not valid"),
))]
#[get("/beats")]
#[instrument(skip_all)]
pub async fn catalog(
    state: web::Data<AppState>,
    params: web::Query<CatalogParams>,
) -> Result<HttpResponse, ApiError> {
    let query = CatalogQuery::parse(&params)?;
    let page = catalog_service::page_json(&state.db, &state.catalog, query).await?;
    Ok(HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(page))
}

/// The signed-in producer's beats, drafts included.
#[utoipa::path(tag = "beats", security(("session" = [])), responses((status = 200, body = Vec<BeatView>)))]
#[get("/me/beats")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn my_beats(
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::list_own(&state.db, &session.0).await?))
}

/// Creates a draft beat with the four default lease tiers.
#[utoipa::path(tag = "beats", security(("session" = [])), request_body = service::NewBeat, responses(
    (status = 201, body = BeatView),
    (status = 403, description = "only producers create beats"),
    (status = 422, description = "invalid_input"),
))]
#[post("/beats")]
#[instrument(skip_all, fields(user = %session.0.user_id))]
pub async fn create(
    state: web::Data<AppState>,
    session: Session,
    body: crate::json::Json<service::NewBeat>,
) -> Result<HttpResponse, ApiError> {
    let beat = service::create(
        &state.db,
        &state.config.quotas,
        &session.0,
        body.into_inner(),
    )
    .await?;
    Ok(HttpResponse::Created().json(beat))
}

/// A published beat, or one of the caller's own drafts.
#[utoipa::path(tag = "beats", params(("id" = Uuid, Path)), responses(
    (status = 200, body = BeatView),
    (status = 404, description = "no such beat, or a draft of someone else"),
))]
#[get("/beats/{id}")]
#[instrument(skip_all, fields(beat = %id))]
pub async fn show(
    state: web::Data<AppState>,
    session: MaybeSession,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(service::get(&state.db, session.0.as_ref(), *id).await?))
}

#[utoipa::path(tag = "beats", security(("session" = [])), params(("id" = Uuid, Path)),
    request_body = service::BeatChanges, responses((status = 200, body = BeatView), (status = 404)))]
#[patch("/beats/{id}")]
#[instrument(skip_all, fields(beat = %id, user = %session.0.user_id))]
pub async fn update(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
    body: crate::json::Json<service::BeatChanges>,
) -> Result<HttpResponse, ApiError> {
    let beat = service::update(&state.db, &session.0, *id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(beat))
}

/// Deletes the beat; its stored files are purged in the background.
#[utoipa::path(tag = "beats", security(("session" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404)))]
#[delete("/beats/{id}")]
#[instrument(skip_all, fields(beat = %id, user = %session.0.user_id))]
pub async fn remove(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    service::delete(&state.db, &session.0, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Puts the beat in the catalog. Refused (409) while an upload is missing, the trackout check
/// is pending or has errors (the findings come with the answer), or no tier is for sale. On a
/// Stripe marketplace, also until your payouts are enabled and two-factor login is on.
#[utoipa::path(tag = "beats", security(("session" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = BeatView),
    (status = 409, description = "missing_upload, check_pending, trackout_has_errors, listing_incomplete (no BPM or key, typed or detected), no_tier_for_sale, deliverables_pending, sold_exclusively, payouts_not_enabled or two_factor_required (details.missing names what is missing)"),
    (status = 404),
))]
#[post("/beats/{id}/publish")]
#[instrument(skip_all, fields(beat = %id, user = %session.0.user_id))]
pub async fn publish(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(publish_service::publish(&state.db, &state.config.commerce, &session.0, *id).await?))
}

/// Takes the beat off sale; buyers keep everything they bought.
#[utoipa::path(tag = "beats", security(("session" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = BeatView),
    (status = 409, description = "sold_exclusively"),
    (status = 404),
))]
#[post("/beats/{id}/unpublish")]
#[instrument(skip_all, fields(beat = %id, user = %session.0.user_id))]
pub async fn unpublish(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(publish_service::unpublish(&state.db, &session.0, *id).await?))
}

/// Puts a beat whose exclusive was refunded or lost to a dispute back on sale, and says what
/// became of the licenses sold before. Publish never does this.
#[utoipa::path(tag = "beats", security(("session" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = trackout_core::services::publish::Relisted),
    (status = 409, description = "not_sold, exclusive_still_valid, payouts_not_enabled or two_factor_required"),
    (status = 404),
))]
#[post("/beats/{id}/relist")]
#[instrument(skip_all, fields(beat = %id, user = %session.0.user_id))]
pub async fn relist(
    state: web::Data<AppState>,
    session: Session,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .json(publish_service::relist(&state.db, &state.config.commerce, &session.0, *id).await?))
}
