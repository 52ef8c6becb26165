use serde::{Deserialize, Serialize};

use super::ParseError;

/// The four lease tiers every beat offers, cheapest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierKind {
    Mp3Lease,
    WavLease,
    TrackoutLease,
    Exclusive,
}

impl TierKind {
    pub const ALL: [TierKind; 4] = [
        TierKind::Mp3Lease,
        TierKind::WavLease,
        TierKind::TrackoutLease,
        TierKind::Exclusive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TierKind::Mp3Lease => "mp3_lease",
            TierKind::WavLease => "wav_lease",
            TierKind::TrackoutLease => "trackout_lease",
            TierKind::Exclusive => "exclusive",
        }
    }

    pub fn parse(raw: &str) -> Result<TierKind, ParseError> {
        TierKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| {
                ParseError::new(
                    "tier",
                    "tier must be mp3_lease, wav_lease, trackout_lease or exclusive",
                )
            })
    }

    pub fn default_name(self) -> &'static str {
        match self {
            TierKind::Mp3Lease => "MP3 Lease",
            TierKind::WavLease => "WAV Lease",
            TierKind::TrackoutLease => "Trackout Lease",
            TierKind::Exclusive => "Exclusive Rights",
        }
    }

    /// What a new beat starts with; the producer edits prices and terms before publishing.
    pub fn default_price(self) -> PriceCents {
        PriceCents(match self {
            TierKind::Mp3Lease => 2_999,
            TierKind::WavLease => 4_999,
            TierKind::TrackoutLease => 9_999,
            TierKind::Exclusive => 49_999,
        })
    }

    pub fn default_terms(self) -> LeaseTerms {
        match self {
            TierKind::Mp3Lease => LeaseTerms {
                distribution_copies: Some(5_000),
                audio_streams: Some(100_000),
                music_videos: Some(1),
                radio_stations: Some(0),
                term_years: Some(5),
            },
            TierKind::WavLease => LeaseTerms {
                distribution_copies: Some(10_000),
                audio_streams: Some(250_000),
                music_videos: Some(1),
                radio_stations: Some(2),
                term_years: Some(5),
            },
            TierKind::TrackoutLease => LeaseTerms {
                distribution_copies: Some(50_000),
                audio_streams: Some(1_000_000),
                music_videos: Some(3),
                radio_stations: None,
                term_years: Some(10),
            },
            TierKind::Exclusive => LeaseTerms::UNLIMITED,
        }
    }

    /// The files a buyer of this tier receives, in the words of the trade.
    pub fn includes(self) -> &'static [&'static str] {
        match self {
            TierKind::Mp3Lease => &["mp3"],
            TierKind::WavLease => &["wav", "mp3"],
            TierKind::TrackoutLease | TierKind::Exclusive => &["trackout", "wav", "mp3"],
        }
    }
}

/// A price in the store currency's minor unit. Stripe refuses charges under 50 cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PriceCents(i64);

impl PriceCents {
    pub const MIN: i64 = 50;
    pub const MAX: i64 = 100_000_000;

    pub fn parse(raw: i64) -> Result<PriceCents, ParseError> {
        if (Self::MIN..=Self::MAX).contains(&raw) {
            Ok(PriceCents(raw))
        } else {
            Err(ParseError::new(
                "price_cents",
                format!("price must be from {} to {} cents", Self::MIN, Self::MAX),
            ))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for PriceCents {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        PriceCents::parse(i64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// What a license allows. `None` means unlimited (or, for the term, perpetual). There is no
/// `Default`: terms are always said, never assumed (all-`None` would be unlimited rights).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaseTerms {
    pub distribution_copies: Option<u64>,
    pub audio_streams: Option<u64>,
    pub music_videos: Option<u64>,
    pub radio_stations: Option<u64>,
    pub term_years: Option<u16>,
}

impl LeaseTerms {
    /// The terms a purchase stored at checkout; unreadable terms are an error, never
    /// unlimited ones.
    pub fn from_stored(stored: &serde_json::Value) -> crate::Result<LeaseTerms> {
        serde_json::from_value(stored.clone())
            .map_err(|e| crate::Error::Corrupt(format!("a purchase's license terms: {e}")))
    }

    pub fn to_stored(&self) -> crate::Result<serde_json::Value> {
        serde_json::to_value(self)
            .map_err(|e| crate::Error::Internal(format!("storing license terms: {e}")))
    }

    pub const UNLIMITED: LeaseTerms = LeaseTerms {
        distribution_copies: None,
        audio_streams: None,
        music_videos: None,
        radio_stations: None,
        term_years: None,
    };
}
