//! The Connect events the store acts on (sent to their own endpoint, signed with their own
//! secret), read from the raw, already verified JSON: only `account.updated` matters, and
//! only its three flags.

use serde_json::Value;

use super::events::EventError;

/// What Stripe says a connected account can do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountFlags {
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    pub details_submitted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectEvent {
    AccountUpdated {
        account: String,
        flags: AccountFlags,
    },
    /// Anything else: acknowledged and ignored.
    Ignored,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectEnvelope {
    pub id: String,
    pub event_type: String,
    /// The event's `created` (Unix seconds): events arrive in any order, and an older one
    /// must not undo what a newer one said.
    pub created: i64,
    pub event: ConnectEvent,
}

pub fn parse(payload: &[u8]) -> Result<ConnectEnvelope, EventError> {
    let v: Value = serde_json::from_slice(payload).map_err(|e| EventError(e.to_string()))?;
    let text = |pointer: &str| {
        v.pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let id = text("/id").ok_or_else(|| EventError("no event id".into()))?;
    let event_type = text("/type").ok_or_else(|| EventError("no event type".into()))?;
    let created = v
        .pointer("/created")
        .and_then(Value::as_i64)
        .ok_or_else(|| EventError("no event created time".into()))?;
    let event = match event_type.as_str() {
        "account.updated" => {
            let object = v
                .pointer("/data/object")
                .ok_or_else(|| EventError("no data.object".into()))?;
            // The account is the object itself; Connect events also name it at the top.
            let account = object
                .pointer("/id")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| text("/account"))
                .ok_or_else(|| EventError("account.updated without an account id".into()))?;
            let flag = |name: &str| {
                object
                    .get(name)
                    .and_then(Value::as_bool)
                    .ok_or_else(|| EventError(format!("account.updated without {name}")))
            };
            ConnectEvent::AccountUpdated {
                account,
                flags: AccountFlags {
                    charges_enabled: flag("charges_enabled")?,
                    payouts_enabled: flag("payouts_enabled")?,
                    details_submitted: flag("details_submitted")?,
                },
            }
        }
        _ => ConnectEvent::Ignored,
    };
    Ok(ConnectEnvelope {
        id,
        event_type,
        created,
        event,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_updated_carries_its_flags_and_time() {
        let body = serde_json::json!({
            "id": "evt_1", "type": "account.updated", "created": 1_795_000_000, "account": "acct_1",
            "data": {"object": {"id": "acct_1", "object": "account", "charges_enabled": true,
                                "payouts_enabled": false, "details_submitted": true}}
        });
        let parsed = parse(body.to_string().as_bytes()).unwrap();
        assert_eq!(parsed.created, 1_795_000_000);
        assert_eq!(
            parsed.event,
            ConnectEvent::AccountUpdated {
                account: "acct_1".into(),
                flags: AccountFlags {
                    charges_enabled: true,
                    payouts_enabled: false,
                    details_submitted: true
                }
            }
        );
    }

    #[test]
    fn a_missing_flag_or_time_is_refused_and_other_events_ignored() {
        let no_flag = br#"{"id":"e","type":"account.updated","created":1,"data":{"object":{"id":"acct_1","charges_enabled":true,"details_submitted":true}}}"#;
        assert!(parse(no_flag).is_err());
        let no_time = br#"{"id":"e","type":"account.updated","data":{"object":{}}}"#;
        assert!(parse(no_time).is_err());
        let other = br#"{"id":"e","type":"payout.paid","created":1,"data":{"object":{}}}"#;
        assert_eq!(parse(other).unwrap().event, ConnectEvent::Ignored);
    }
}
