//! The few pages the API itself renders (the development payment page, an engineer's share
//! page), through maud: every value is escaped by the template engine at compile time, so no
//! title or label can break out of the markup.

mod dev_checkout;
mod share;

pub use dev_checkout::dev_checkout;
pub use share::share;

use maud::{DOCTYPE, Markup, PreEscaped, html};

const STYLE: &str = "
body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#0e0f13;color:#e8e8ee}
main{max-width:760px;margin:0 auto;padding:32px 20px}
h1{font-size:1.6rem;margin:0 0 4px} .muted{color:#9a9aab}
.banner{background:#5a1d1d;border:1px solid #e5484d;color:#ffd7d7;padding:12px 16px;border-radius:8px;font-weight:600}
table{width:100%;border-collapse:collapse;margin-top:16px} td,th{padding:8px 6px;border-bottom:1px solid #23242c;text-align:left}
a,button{color:#0e0f13;background:#7c5cff;border:0;border-radius:6px;padding:8px 14px;font-weight:600;text-decoration:none;cursor:pointer}
a:focus,button:focus{outline:3px solid #c4b5fd;outline-offset:2px}
";

/// A whole page in the store's frame.
pub fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Trackout" }
                style { (PreEscaped(STYLE)) }
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
