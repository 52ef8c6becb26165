//! The pages the API itself renders (the development payment page, an engineer's share page,
//! the error pages people see instead of JSON), through maud: every value is escaped by the
//! template engine at compile time, so no title or label can break out of the markup. They
//! wear the storefront's own stylesheets, so they look like the rest of the store.

mod dev_checkout;
mod error;
mod meta;
mod share;

pub use dev_checkout::dev_checkout;
pub use error::{ErrorPage, error_page};
pub use meta::{LinkPreview, link_preview};
pub use share::share;

use maud::{DOCTYPE, Markup, html};

/// A whole page in the store's frame: its header, its colours and type.
pub fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="dark";
                meta name="theme-color" content="#0b0c10";
                title { (title) " · Trackout" }
                link rel="icon" href="/favicon.svg" type="image/svg+xml";
                link rel="stylesheet" href="/css/base.css";
                link rel="stylesheet" href="/css/layout.css";
                link rel="stylesheet" href="/css/components.css";
                link rel="stylesheet" href="/css/storefront.css";
            }
            body.server-page {
                header.site-header {
                    div.site-header__inner {
                        a.brand href="/" aria-label="Trackout, home" {
                            span.brand__mark aria-hidden="true" {} "Trackout"
                        }
                    }
                }
                main #app { (body) }
            }
        }
    }
}

/// An amount in the currency's major unit, as a receipt prints it: `49.99 USD`.
pub fn price(cents: i64, currency: &str) -> String {
    format!(
        "{}.{:02} {}",
        cents / 100,
        cents % 100,
        currency.to_uppercase()
    )
}
