use actix_web::http::StatusCode;
use maud::{Markup, html};

use super::layout;

/// What a person is told when a link of the store does not work: what happened, what to do.
pub struct ErrorPage {
    pub title: String,
    pub message: String,
    pub advice: &'static str,
    /// Where to go from here: `(href, text)`.
    pub action: (&'static str, &'static str),
    pub status: StatusCode,
    /// The API's stable code, for whoever reads the source of the page.
    pub code: String,
}

pub fn error_page(page: &ErrorPage) -> Markup {
    layout(
        &page.title,
        html! {
            section.error-page data-code=(page.code) data-status=(page.status.as_u16()) {
                p.error-page__status { "Error " (page.status.as_u16()) }
                h1 { (page.title) }
                @if !page.message.is_empty() {
                    p.error-page__message { (page.message) }
                }
                p.muted { (page.advice) }
                p { a.btn href=(page.action.0) { (page.action.1) } }
            }
        },
    )
}
