//! Who takes what of a sale, in integer cents: the selling mode, the platform's cut and the
//! one rule that shares an amount so that the parts add up exactly.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Whose money a sale is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SellingMode {
    /// The operator is the only merchant: every sale lands in the operator's account and
    /// producers sign up only by the operator's invitation.
    #[default]
    SingleSeller,
    /// Anyone can sign up as a producer; each is owed their sales less the platform's cut.
    Marketplace,
}

impl SellingMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SellingMode::SingleSeller => "single_seller",
            SellingMode::Marketplace => "marketplace",
        }
    }
}

impl FromStr for SellingMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "single_seller" => Ok(SellingMode::SingleSeller),
            "marketplace" => Ok(SellingMode::Marketplace),
            _ => Err("must be `single_seller` or `marketplace`".into()),
        }
    }
}

/// What a ledger row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LedgerKind {
    /// Sent to the payee (by Stripe Connect, or simulated by the development provider).
    Transfer,
    /// Owed to the payee, who has no account to send it to yet.
    Accrual,
    /// Taken back after a full refund or a lost dispute (negative amounts).
    Reversal,
}

impl LedgerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LedgerKind::Transfer => "transfer",
            LedgerKind::Accrual => "accrual",
            LedgerKind::Reversal => "reversal",
        }
    }

    pub fn is(self, raw: &str) -> bool {
        raw == self.as_str()
    }

    pub fn parse(raw: &str) -> Option<LedgerKind> {
        [
            LedgerKind::Transfer,
            LedgerKind::Accrual,
            LedgerKind::Reversal,
        ]
        .into_iter()
        .find(|k| k.is(raw))
    }
}

/// A percentage with at most two decimals, kept as basis points (`2.5` is 250) so that no
/// float ever touches money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FeePercent(u32);

impl FeePercent {
    pub const ZERO: FeePercent = FeePercent(0);

    pub fn basis_points(self) -> u32 {
        self.0
    }

    /// `percent` of `amount`, rounded half up to the cent.
    pub fn of(self, amount: i64) -> i64 {
        (i128::from(amount) * i128::from(self.0) + 5_000).div_euclid(10_000) as i64
    }
}

impl FromStr for FeePercent {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not a percentage from 0 to 100 with at most two decimals");
        let trimmed = s.trim();
        let (whole, frac) = trimmed.split_once('.').unwrap_or((trimmed, ""));
        if whole.is_empty()
            || (trimmed.contains('.') && frac.is_empty())
            || frac.len() > 2
            || !(whole.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let whole: u32 = whole.parse().map_err(|_| bad())?;
        let frac: u32 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<2}").parse().map_err(|_| bad())?
        };
        let bps = whole.checked_mul(100).and_then(|w| w.checked_add(frac));
        match bps {
            Some(bps) if bps <= 10_000 => Ok(FeePercent(bps)),
            _ => Err(bad()),
        }
    }
}

impl TryFrom<String> for FeePercent {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<FeePercent> for String {
    fn from(p: FeePercent) -> String {
        p.to_string()
    }
}

impl fmt::Display for FeePercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// The store's cut of one sold item: a percentage of what was paid for it plus a fixed
/// amount, never more than the item itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlatformFee {
    pub percent: FeePercent,
    pub fixed_cents: i64,
}

impl PlatformFee {
    pub fn on(self, paid_cents: i64) -> i64 {
        let paid = paid_cents.max(0);
        (self.percent.of(paid) + self.fixed_cents.max(0)).min(paid)
    }
}

/// Shares `total` in proportion to `weights` so that the parts add up to `total` exactly:
/// each part is its floor share, and the cents left over go one each to the largest
/// remainders (ties to the earlier weight, so the result never depends on luck). All-zero
/// weights give everything to the first.
pub fn largest_remainder(total: i64, weights: &[u64]) -> Vec<i64> {
    if weights.is_empty() {
        return Vec::new();
    }
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if sum == 0 {
        let mut parts = vec![0; weights.len()];
        parts[0] = total;
        return parts;
    }
    let negative = total < 0;
    let t = u128::from(total.unsigned_abs());
    let mut parts: Vec<u128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        let product = t * u128::from(w);
        parts.push(product / sum);
        remainders.push((product % sum, i));
    }
    let mut left = t - parts.iter().sum::<u128>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
        .into_iter()
        .map(|p| {
            let p = p as i64;
            if negative { -p } else { p }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_parse_to_basis_points_and_refuse_the_rest() {
        assert_eq!("0".parse::<FeePercent>().unwrap().basis_points(), 0);
        assert_eq!("2.5".parse::<FeePercent>().unwrap().basis_points(), 250);
        assert_eq!("12.34".parse::<FeePercent>().unwrap().basis_points(), 1234);
        assert_eq!("100".parse::<FeePercent>().unwrap().basis_points(), 10_000);
        for bad in ["", "-1", "100.01", "1.234", "abc", "1e2", ".5", "5."] {
            assert!(bad.parse::<FeePercent>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn the_fee_rounds_half_up_and_never_exceeds_the_item() {
        let fee = |p: &str, fixed| PlatformFee {
            percent: p.parse().unwrap(),
            fixed_cents: fixed,
        };
        assert_eq!(fee("10", 0).on(2999), 300); // 299.9
        assert_eq!(fee("2.5", 0).on(1010), 25); // 25.25
        assert_eq!(fee("2.5", 0).on(1020), 26); // 25.5 rounds up
        assert_eq!(fee("10", 30).on(1000), 130);
        assert_eq!(fee("50", 500).on(600), 600);
        assert_eq!(fee("0", 0).on(4999), 0);
    }

    #[test]
    fn largest_remainder_always_adds_up_and_is_fair() {
        assert_eq!(largest_remainder(100, &[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(largest_remainder(1000, &[50, 30, 20]), vec![500, 300, 200]);
        assert_eq!(largest_remainder(1, &[0, 3, 7]), vec![0, 0, 1]);
        assert_eq!(largest_remainder(-100, &[1, 1, 1]), vec![-34, -33, -33]);
        assert_eq!(largest_remainder(5, &[0, 0]), vec![5, 0]);
        assert!(largest_remainder(5, &[]).is_empty());
        for total in [0_i64, 1, 7, 99, 1001, 49_999, 1_234_567] {
            for weights in [
                vec![1_u64],
                vec![3, 3, 3],
                vec![3333, 3333, 3334],
                vec![1, 2, 3, 4, 5, 6, 7],
                vec![9_999, 1],
            ] {
                let parts = largest_remainder(total, &weights);
                assert_eq!(parts.iter().sum::<i64>(), total, "{total} over {weights:?}");
                let sum: u64 = weights.iter().sum();
                for (p, w) in parts.iter().zip(&weights) {
                    // Never more than one cent from the exact share.
                    let exact = total as f64 * *w as f64 / sum as f64;
                    assert!((*p as f64 - exact).abs() < 1.0, "{p} vs {exact}");
                }
            }
        }
    }
}
