//! What a cart costs after the producers' bulk deals and a coupon, line by line, in integer
//! cents. Deals come first ("buy 2, get 1 free": in each group of `buy + free` eligible lines
//! of one producer, the cheapest `free` are free); a coupon then takes its percentage or its
//! amount from the lines it covers, shared between them by largest remainder, so that the
//! discount shown, the discounts per line and the prices paid always add up exactly.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{TierKind, largest_remainder};

/// "Buy `buy` of these tiers, get `free` more free", from one producer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deal {
    pub producer_id: Uuid,
    pub buy: u32,
    pub free: u32,
    pub tiers: Vec<TierKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CouponOff {
    /// Whole percent, 1 to 100.
    Percent(u8),
    Cents(i64),
}

/// A producer's coupon code, as it stands when the cart is priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coupon {
    pub code: String,
    pub producer_id: Uuid,
    pub off: CouponOff,
    pub expires_at: Option<DateTime<Utc>>,
    pub max_uses: Option<u32>,
    pub uses: u32,
    /// Only these beats, when set.
    pub beat_ids: Option<Vec<Uuid>>,
    /// Only these tiers, when set.
    pub tiers: Option<Vec<TierKind>>,
}

/// Why a coupon takes nothing off this cart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CouponRefused {
    Expired,
    UsedUp,
    /// Nothing in the cart is a beat and tier it covers.
    NothingCovered,
}

impl Coupon {
    fn covers(&self, line: &Line) -> bool {
        line.producer_id == self.producer_id
            && self
                .beat_ids
                .as_ref()
                .is_none_or(|b| b.contains(&line.beat_id))
            && self.tiers.as_ref().is_none_or(|t| t.contains(&line.tier))
    }

    fn usable(&self, now: DateTime<Utc>) -> Result<(), CouponRefused> {
        if self.expires_at.is_some_and(|at| at <= now) {
            return Err(CouponRefused::Expired);
        }
        if self.max_uses.is_some_and(|max| self.uses >= max) {
            return Err(CouponRefused::UsedUp);
        }
        Ok(())
    }
}

/// One item of the cart at its listed price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub beat_id: Uuid,
    pub producer_id: Uuid,
    pub tier: TierKind,
    pub price_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    pub line: Line,
    /// Taken off by a bulk deal (the whole price of a free line).
    pub deal_cents: i64,
    /// Taken off by the coupon.
    pub coupon_cents: i64,
}

