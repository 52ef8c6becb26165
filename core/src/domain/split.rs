//! Shares of a sale among its parties (the producer and their collaborators), in basis points
//! so that no float touches money: `33.33` is 3333, and 10,000 is everything.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use super::FeePercent;

/// A share of 0 to 100 % with at most two decimals, sent as a JSON number (`33.33`) or a
/// string (`"33.33"`). A number is read by its shortest decimal form, which is what was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub struct SharePercent(FeePercent);

impl SharePercent {
    pub fn basis_points(self) -> u32 {
        self.0.basis_points()
    }
}

impl From<SharePercent> for String {
    fn from(p: SharePercent) -> String {
        percent_text(p.basis_points())
    }
}

impl<'de> Deserialize<'de> for SharePercent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(serde_json::Number),
            Text(String),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Number(n) => n.to_string(),
            Raw::Text(s) => s,
        };
        text.parse::<FeePercent>()
            .map(SharePercent)
            .map_err(serde::de::Error::custom)
    }
}

/// `3333` → `"33.33"`, `5000` → `"50"`, `250` → `"2.5"`: as people write a share.
pub fn percent_text(bps: u32) -> String {
    let whole = bps / 100;
    match bps % 100 {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// One party to a sale as it was frozen on the purchase: who, in what role, with which share
/// of the money and of the publishing. The license and the bundle print these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub name: String,
    pub role: String,
    pub profit_bps: u32,
    pub publishing_bps: u32,
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {} % of the profit, {} % of the publishing",
            self.name,
            self.role,
            percent_text(self.profit_bps),
            percent_text(self.publishing_bps)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_numbers_and_strings_exactly() {
        let read =
            |json: &str| serde_json::from_str::<SharePercent>(json).map(|p| p.basis_points());
        assert_eq!(read("33.33").unwrap(), 3333);
        assert_eq!(read("\"12.5\"").unwrap(), 1250);
        assert_eq!(read("100").unwrap(), 10_000);
        assert_eq!(read("0").unwrap(), 0);
        for bad in ["33.333", "100.01", "-1", "\"abc\"", "1e400", "null"] {
            assert!(read(bad).is_err(), "{bad} was accepted");
        }
        assert_eq!(percent_text(3333), "33.33");
        assert_eq!(percent_text(5000), "50");
        assert_eq!(percent_text(250), "2.5");
        assert_eq!(percent_text(5), "0.05");
    }
}
