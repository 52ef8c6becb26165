//! The storefront: the static files of `frontend/`, built into the binary so that one file is
//! the whole store. Paths that are pages of the single-page app (`/beats/…`, `/library/…`)
//! get `index.html`; a beat's and a producer's page get it with their link-preview tags
//! written in (crawlers run no script). `/embed/…` gets the player meant for other sites'
//! iframes, the one page any site may frame. With `TRACKOUT_FRONTEND_DIR` set, files are read
//! from that folder instead, so the pages can be edited without rebuilding.

use std::path::{Component, Path, PathBuf};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use include_dir::{Dir, include_dir};
use maud::html;
use trackout_core::services::link_previews::{self, Preview};
use uuid::Uuid;

use crate::AppState;
use crate::pages::{LinkPreview, link_preview};

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

/// The page a path's preview describes.
enum Described<'a> {
    Beat(Uuid),
    Producer(&'a str),
}

fn described(path: &str) -> Option<Described<'_>> {
    let path = path.trim_end_matches('/');
    if let Some(id) = path.strip_prefix("/beats/") {
        return Uuid::parse_str(id).ok().map(Described::Beat);
    }
    path.strip_prefix("/p/")
        .filter(|h| !h.is_empty() && !h.contains('/'))
        .map(Described::Producer)
}

/// The shell with the page's own title and link-preview tags in its head.
async fn with_preview(req: &HttpRequest, shell: Vec<u8>) -> Vec<u8> {
    let Some(page) = described(req.path()) else {
        return shell;
    };
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return shell;
    };
    let found = match page {
        Described::Beat(id) => link_previews::beat(&state.db, id).await,
        Described::Producer(handle) => link_previews::producer(&state.db, handle).await,
    };
    let preview: Preview = match found {
        Ok(Some(preview)) => preview,
        Ok(None) => return shell,
        Err(e) => {
            // The page still works without its preview tags; the cause is logged.
            tracing::warn!(error = %e, path = req.path(), "no link preview");
            return shell;
        }
    };
    let public = state.config.public_url();
    let tags = link_preview(&LinkPreview {
        url: format!("{public}{}", req.path()),
        image: preview.image.map(|i| format!("{public}{i}")),
        kind: match page {
            Described::Beat(_) => "music.song",
            Described::Producer(_) => "profile",
        },
        title: preview.title.clone(),
        description: preview.description,
    });
    let title = html! { title { (preview.title) " · Trackout" } };
    let Ok(text) = String::from_utf8(shell.clone()) else {
        return shell;
    };
    text.replacen(
        "<title>Trackout</title>",
        &format!("{}\n{}", title.into_string(), tags.into_string()),
        1,
    )
    .into_bytes()
}

/// The default service: a frontend file, the app shell for a page route, or a 404.
pub async fn serve(req: HttpRequest) -> HttpResponse {
    let path = req.path();
    let api_like = ["/api/", "/d/", "/s/", "/pay/"]
        .iter()
        .any(|p| path.starts_with(p));
    let embed = path.starts_with("/embed/");
    let (name, body) = match lookup(path) {
        Some(found) => found,
        None if embed => match lookup("/embed.html") {
            Some(shell) => shell,
            None => return HttpResponse::NotFound().finish(),
        },
        // A page of the app (no extension): the shell takes it from there.
        None if !api_like && !path.rsplit('/').next().unwrap_or("").contains('.') => {
            match lookup("/index.html") {
                Some((name, shell)) => (name, with_preview(&req, shell).await),
                None => return HttpResponse::NotFound().finish(),
            }
        }
        None => {
            let missing = crate::ApiError::from(trackout_core::Error::NotFound("page"));
            return actix_web::ResponseError::error_response(&missing);
        }
    };
    let mime = mime_guess::from_path(&name).first_or_octet_stream();
    let cache = if name.ends_with(".html") {
        "no-cache"
    } else {
        "public, max-age=300"
    };
    let mut response = HttpResponse::Ok();
    response
        .content_type(mime.essence_str())
        .insert_header((header::CACHE_CONTROL, cache));
    if embed && let Some(state) = req.app_data::<actix_web::web::Data<crate::AppState>>() {
        // The player is made to sit in other sites' pages: any of them may frame it. Everything
        // else of the store's policy still holds (the rest of the store is framed by itself only).
        let policy = crate::security::content_security_policy(&state.config)
            .replace("frame-ancestors 'self'", "frame-ancestors *");
        response.insert_header((header::CONTENT_SECURITY_POLICY, policy));
    }
    response.body(body)
}
