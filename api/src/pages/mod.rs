//! The few pages the API itself renders (the development payment page, an engineer's share
//! page), through maud: every value is escaped by the template engine at compile time, so no
//! title or label can break out of the markup.

mod dev_checkout;
mod share;

pub use dev_checkout::dev_checkout;
pub use share::share;

use maud::{DOCTYPE, Markup, html};

/// A whole page in the store's frame.
pub fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Trackout" }
                // A stylesheet, not an inline <style>: the Content-Security-Policy allows only
                // the store's own files.
                link rel="stylesheet" href="/css/pages.css";
            }
            body { main { (body) } }
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
