//! Marketplace money: selling modes, producer invitations, the ledger of who is owed what.

mod cart;
mod collaborators;
mod connect;
mod connect_faults;
mod deals;
mod ledger;
mod minimum_charge;
mod selling;

use trackout_core::config::Config;
use trackout_core::domain::{FeePercent, SellingMode};
use trackout_tests::TestApp;

/// A marketplace store taking `percent` and `cents` of each item it sells.
pub fn marketplace(percent: &str, cents: i64) -> impl FnOnce(&mut Config) + Send + 'static {
    let percent: FeePercent = percent.parse().unwrap();
    move |c: &mut Config| {
        c.commerce.selling = SellingMode::Marketplace;
        c.commerce.platform_fee_percent = percent;
        c.commerce.platform_fee_cents = cents;
    }
}

pub async fn marketplace_app(percent: &str, cents: i64) -> TestApp {
    TestApp::builder()
        .config(marketplace(percent, cents))
        .spawn()
        .await
}
