//! The Stripe events the store acts on, read from the raw (already verified) JSON. Only the
//! few fields we use are read, so Stripe adding fields or event types never breaks us.

use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentEvent {
    /// The checkout finished; `paid` is false for delayed methods (bank debits) until
    /// `AsyncSucceeded` follows.
    CheckoutCompleted {
        purchase_id: Uuid,
        session_id: String,
        payment_intent: Option<String>,
        paid: bool,
    },
    AsyncSucceeded {
        purchase_id: Uuid,
        session_id: String,
        payment_intent: Option<String>,
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
    Refunded {
        payment_intent: String,
    },
    Disputed {
        payment_intent: String,
    },
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
    let event = match event_type.as_str() {
        "checkout.session.completed" => PaymentEvent::CheckoutCompleted {
            purchase_id: purchase_of(object)?,
            session_id: session()?,
            payment_intent,
            paid: text(object, "/payment_status").as_deref() == Some("paid"),
        },
        "checkout.session.async_payment_succeeded" => PaymentEvent::AsyncSucceeded {
            purchase_id: purchase_of(object)?,
            session_id: session()?,
            payment_intent,
        },
        "checkout.session.async_payment_failed" => PaymentEvent::AsyncFailed {
            purchase_id: purchase_of(object)?,
            session_id: session()?,
        },
        "checkout.session.expired" => PaymentEvent::Expired {
            purchase_id: purchase_of(object)?,
            session_id: session()?,
        },
        "charge.refunded" | "charge.dispute.created" => {
            let payment_intent = payment_intent
                .ok_or_else(|| EventError(format!("{event_type} without a payment_intent")))?;
            if event_type == "charge.refunded" {
                PaymentEvent::Refunded { payment_intent }
            } else {
                PaymentEvent::Disputed { payment_intent }
            }
        }
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
            }
        );
    }

    #[test]
    fn unknown_events_are_ignored_and_broken_ones_refused() {
        let unknown = br#"{"id":"evt_2","type":"customer.created","data":{"object":{}}}"#;
        assert_eq!(parse(unknown).unwrap().event, PaymentEvent::Ignored);
        assert!(parse(b"not json").is_err());
        assert!(parse(br#"{"id":"evt_3","type":"charge.refunded","data":{"object":{}}}"#).is_err());
    }
}
