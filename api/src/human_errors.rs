//! People who open a link of the store in a browser (a share link, a download link, a test
//! checkout) and hit a refusal see a page in the store's style that says what happened and
//! what to do; clients still get `application/problem+json`. One middleware, for the paths a
//! person opens directly; the answer keeps its status.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use serde::Deserialize;

use crate::pages::{ErrorPage, error_page};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Link {
    Share,
    Download,
    Checkout,
}

impl Link {
    fn of(path: &str) -> Option<Link> {
        if path.starts_with("/s/") {
            Some(Link::Share)
        } else if path.starts_with("/d/") {
            Some(Link::Download)
        } else if path.starts_with("/pay/dev/") {
            Some(Link::Checkout)
        } else {
            None
        }
    }
}

/// What a browser navigating to a page asks for (`text/html,…`); API clients ask for JSON.
fn prefers_html(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

#[derive(Deserialize, Default)]
struct Problem {
    #[serde(default)]
    code: String,
    #[serde(default)]
    detail: String,
}

fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

fn page_for(link: Link, status: StatusCode, problem: Problem) -> ErrorPage {
    let detail = sentence(&problem.detail);
    let (title, message, advice, action) = match (link, status.as_u16()) {
        (Link::Share, 403) => (
            "This share link has ended",
            detail,
            "Ask the artist who sent it for a new link: it takes them a click.",
            ("/", "Browse the store"),
        ),
        (Link::Share, _) => (
            "This share link doesn't work",
            "The link is incomplete or mistyped, or it is not a share link.".to_owned(),
            "Copy the whole link again from the message you were sent, or ask the artist for a new one.",
            ("/", "Browse the store"),
        ),
        (Link::Download, 401) => (
            "This download link has expired",
            "Download links last a few minutes, so that a link that gets around stops working."
                .to_owned(),
            "Open your library (or the share page you came from) and click Download again: it makes a fresh link.",
            ("/library", "Go to your library"),
        ),
        (Link::Download, 403) => (
            "This download is no longer available",
            detail,
            "If you think this is a mistake, contact the store.",
            ("/library", "Go to your library"),
        ),
        (Link::Download, 409) => (
            "This file is still being prepared",
            detail,
            "Try again in a minute: your library shows when it is ready.",
            ("/library", "Go to your library"),
        ),
        (Link::Download, _) => (
            "This file cannot be found",
            "The link does not point to a file of any purchase.".to_owned(),
            "Open your library and download the file from there.",
            ("/library", "Go to your library"),
        ),
        (Link::Checkout, 404) => (
            "This checkout does not exist",
            "There is no test checkout at this address, or this store takes no test payments."
                .to_owned(),
            "Start again from the beat: choose a license and press Buy.",
            ("/", "Browse beats"),
        ),
        (Link::Checkout, _) => (
            "This checkout cannot be paid",
            detail,
            "Start again from the beat: choose a license and press Buy.",
            ("/", "Browse beats"),
        ),
    };
    ErrorPage {
        title: title.to_owned(),
        message,
        advice,
        action,
        status,
        code: problem.code,
    }
}

pub async fn for_people(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let link = Link::of(req.path());
    let html = link.is_some() && prefers_html(&req);
    let res = next.call(req).await?;
    let Some(link) = link.filter(|_| html) else {
        return Ok(res.map_into_boxed_body());
    };
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/problem+json"));
    if !is_problem || !(res.status().is_client_error() || res.status().is_server_error()) {
        return Ok(res.map_into_boxed_body());
    }
    let status = res.status();
    let (req, res) = res.into_parts();
    let body = actix_web::body::to_bytes(res.into_body()).await.ok();
    let problem: Problem = body
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let page = error_page(&page_for(link, status, problem));
    let response = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(page.into_string());
    Ok(ServiceResponse::new(req, response).map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detail_reads_as_a_sentence() {
        assert_eq!(
            sentence("this link was revoked by the artist"),
            "This link was revoked by the artist."
        );
        assert_eq!(sentence("done!"), "Done!");
        assert_eq!(sentence(""), "");
    }

    #[test]
    fn each_link_says_what_to_do() {
        let page = page_for(Link::Download, StatusCode::UNAUTHORIZED, Problem::default());
        assert_eq!(page.action.0, "/library");
        let page = page_for(
            Link::Share,
            StatusCode::FORBIDDEN,
            Problem {
                code: "forbidden".into(),
                detail: "this link has expired; ask the artist for a new one".into(),
            },
        );
        assert_eq!(page.title, "This share link has ended");
        assert!(page.message.starts_with("This link has expired"));
    }
}
