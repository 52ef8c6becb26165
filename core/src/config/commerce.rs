//! Selling: Stripe when `STRIPE_SECRET_KEY` is set, otherwise the development provider, which
//! exists only on a store that nothing marks as public.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{ConfigError, Env};
use crate::domain::{FeePercent, PlatformFee, SellingMode};

/// Stripe will not create a Checkout Session that expires sooner than 30 minutes after it is
/// created; the session is created a moment after the hold starts, so the hold keeps a margin.
pub const STRIPE_SHORTEST_CHECKOUT_MINUTES: u64 = 30;
pub const MIN_STRIPE_HOLD_MINUTES: u64 = STRIPE_SHORTEST_CHECKOUT_MINUTES + 1;

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct CommerceConfig {
    #[serde(skip)]
    pub stripe_secret_key: Option<SecretString>,
    /// One or more webhook signing secrets (comma-separated in the environment) so that a
    /// secret can be rolled without refusing events signed with the old one.
    #[serde(skip)]
    pub stripe_webhook_secrets: Vec<SecretString>,
    /// Set when `STRIPE_WEBHOOK_SECRET` was given at all, even empty: a half-done setup.
    #[serde(skip)]
    pub stripe_webhook_secret_given: bool,
    /// The signing secret(s) of the Connect webhook endpoint (`account.updated` of the payees'
    /// accounts): Stripe signs Connect events with their own secret.
    #[serde(skip)]
    pub stripe_connect_webhook_secrets: Vec<SecretString>,
    #[serde(skip)]
    pub stripe_connect_webhook_secret_given: bool,
    /// Where the Stripe API is; tests point it at a local server.
    pub stripe_api_base: Option<String>,
    /// ISO 4217, lower case, as Stripe wants it.
    pub currency: String,
    /// Allows the development payment provider on a store that looks public.
    pub dev_payments: bool,
    pub exclusive_hold_minutes: u64,
    pub download_link_seconds: u64,
    /// Whose money a sale is: the operator's alone, or each producer's less the platform fee.
    pub selling: SellingMode,
    /// The store's cut of each sold item in marketplace mode: this percentage of what was
    /// paid for it (two decimals at most) ...
    pub platform_fee_percent: FeePercent,
    /// ... plus this many cents.
    pub platform_fee_cents: i64,
}

impl Default for CommerceConfig {
    fn default() -> Self {
        CommerceConfig {
            stripe_secret_key: None,
            stripe_webhook_secrets: Vec::new(),
            stripe_webhook_secret_given: false,
            stripe_connect_webhook_secrets: Vec::new(),
            stripe_connect_webhook_secret_given: false,
            stripe_api_base: None,
            currency: "usd".into(),
            dev_payments: false,
            exclusive_hold_minutes: 35,
            download_link_seconds: 15 * 60,
            selling: SellingMode::SingleSeller,
            platform_fee_percent: FeePercent::ZERO,
            platform_fee_cents: 0,
        }
    }
}

/// Comma-separated secrets, so one can be rolled while Stripe still signs with the old one.
fn secret_list(raw: &str) -> Vec<SecretString> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| SecretString::from(s.to_owned()))
        .collect()
}

impl CommerceConfig {
    pub(super) fn apply_env(&mut self, env: &Env) -> Result<(), ConfigError> {
        if let Some(key) = env.raw("STRIPE_SECRET_KEY") {
            // Kept even when empty, so that `validate` can refuse it by name.
            self.stripe_secret_key = Some(SecretString::from(key));
        }
        if let Some(secrets) = env.raw("STRIPE_WEBHOOK_SECRET") {
            self.stripe_webhook_secret_given = true;
            self.stripe_webhook_secrets = secret_list(&secrets);
        }
        if let Some(secrets) = env.raw("STRIPE_CONNECT_WEBHOOK_SECRET") {
            self.stripe_connect_webhook_secret_given = true;
            self.stripe_connect_webhook_secrets = secret_list(&secrets);
        }
        env.string("TRACKOUT_STRIPE_API_BASE", &mut self.stripe_api_base);
        if let Some(currency) = env.value("TRACKOUT_CURRENCY") {
            self.currency = currency.to_lowercase();
        }
        env.parse("TRACKOUT_DEV_PAYMENTS", &mut self.dev_payments)?;
        env.parse(
            "TRACKOUT_EXCLUSIVE_HOLD_MINUTES",
            &mut self.exclusive_hold_minutes,
        )?;
        env.parse(
            "TRACKOUT_DOWNLOAD_LINK_SECONDS",
            &mut self.download_link_seconds,
        )?;
        env.parse("TRACKOUT_SELLING", &mut self.selling)?;
        env.parse(
            "TRACKOUT_PLATFORM_FEE_PERCENT",
            &mut self.platform_fee_percent,
        )?;
        env.parse("TRACKOUT_PLATFORM_FEE_CENTS", &mut self.platform_fee_cents)?;
        Ok(())
    }

