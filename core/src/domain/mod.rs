//! Domain types with private fields and a `parse` constructor. Request bodies deserialize
//! straight into them (`serde(try_from)`), so past the edge nothing re-checks a value.

mod account;
mod beat;
mod bundle;
mod deliverable;
pub mod discounts;
mod money;
mod profile;
mod purchase;
mod split;
mod tier;
mod upload;

pub use account::{DisplayName, Email, Password, Role};
pub use beat::{BeatStatus, BeatTitle, Bpm, Description, Genre, Isrc, Label, MusicalKey};
pub use bundle::{BundleContents, BundleStem};
pub use deliverable::{DeliverableKind, DeliverableState};
pub use money::{FeePercent, LedgerKind, PlatformFee, SellingMode, largest_remainder};
pub use profile::{Bio, Handle, ProfileLink};
pub use purchase::{PaymentProviderKind, PurchaseStatus, RevokeReason};
pub use split::{Party, SharePercent, percent_text};
pub use tier::{LeaseTerms, PriceCents, TierKind};
pub use upload::UploadKind;

/// Why a value was refused; the message names the field in words a person understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub field: &'static str,
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(field: &'static str, message: impl Into<String>) -> Self {
        ParseError {
            field,
            message: message.into(),
        }
    }
}

impl From<ParseError> for crate::Error {
    fn from(e: ParseError) -> Self {
        crate::Error::Invalid {
            field: e.field,
            message: e.message,
        }
    }
}

/// Trims, then refuses empty, over-long and control-character text.
pub(crate) fn clean_text(
    field: &'static str,
    label: &str,
    raw: &str,
    max_chars: usize,
) -> Result<String, ParseError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(ParseError::new(field, format!("{label} must not be empty")));
    }
    if text.chars().count() > max_chars {
        return Err(ParseError::new(
            field,
            format!("{label} must be at most {max_chars} characters"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(ParseError::new(
            field,
            format!("{label} must not contain control characters"),
        ));
    }
    Ok(text.to_owned())
}

/// Implements `Deserialize` through `parse` and `Serialize`/`Display` as the inner string.
macro_rules! string_type {
    ($ty:ident) => {
        impl $ty {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                $ty::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_type;
