use actix_web::{HttpResponse, web};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder};

/// The document's frame; `utoipa-actix-web` fills in every route registered with `service`.
pub fn base() -> OpenApi {
    let mut api = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Trackout")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "A beat store: producers sell lease tiers of their beats, artists buy them, \
                     engineers fetch the stems. Errors are application/problem+json with a stable `code`.",
                ))
                .build(),
        )
        .build();
    api.components
        .get_or_insert_with(Default::default)
        .add_security_scheme(
            "session",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    api
}

pub async fn serve(api: web::Data<OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(api.get_ref())
}
