use maud::{Markup, html};
use trackout_core::services::commerce::dev_checkout::DevCheckout;

use super::{layout, price};

/// The development provider's checkout: unmistakably a test, with a Pay button while payable.
pub fn dev_checkout(checkout: &DevCheckout) -> Markup {
    let amount = price(checkout.price_cents, &checkout.currency);
    layout(
        "Test checkout",
        html! {
            p.banner role="alert" {
                "TEST PAYMENT — development payment provider. No money moves; nothing is charged."
            }
            h1 { (checkout.beat_title) }
            p.muted { (checkout.tier_name) " · " (amount) }
            @if checkout.payable {
                form method="post" {
                    button type="submit" id="pay" { "Pay " (amount) " (test)" }
                }
            } @else {
                p { "This checkout is " strong { (checkout.status) } "." }
            }
        },
    )
}