impl PricedLine {
    /// What the buyer pays for this line, and what its license says.
    pub fn paid_cents(&self) -> i64 {
        self.line.price_cents - self.deal_cents - self.coupon_cents
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedCart {
    pub lines: Vec<PricedLine>,
    /// The coupon asked for and why it took nothing off, if it did not.
    pub coupon_refused: Option<CouponRefused>,
}

impl PricedCart {
    pub fn total_cents(&self) -> i64 {
        self.lines.iter().map(PricedLine::paid_cents).sum()
    }
}

/// The smallest card payment Stripe accepts, in the currency's cents, from Stripe's "minimum
/// and maximum charge amounts" table (two-decimal currencies only). A currency not listed
/// has no check here: Stripe still has the last word.
pub fn minimum_charge_cents(currency: &str) -> Option<i64> {
    match currency.to_ascii_lowercase().as_str() {
        "usd" | "eur" | "cad" | "aud" | "nzd" | "chf" | "sgd" | "brl" | "inr" => Some(50),
        "gbp" => Some(30),
        "dkk" => Some(250),
        "nok" | "sek" => Some(300),
        "pln" => Some(200),
        _ => None,
    }
}

impl PricedCart {
    /// The minimum charge this cart's total falls short of, if it costs something but less
    /// than a card payment may be. A total of zero is fine: it is completed without a payment.
    pub fn below_minimum(&self, currency: &str) -> Option<i64> {
        let total = self.total_cents();
        minimum_charge_cents(currency).filter(|&min| total > 0 && total < min)
    }
}

/// The free lines a deal gives among `eligible` (indices into the cart, by price): in each
/// full group of `buy + free`, the cheapest `free`.
fn deal_frees(deal: &Deal, lines: &[Line], eligible: &[usize]) -> Vec<usize> {
    // Saturating: a deal built from hostile numbers frees nothing rather than panicking.
    let group = deal.buy.saturating_add(deal.free) as usize;
    if deal.free == 0 || group == 0 || eligible.len() < group {
        return Vec::new();
    }
    let mut by_price = eligible.to_vec();
    // Dearest first; ties by cart order, so that the same cart is always priced the same.
    by_price.sort_by(|&a, &b| {
        lines[b]
            .price_cents
            .cmp(&lines[a].price_cents)
            .then(a.cmp(&b))
    });
    let frees = (by_price.len() / group) * deal.free as usize;
    by_price[by_price.len() - frees..].to_vec()
}

/// Prices `lines` with the producers' `deals` and an optional `coupon`.
///
/// Each producer's lines get that producer's one best deal (the one that takes the most off;
/// deals never stack on one line). The coupon covers only its producer's lines that it
/// scopes, after deals, and never takes a line below zero.
pub fn price(
    lines: &[Line],
    deals: &[Deal],
    coupon: Option<&Coupon>,
    now: DateTime<Utc>,
) -> PricedCart {
    let mut deal_cents = vec![0i64; lines.len()];
    let mut by_producer: BTreeMap<Uuid, Vec<&Deal>> = BTreeMap::new();
    for deal in deals {
        by_producer.entry(deal.producer_id).or_default().push(deal);
    }
    for (producer, deals) in by_producer {
        let best = deals
            .into_iter()
            .map(|deal| {
                let eligible: Vec<usize> = (0..lines.len())
                    .filter(|&i| {
                        lines[i].producer_id == producer && deal.tiers.contains(&lines[i].tier)
                    })
                    .collect();
                let frees = deal_frees(deal, lines, &eligible);
                let off: i64 = frees.iter().map(|&i| lines[i].price_cents).sum();
                (off, frees)
            })
            .max_by_key(|(off, _)| *off);
        if let Some((_, frees)) = best {
            for i in frees {
                deal_cents[i] = lines[i].price_cents;
            }
        }
    }

    let mut coupon_cents = vec![0i64; lines.len()];
    let mut coupon_refused = None;
    if let Some(coupon) = coupon {
        match coupon.usable(now) {
            Err(why) => coupon_refused = Some(why),
            Ok(()) => {
                let covered: Vec<usize> = (0..lines.len())
                    .filter(|&i| coupon.covers(&lines[i]) && lines[i].price_cents > deal_cents[i])
                    .collect();
                let left = |i: usize| lines[i].price_cents - deal_cents[i];
                let base: i64 = covered.iter().map(|&i| left(i)).sum();
                if covered.is_empty() || base == 0 {
                    coupon_refused = Some(CouponRefused::NothingCovered);
                } else {
                    let off = match coupon.off {
                        // Rounded half up, on the whole covered amount, then shared.
                        CouponOff::Percent(p) => (base * i64::from(p.min(100)) + 50) / 100,
                        CouponOff::Cents(c) => c.clamp(0, base),
                    };
                    let weights: Vec<u64> = covered.iter().map(|&i| left(i) as u64).collect();
                    for (&i, part) in covered.iter().zip(largest_remainder(off, &weights)) {
                        coupon_cents[i] = part;
                    }
                }
            }
        }
    }

    PricedCart {
        lines: lines
            .iter()
            .cloned()
            .zip(deal_cents.into_iter().zip(coupon_cents))
            .map(|(line, (deal_cents, coupon_cents))| PricedLine {
                line,
                deal_cents,
                coupon_cents,
            })
            .collect(),
        coupon_refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(producer: Uuid, tier: TierKind, price: i64) -> Line {
        Line {
            beat_id: Uuid::now_v7(),
            producer_id: producer,
            tier,
            price_cents: price,
        }
    }

    fn coupon(producer: Uuid, off: CouponOff) -> Coupon {
        Coupon {
            code: "SUMMER".into(),
            producer_id: producer,
            off,
            expires_at: None,
            max_uses: None,
            uses: 0,
            beat_ids: None,
            tiers: None,
        }
    }

    fn paid(cart: &PricedCart) -> Vec<i64> {
        cart.lines.iter().map(PricedLine::paid_cents).collect()
    }

    #[test]
    fn buy_two_get_one_free_frees_the_cheapest_of_each_group() {
        let p = Uuid::now_v7();
        let lines = [
            line(p, TierKind::Mp3Lease, 2999),
            line(p, TierKind::WavLease, 4999),
            line(p, TierKind::Mp3Lease, 1999),
            line(p, TierKind::Mp3Lease, 2999),
        ];
        let deal = Deal {
            producer_id: p,
            buy: 2,
            free: 1,
            tiers: vec![TierKind::Mp3Lease, TierKind::WavLease],
        };
        let cart = price(&lines, &[deal], None, Utc::now());
        // One full group of three among four lines: the 19.99 one is free.
        assert_eq!(paid(&cart), [2999, 4999, 0, 2999]);
        assert_eq!(cart.total_cents(), 10997);
    }

    #[test]
    fn a_deal_counts_only_its_producers_lines_of_its_tiers() {
        let (p, q) = (Uuid::now_v7(), Uuid::now_v7());
        let lines = [
            line(p, TierKind::Mp3Lease, 2999),
            line(q, TierKind::Mp3Lease, 999),
            line(p, TierKind::Exclusive, 50000),
            line(p, TierKind::Mp3Lease, 2999),
        ];
        let deal = Deal {
            producer_id: p,
            buy: 1,
            free: 1,
            tiers: vec![TierKind::Mp3Lease],
        };
        let cart = price(&lines, &[deal], None, Utc::now());
        // Only p's two MP3 leases form a group; q's cheaper line and p's exclusive are not in it.
        assert_eq!(paid(&cart), [2999, 999, 50000, 0]);
    }

    #[test]
    fn a_deal_larger_than_any_cart_frees_nothing_and_never_overflows() {
        let p = Uuid::now_v7();
        let lines = [
            line(p, TierKind::Mp3Lease, 2999),
            line(p, TierKind::Mp3Lease, 2999),
        ];
        let deal = Deal {
            producer_id: p,
            buy: u32::MAX,
            free: u32::MAX,
            tiers: vec![TierKind::Mp3Lease],
        };
        let cart = price(&lines, &[deal], None, Utc::now());
        assert_eq!(paid(&cart), [2999, 2999]);
    }

    #[test]
    fn of_two_deals_the_one_that_takes_more_off_applies() {
        let p = Uuid::now_v7();
        let lines = [
            line(p, TierKind::WavLease, 4999),
            line(p, TierKind::WavLease, 4999),
            line(p, TierKind::Mp3Lease, 999),
        ];
        let mp3s_too = Deal {
            producer_id: p,
            buy: 2,
            free: 1,
            tiers: vec![TierKind::Mp3Lease, TierKind::WavLease],
        };
        let wavs = Deal {
            producer_id: p,
            buy: 1,
            free: 1,
            tiers: vec![TierKind::WavLease],
        };
        let cart = price(&lines, &[mp3s_too, wavs], None, Utc::now());
        assert_eq!(paid(&cart), [4999, 0, 999]);
    }

    #[test]
    fn a_percent_coupon_is_rounded_once_and_shared_to_the_cent() {
        let p = Uuid::now_v7();
        let lines = [
            line(p, TierKind::Mp3Lease, 2999),
            line(p, TierKind::Mp3Lease, 2999),
            line(p, TierKind::Mp3Lease, 2999),
        ];
        let cart = price(
            &lines,
            &[],
            Some(&coupon(p, CouponOff::Percent(15))),
            Utc::now(),
        );
        // 15% of 89.97 is 13.4955: 13.50 off in all, shared 4.50 each.
        let off: i64 = cart.lines.iter().map(|l| l.coupon_cents).sum();
        assert_eq!(off, 1350);
        assert_eq!(paid(&cart), [2549, 2549, 2549]);
        assert_eq!(cart.total_cents(), 8997 - 1350);
    }

    #[test]
    fn an_amount_coupon_never_takes_more_than_the_covered_lines_cost() {
        let (p, q) = (Uuid::now_v7(), Uuid::now_v7());
        let lines = [
            line(p, TierKind::Mp3Lease, 999),
            line(q, TierKind::Mp3Lease, 2999),
        ];
        let cart = price(
            &lines,
            &[],
            Some(&coupon(p, CouponOff::Cents(5000))),
            Utc::now(),
        );
        assert_eq!(paid(&cart), [0, 2999]);
    }

    #[test]
    fn a_coupon_is_shared_by_price_and_skips_what_a_deal_made_free() {
        let p = Uuid::now_v7();
        let lines = [
            line(p, TierKind::Mp3Lease, 1000),
            line(p, TierKind::WavLease, 2000),
            line(p, TierKind::Mp3Lease, 500),
        ];
        let deal = Deal {
            producer_id: p,
            buy: 2,
            free: 1,
            tiers: vec![TierKind::Mp3Lease, TierKind::WavLease],
        };
        let cart = price(
            &lines,
            &[deal],
            Some(&coupon(p, CouponOff::Cents(100))),
            Utc::now(),
        );
        let coupons: Vec<i64> = cart.lines.iter().map(|l| l.coupon_cents).collect();
        // 1.00 off 30.00 of covered lines, a third and two thirds; the free line takes none.
        assert_eq!(coupons, [33, 67, 0]);
        assert_eq!(paid(&cart), [967, 1933, 0]);
    }

    #[test]
    fn a_scoped_expired_or_used_up_coupon_says_why_it_took_nothing() {
        let p = Uuid::now_v7();
        let lines = [line(p, TierKind::Mp3Lease, 2999)];
        let now = Utc::now();
        let mut expired = coupon(p, CouponOff::Percent(50));
        expired.expires_at = Some(now - chrono::Duration::seconds(1));
        let mut used_up = coupon(p, CouponOff::Percent(50));
        used_up.max_uses = Some(3);
        used_up.uses = 3;
        let mut wav_only = coupon(p, CouponOff::Percent(50));
        wav_only.tiers = Some(vec![TierKind::WavLease]);
        let other_producer = coupon(Uuid::now_v7(), CouponOff::Percent(50));
        for (c, why) in [
            (expired, CouponRefused::Expired),
            (used_up, CouponRefused::UsedUp),
            (wav_only, CouponRefused::NothingCovered),
            (other_producer, CouponRefused::NothingCovered),
        ] {
            let cart = price(&lines, &[], Some(&c), now);
            assert_eq!(cart.coupon_refused, Some(why));
            assert_eq!(cart.total_cents(), 2999);
        }
    }

    #[test]
    fn a_total_under_stripes_minimum_is_caught_but_zero_is_not() {
        let p = Uuid::now_v7();
        let priced = |cents| price(&[line(p, TierKind::Mp3Lease, cents)], &[], None, Utc::now());
        assert_eq!(priced(20).below_minimum("usd"), Some(50));
        assert_eq!(priced(29).below_minimum("GBP"), Some(30));
        assert_eq!(priced(50).below_minimum("usd"), None);
        assert_eq!(priced(0).below_minimum("usd"), None);
        assert_eq!(priced(1).below_minimum("xyz"), None, "no table, no check");
    }

    #[test]
    fn prices_always_add_up() {
        // Every combination of a few prices, deals and coupons: the parts sum to the whole,
        // no line is below zero and no discount exceeds its line.
        let p = Uuid::now_v7();
        let prices = [1, 99, 1000, 2999, 4999];
        for a in prices {
            for b in prices {
                for c in prices {
                    let lines = [
                        line(p, TierKind::Mp3Lease, a),
                        line(p, TierKind::WavLease, b),
                        line(p, TierKind::Mp3Lease, c),
                    ];
                    let deal = Deal {
                        producer_id: p,
                        buy: 1,
                        free: 1,
                        tiers: vec![TierKind::Mp3Lease, TierKind::WavLease],
                    };
                    for off in [
                        CouponOff::Percent(33),
                        CouponOff::Percent(100),
                        CouponOff::Cents(777),
                    ] {
                        let cart = price(
                            &lines,
                            std::slice::from_ref(&deal),
                            Some(&coupon(p, off)),
                            Utc::now(),
                        );
                        let listed: i64 = lines.iter().map(|l| l.price_cents).sum();
                        let off: i64 = cart
                            .lines
                            .iter()
                            .map(|l| l.deal_cents + l.coupon_cents)
                            .sum();
                        assert_eq!(cart.total_cents(), listed - off);
                        assert!(cart.lines.iter().all(|l| l.paid_cents() >= 0));
                    }
                }
            }
        }
    }
}
