//! Selling and delivering: checkout, payment events, fulfilment, the buyer's library, signed
//! downloads, shares with engineers, license checks and the producer's sales.

pub mod cancel;
pub mod cart;
pub mod checkout;
pub mod coupons;
pub mod deals;
pub mod dev_checkout;
pub mod download_count;
pub mod download_log;
pub mod downloads;
pub mod fulfillment;
pub mod ledger;
pub mod library;
pub mod licenses;
pub mod payment_events;
pub mod payouts;
pub mod pricing;
pub mod refunds;
pub mod sales;
pub mod shares;
pub mod splits;