    /// The cut the store keeps of each item it sells for a producer. In single-seller mode
    /// every sale is the operator's own, so there is nothing to cut.
    pub fn platform_fee(&self) -> PlatformFee {
        match self.selling {
            SellingMode::SingleSeller => PlatformFee::default(),
            SellingMode::Marketplace => PlatformFee {
                percent: self.platform_fee_percent,
                fixed_cents: self.platform_fee_cents,
            },
        }
    }

    /// Whether payees are paid through Stripe Connect: a marketplace taking Stripe payments.
    /// Only then must a producer connect an account before selling.
    pub fn uses_connect(&self) -> bool {
        self.selling == SellingMode::Marketplace && self.uses_stripe()
    }

    /// Whether payments go to Stripe (else to the development provider).
    pub fn uses_stripe(&self) -> bool {
        self.stripe_secret_key.is_some()
    }

    /// A payment setup that is half done or empty refuses to start: it would either take no
    /// money at all or hand out free purchases.
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |m: &str| Err(ConfigError::Invalid(m.to_owned()));
        if let Some(key) = &self.stripe_secret_key {
            if key.expose_secret().trim().is_empty() {
                return invalid(
                    "STRIPE_SECRET_KEY is set but empty; set the key, or unset the variable to run without Stripe",
                );
            }
            if self.stripe_webhook_secrets.is_empty() {
                return invalid(
                    "STRIPE_SECRET_KEY needs STRIPE_WEBHOOK_SECRET: without it no payment could complete",
                );
            }
            if self.exclusive_hold_minutes < MIN_STRIPE_HOLD_MINUTES {
                return Err(ConfigError::Invalid(format!(
                    "TRACKOUT_EXCLUSIVE_HOLD_MINUTES must be at least {MIN_STRIPE_HOLD_MINUTES} with Stripe: its shortest checkout is {STRIPE_SHORTEST_CHECKOUT_MINUTES} minutes"
                )));
            }
            if self.selling == SellingMode::Marketplace
                && self.stripe_connect_webhook_secrets.is_empty()
            {
                return invalid(
                    "TRACKOUT_SELLING=marketplace with Stripe needs STRIPE_CONNECT_WEBHOOK_SECRET: without the Connect webhook no producer could ever be paid",
                );
            }
        } else if self.stripe_webhook_secret_given {
            return invalid(
                "STRIPE_WEBHOOK_SECRET is set without STRIPE_SECRET_KEY: set both to sell through Stripe, or neither",
            );
        }
        if self.stripe_connect_webhook_secret_given
            && (self.selling != SellingMode::Marketplace || self.stripe_secret_key.is_none())
        {
            return invalid(
                "STRIPE_CONNECT_WEBHOOK_SECRET applies to TRACKOUT_SELLING=marketplace with STRIPE_SECRET_KEY only",
            );
        }
        if self.exclusive_hold_minutes == 0 {
            return invalid("TRACKOUT_EXCLUSIVE_HOLD_MINUTES must be at least 1");
        }
        if self.download_link_seconds == 0 || self.download_link_seconds > 7 * 24 * 3600 {
            return invalid(
                "TRACKOUT_DOWNLOAD_LINK_SECONDS must be from 1 to 604800 (S3 presigned links live at most 7 days)",
            );
        }
        if self.platform_fee_cents < 0 {
            return invalid("TRACKOUT_PLATFORM_FEE_CENTS must be 0 or more");
        }
        if self.selling == SellingMode::SingleSeller
            && (self.platform_fee_cents != 0 || self.platform_fee_percent != FeePercent::ZERO)
        {
            // A fee nobody takes would print earnings that are not what anyone is paid.
            return invalid(
                "TRACKOUT_PLATFORM_FEE_PERCENT and TRACKOUT_PLATFORM_FEE_CENTS apply to TRACKOUT_SELLING=marketplace only",
            );
        }
        if self.currency.len() != 3 || !self.currency.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(ConfigError::Invalid(format!(
                "TRACKOUT_CURRENCY must be a three-letter ISO 4217 code, not {:?}",
                self.currency
            )));
        }
        Ok(())
    }
}
