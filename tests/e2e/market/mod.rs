//! Marketplace money: selling modes, producer invitations, the ledger of who is owed what.

mod cart;
mod collaborators;
mod connect;
mod connect_faults;
mod deals;
mod ledger;
mod minimum_charge;
mod selling;

use entity::purchase;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use trackout_core::config::Config;
use trackout_core::domain::{FeePercent, SellingMode};
use trackout_tests::TestApp;
use trackout_tests::app::Account;

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

/// How many purchases (of any state) the buyer has: none after a refused checkout.
pub async fn purchases_of(app: &TestApp, buyer: &Account) -> u64 {
    purchase::Entity::find()
        .filter(purchase::Column::BuyerId.eq(buyer.id))
        .count(&app.state.db)
        .await
        .unwrap()
}
