use actix_web::{HttpResponse, web};
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder, RefOr};

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

/// Where one answer leads: a client (and a stateful fuzzer) follows these from a new beat to its
/// uploads and upload sessions, and from a checkout to its purchase, its shares and a share's
/// revocation.
struct Link {
    from: &'static str,
    method: &'static str,
    status: &'static str,
    name: &'static str,
    to: &'static str,
    to_method: &'static str,
    /// The parameter of `to` that the answer fills in …
    parameter: &'static str,
    /// … from this field of the answer's body.
    field: &'static str,
}

const fn link(
    (from, method, status, name): (&'static str, &'static str, &'static str, &'static str),
    (to, to_method, parameter, field): (&'static str, &'static str, &'static str, &'static str),
) -> Link {
    Link {
        from,
        method,
        status,
        name,
        to,
        to_method,
        parameter,
        field,
    }
}

const LINKS: &[Link] = &[
    link(
        ("/api/v1/beats", "post", "201", "GetBeat"),
        ("/api/v1/beats/{id}", "get", "id", "id"),
    ),
    link(
        ("/api/v1/beats", "post", "201", "UploadToBeat"),
        ("/api/v1/beats/{id}/{kind}", "put", "id", "id"),
    ),
    link(
        ("/api/v1/beats", "post", "201", "BeatProcessing"),
        ("/api/v1/beats/{id}/processing", "get", "id", "id"),
    ),
    link(
        ("/api/v1/beats", "post", "201", "PublishBeat"),
        ("/api/v1/beats/{id}/publish", "post", "id", "id"),
    ),
    link(
        ("/api/v1/beats", "post", "201", "BeatTiers"),
        ("/api/v1/beats/{id}/tiers", "put", "id", "id"),
    ),
    link(
        ("/api/v1/checkout", "post", "200", "GetPurchase"),
        ("/api/v1/purchases/{id}", "get", "id", "purchase_id"),
    ),
    link(
        ("/api/v1/checkout", "post", "200", "CancelPurchase"),
        ("/api/v1/purchases/{id}/cancel", "post", "id", "purchase_id"),
    ),
    link(
        ("/api/v1/checkout", "post", "200", "ShareStems"),
        ("/api/v1/purchases/{id}/shares", "post", "id", "purchase_id"),
    ),
    link(
        ("/api/v1/checkout", "post", "200", "ListShares"),
        ("/api/v1/purchases/{id}/shares", "get", "id", "purchase_id"),
    ),
    link(
        (
            "/api/v1/purchases/{id}/shares",
            "post",
            "201",
            "RevokeShare",
        ),
        (
            "/api/v1/purchases/{id}/shares/{share_id}",
            "delete",
            "share_id",
            "id",
        ),
    ),
    link(
        (
            "/api/v1/beats/{id}/uploads",
            "post",
            "201",
            "UploadSessionOffset",
        ),
        ("/api/v1/uploads/{session}", "head", "session", "id"),
    ),
    link(
        (
            "/api/v1/beats/{id}/uploads",
            "post",
            "201",
            "UploadSessionBytes",
        ),
        ("/api/v1/uploads/{session}", "patch", "session", "id"),
    ),
    link(
        (
            "/api/v1/beats/{id}/uploads",
            "post",
            "201",
            "EndUploadSession",
        ),
        ("/api/v1/uploads/{session}", "delete", "session", "id"),
    ),
];

/// The document with [`LINKS`] added to the answers they start from. A link whose ends are not
/// both in the document is left out (the OpenAPI test names every link a client relies on).
pub fn with_links(mut api: OpenApi) -> OpenApi {
    for &Link {
        from,
        method,
        status,
        name,
        to,
        to_method,
        parameter,
        field,
    } in LINKS
    {
        if operation(&mut api, to, to_method).is_none() {
            continue;
        }
        let Some(RefOr::T(response)) =
            operation(&mut api, from, method).and_then(|op| op.responses.responses.get_mut(status))
        else {
            continue;
        };
        let mut link = LinkBuilder::new()
            .operation_ref(format!("#/paths/{}/{to_method}", pointer(to)))
            .parameter(parameter, format!("$response.body#/{field}"));
        if from == "/api/v1/purchases/{id}/shares" {
            // The share lives under the same purchase.
            link = link.parameter("id", "$request.path.id");
        }
        response
            .links
            .insert(name.to_owned(), RefOr::T(link.build()));
    }
    api
}

fn operation<'a>(
    api: &'a mut OpenApi,
    path: &str,
    method: &str,
) -> Option<&'a mut utoipa::openapi::path::Operation> {
    let item = api.paths.paths.get_mut(path)?;
    match method {
        "get" => item.get.as_mut(),
        "put" => item.put.as_mut(),
        "post" => item.post.as_mut(),
        "delete" => item.delete.as_mut(),
        "patch" => item.patch.as_mut(),
        "head" => item.head.as_mut(),
        _ => None,
    }
}

/// A path as a JSON pointer segment (`/` is `~1`, `~` is `~0`).
fn pointer(path: &str) -> String {
    path.replace('~', "~0").replace('/', "~1")
}

// Described as binary so that clients and fuzzers send bytes, not the array of numbers a
// `Vec<u8>` would be described as.
/// The file's bytes, as they are on disk.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, content_media_type = "application/octet-stream")]
pub struct FileBody(#[allow(dead_code)] Vec<u8>);
