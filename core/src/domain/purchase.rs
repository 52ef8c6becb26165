use serde::{Deserialize, Serialize};

/// Where a purchase is in its life. Stored as the lower-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseStatus {
    /// A checkout was opened; nothing is paid yet.
    Pending,
    /// Paid: the license is valid and the files are delivered.
    Paid,
    /// Paid, but not what the store asked (another amount or currency): not fulfilled until
    /// the producer looks at it; `hold_reason` says why.
    Held,
    /// The checkout ended unpaid (expired, failed, abandoned, or closed because the beat's
    /// exclusive rights sold).
    Cancelled,
    /// A payment that arrived for something no longer for sale, returned in full without
    /// fulfilling; `revoke_reason` says why.
    Refunded,
    /// Refunded in full or disputed after it was paid: the license no longer stands.
    Revoked,
}

impl PurchaseStatus {
    pub const ALL: [PurchaseStatus; 6] = [
        PurchaseStatus::Pending,
        PurchaseStatus::Paid,
        PurchaseStatus::Held,
        PurchaseStatus::Cancelled,
        PurchaseStatus::Refunded,
        PurchaseStatus::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PurchaseStatus::Pending => "pending",
            PurchaseStatus::Paid => "paid",
            PurchaseStatus::Held => "held",
            PurchaseStatus::Cancelled => "cancelled",
            PurchaseStatus::Refunded => "refunded",
            PurchaseStatus::Revoked => "revoked",
        }
    }

    pub fn from_db(raw: &str) -> Option<PurchaseStatus> {
        PurchaseStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether a stored status string is this one.
    pub fn is(self, raw: &str) -> bool {
        raw == self.as_str()
    }
}

/// Who took (or would take) the money, recorded on each purchase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentProviderKind {
    Stripe,
    /// The development provider: no money moves.
    Dev,
}

impl PaymentProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentProviderKind::Stripe => "stripe",
            PaymentProviderKind::Dev => "dev",
        }
    }

    pub fn is(self, raw: &str) -> bool {
        raw == self.as_str()
    }
}

/// Why Stripe took a payment back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevokeReason {
    Refunded,
    Disputed,
}

impl RevokeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RevokeReason::Refunded => "refunded",
            RevokeReason::Disputed => "disputed",
        }
    }
}
