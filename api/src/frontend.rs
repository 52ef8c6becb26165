//! The storefront: the static files of `frontend/`, built into the binary so that one file is
//! the whole store. Paths that are pages of the single-page app (`/beats/…`, `/library/…`)
//! get `index.html`. With `TRACKOUT_FRONTEND_DIR` set, files are read from that folder
//! instead, so the pages can be edited without rebuilding.

use std::path::{Component, Path, PathBuf};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use include_dir::{Dir, include_dir};

static FRONTEND: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../frontend");

fn disk_dir() -> Option<PathBuf> {
    std::env::var_os("TRACKOUT_FRONTEND_DIR").map(PathBuf::from)
}

/// The file for a request path, if there is one (never outside the frontend folder).
fn lookup(path: &str) -> Option<(String, Vec<u8>)> {
    let relative = path.trim_start_matches('/');
    let relative = if relative.is_empty() {
        "index.html"
    } else {
        relative
    };
    let clean = Path::new(relative);
    if clean
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    match disk_dir() {
        Some(dir) => std::fs::read(dir.join(clean))
            .ok()
            .map(|b| (relative.to_owned(), b)),
        None => FRONTEND
            .get_file(clean)
            .map(|f| (relative.to_owned(), f.contents().to_vec())),
    }
}

/// The default service: a frontend file, the app shell for a page route, or a 404.
pub async fn serve(req: HttpRequest) -> HttpResponse {
    let path = req.path();
    let api_like = ["/api/", "/d/", "/s/", "/pay/"]
        .iter()
        .any(|p| path.starts_with(p));
    let (name, body) = match lookup(path) {
        Some(found) => found,
        // A page of the app (no extension): the shell takes it from there.
        None if !api_like && !path.rsplit('/').next().unwrap_or("").contains('.') => {
            match lookup("/index.html") {
                Some(shell) => shell,
                None => return HttpResponse::NotFound().finish(),
            }
        }
        None => {
            let missing = crate::ApiError::from(trackout_core::Error::NotFound("page"));
            return actix_web::ResponseError::error_response(&missing);
        }
    };
    let mime = mime_guess::from_path(&name).first_or_octet_stream();
    let cache = if name == "index.html" {
        "no-cache"
    } else {
        "public, max-age=300"
    };
    HttpResponse::Ok()
        .content_type(mime.essence_str())
        .insert_header((header::CACHE_CONTROL, cache))
        .body(body)
}
