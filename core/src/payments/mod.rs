//! Taking payments: Stripe Checkout and its webhooks, or the development provider.

pub mod signature;
