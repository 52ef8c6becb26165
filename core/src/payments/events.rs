//! The Stripe events the store acts on, read from the raw (already verified) JSON. Only the
//! few fields we use are read, so Stripe adding fields or event types never breaks us.

use serde_json::Value;
use uuid::Uuid;

/// What the customer was actually charged, as the checkout session reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charged {
    /// Stripe's `amount_total`, in the currency's smallest unit.
    pub amount: i64,
    /// ISO 4217, lower case.
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentEvent {
    /// The checkout finished; `paid` is false for delayed methods (bank debits) until
    /// `AsyncSucceeded` follows.
    CheckoutCompleted {
        purchase_id: Uuid,
        session_id: String,
        payment_intent: Option<String>,
        paid: bool,
        charged: Option<Charged>,
    },
    AsyncSucceeded {
        purchase_id: Uuid,
        session_id: String,
        payment_intent: Option<String>,
        charged: Option<Charged>,
    },
    AsyncFailed {
        purchase_id: Uuid,
        session_id: String,
    },
    /// The session expired unpaid (this is what ends an exclusive hold at Stripe).
    Expired {
        purchase_id: Uuid,
        session_id: String,
    },
    /// Money went back on a charge: `full` when all of it has (Stripe's `refunded: true`, or
    /// `amount_refunded >= amount`); a partial refund keeps the license.
    Refunded {
        payment_intent: String,
        amount_refunded: i64,
        full: bool,
    },
    /// A dispute was opened: access is suspended until it closes.
    Disputed { payment_intent: String },
    /// A dispute closed; `won` restores access, anything else keeps it revoked.
    DisputeClosed { payment_intent: String, won: bool },
    /// Anything else: acknowledged and ignored.
    Ignored,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventEnvelope {
    pub id: String,
    pub event_type: String,
    pub event: PaymentEvent,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("the event is not what Stripe sends: {0}")]
pub struct EventError(pub String);

fn text(v: &Value, pointer: &str) -> Option<String> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The purchase a checkout session is for: `client_reference_id`, else `metadata.purchase_id`.
fn purchase_of(object: &Value) -> Result<Uuid, EventError> {
    text(object, "/client_reference_id")
        .or_else(|| text(object, "/metadata/purchase_id"))
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| EventError("a checkout session without our purchase id".into()))
}

pub fn parse(payload: &[u8]) -> Result<EventEnvelope, EventError> {
    let v: Value = serde_json::from_slice(payload).map_err(|e| EventError(e.to_string()))?;
    let id = text(&v, "/id").ok_or_else(|| EventError("no event id".into()))?;
    let event_type = text(&v, "/type").ok_or_else(|| EventError("no event type".into()))?;
    let object = v
        .pointer("/data/object")
        .ok_or_else(|| EventError("no data.object".into()))?;
    let session = || text(object, "/id").ok_or_else(|| EventError("no session id".into()));
    let payment_intent = text(object, "/payment_intent");
    let charged = object
        .pointer("/amount_total")
        .and_then(Value::as_i64)
        .zip(text(object, "/currency"))
        .map(|(amount, currency)| Charged {
            amount,
            currency: currency.to_lowercase(),
        });
    let intent = || {
        payment_intent
            .clone()
            .ok_or_else(|| EventError(format!("{event_type} without a payment_intent")))
    };
    let event = match event_type.as_str() {
        "checkout.session.completed" => PaymentEvent::CheckoutCompleted {
            purchase_id: purchase_of(object)?,
            session_id: session()?,
            paid: text(object, "/payment_status").as_deref() == Some("paid"),
            payment_intent,
            charged,
        },
        "checkout.session.async_payment_succeeded" => PaymentEvent::AsyncSucceeded {
            purchase_id: purchase_of(object)?,
            session_id: session()?,
            payment_intent,
            charged,
        },
        "checkout.session.async_payment_failed" => PaymentEvent::AsyncFailed {
            purchase_id: purchase_of(object)?,
            session_id: session()?,
        },
        "checkout.session.expired" => PaymentEvent::Expired {
            purchase_id: purchase_of(object)?,
            session_id: session()?,
        },
        "charge.refunded" => {
            let amount = object.pointer("/amount").and_then(Value::as_i64);
            let amount_refunded = object
                .pointer("/amount_refunded")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let refunded_flag = object.pointer("/refunded").and_then(Value::as_bool);
            PaymentEvent::Refunded {
                payment_intent: intent()?,
                amount_refunded,
                // Without an amount to compare with, only Stripe's own flag says "all of it".
                full: refunded_flag == Some(true) || amount.is_some_and(|a| amount_refunded >= a),
            }
        }
        "charge.dispute.created" => PaymentEvent::Disputed {
            payment_intent: intent()?,
        },
        "charge.dispute.closed" => PaymentEvent::DisputeClosed {
            payment_intent: intent()?,
            won: text(object, "/status").as_deref() == Some("won"),
        },
        _ => PaymentEvent::Ignored,
    };
    Ok(EventEnvelope {
        id,
        event_type,
        event,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_completed_checkout_names_its_purchase() {
        let purchase = Uuid::now_v7();
        let body = serde_json::json!({
            "id": "evt_1", "type": "checkout.session.completed",
            "data": {"object": {"id": "cs_1", "client_reference_id": purchase.to_string(),
                                "payment_status": "unpaid", "payment_intent": "pi_1"}}
        });
        let parsed = parse(body.to_string().as_bytes()).unwrap();
        assert_eq!(
            parsed.event,
            PaymentEvent::CheckoutCompleted {
                purchase_id: purchase,
                session_id: "cs_1".into(),
                payment_intent: Some("pi_1".into()),
                paid: false,
                charged: None,
            }
        );
    }

    #[test]
    fn a_partial_refund_is_not_a_full_one() {
        let refund = |object: serde_json::Value| {
            let body = serde_json::json!({"id": "evt", "type": "charge.refunded", "data": {"object": object}});
            parse(body.to_string().as_bytes()).unwrap().event
        };
        let partial = refund(
            serde_json::json!({"payment_intent": "pi", "amount": 4999, "amount_refunded": 1000, "refunded": false}),
        );
        assert!(matches!(
            partial,
            PaymentEvent::Refunded {
                full: false,
                amount_refunded: 1000,
                ..
            }
        ));
        let full = refund(
            serde_json::json!({"payment_intent": "pi", "amount": 4999, "amount_refunded": 4999, "refunded": false}),
        );
        assert!(matches!(full, PaymentEvent::Refunded { full: true, .. }));
        let flagged = refund(serde_json::json!({"payment_intent": "pi", "refunded": true}));
        assert!(matches!(flagged, PaymentEvent::Refunded { full: true, .. }));
    }

    #[test]
    fn unknown_events_are_ignored_and_broken_ones_refused() {
        let unknown = br#"{"id":"evt_2","type":"customer.created","data":{"object":{}}}"#;
        assert_eq!(parse(unknown).unwrap().event, PaymentEvent::Ignored);
        assert!(parse(b"not json").is_err());
        assert!(parse(br#"{"id":"evt_3","type":"charge.refunded","data":{"object":{}}}"#).is_err());
    }
}
