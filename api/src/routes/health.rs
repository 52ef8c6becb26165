use actix_web::{HttpResponse, get, web};
use serde_json::json;
use tracing::instrument;
use trackout_core::db;

use crate::AppState;

/// The process is up.
#[utoipa::path(tag = "health", responses((status = 200, description = "alive")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The database and the object store both answer.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "ready"),
    (status = 503, description = "a dependency is down; the body says which"),
))]
#[get("/readyz")]
#[instrument(skip_all)]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let database = db::ping(&state.db).await;
    let storage = state.storage.ping().await;
    if let Err(e) = &database {
        tracing::warn!(error = %e, "database not ready");
    }
    if let Err(e) = &storage {
        tracing::warn!(error = %e, "storage not ready");
    }
    let body = json!({
        "database": if database.is_ok() { "ok" } else { "unavailable" },
        "storage": if storage.is_ok() { "ok" } else { "unavailable" },
        "storage_backend": state.storage.backend(),
    });
    if database.is_ok() && storage.is_ok() {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
