//! Stripe Connect on the Stripe stand-in: Express accounts (create, retrieve), account
//! links, payment intents (to find the charge a transfer is sourced from), transfers and
//! transfer reversals. Creation honours `Idempotency-Key` as Stripe does (the same key gives
//! back the same object), and chosen destinations can be made to refuse transfers, so tests
//! see what a retry, a replay or a refusal does.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::form_value;

#[derive(Default)]
pub struct ConnectState {
    /// (path, idempotency key) -> the object first made under it.
    made: HashMap<(String, String), Value>,
    pub accounts: HashMap<String, Value>,
    /// Every distinct transfer made, in order.
    pub transfers: Vec<Value>,
    pub reversals: Vec<Value>,
    /// Destinations whose transfers Stripe refuses (400), as for an account that lost the
    /// transfers capability.
    pub refuse_destinations: HashSet<String>,
    /// How many transfer requests, from now, fail with a 500 before Stripe answers again.
    pub transfer_outages: usize,
    /// How long a transfer request takes to answer (a slow Stripe: the transfer is made at
    /// once, the answer comes late).
    pub transfer_delay: Option<std::time::Duration>,
}

pub type Shared = Arc<Mutex<ConnectState>>;

fn idempotency_key(req: &Request) -> Option<String> {
    req.headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Answers with the object made earlier under the same key, or makes a new one.
fn once(state: &Shared, req: &Request, make: impl FnOnce(&mut ConnectState) -> Value) -> Value {
    let mut s = state.lock().unwrap();
    let key = idempotency_key(req).map(|k| (req.url.path().to_owned(), k));
    if let Some(made) = key.as_ref().and_then(|k| s.made.get(k)) {
        return made.clone();
    }
    let made = make(&mut s);
    if let Some(k) = key {
        s.made.insert(k, made.clone());
    }
    made
}

fn body(req: &Request) -> String {
    String::from_utf8_lossy(&req.body).into_owned()
}

pub async fn mount(server: &MockServer, state: Shared) {
    let s = state.clone();
    Mock::given(method("POST"))
        .and(path("/v1/accounts"))
        .respond_with(move |req: &Request| {
            let form = body(req);
            let account = once(&s, req, |st| {
                let id = format!("acct_test_{}", st.accounts.len() + 1);
                let account = json!({
                    "id": id, "object": "account", "type": "express",
                    "email": form_value(&form, "email"),
                    "charges_enabled": false, "payouts_enabled": false, "details_submitted": false,
                });
                st.accounts.insert(id, account.clone());
                account
            });
            ResponseTemplate::new(200).set_body_json(account)
        })
        .mount(server)
        .await;
    let s = state.clone();
    Mock::given(method("GET"))
        .and(path_regex(r"^/v1/accounts/[^/]+$"))
        .respond_with(move |req: &Request| {
            let id = req.url.path().rsplit('/').next().unwrap_or_default();
            match s.lock().unwrap().accounts.get(id) {
                Some(a) => ResponseTemplate::new(200).set_body_json(a),
                None => not_found("account"),
            }
        })
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/account_links"))
        .respond_with(|req: &Request| {
            let account = form_value(&body(req), "account").unwrap_or_default();
            ResponseTemplate::new(200).set_body_json(json!({
                "object": "account_link", "created": 1_795_000_000, "expires_at": 1_795_000_300,
                "url": format!("https://connect.stripe.test/setup/e/{account}/onboard"),
            }))
        })
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(r"^/v1/payment_intents/[^/]+$"))
        .respond_with(|req: &Request| {
            let id = req.url.path().rsplit('/').next().unwrap_or_default();
            ResponseTemplate::new(200).set_body_json(json!({
                "id": id, "object": "payment_intent", "amount": 0, "amount_capturable": 0,
                "amount_received": 0, "capture_method": "automatic",
                "confirmation_method": "automatic", "created": 1_795_000_000, "currency": "usd",
                "livemode": false, "metadata": {}, "payment_method_types": ["card"],
                "status": "succeeded", "latest_charge": format!("ch_{id}"),
            }))
        })
        .mount(server)
        .await;
    let s = state.clone();
    Mock::given(method("POST"))
        .and(path("/v1/transfers"))
        .respond_with(move |req: &Request| {
            let form = body(req);
            let destination = form_value(&form, "destination").unwrap_or_default();
            let delay = {
                let mut st = s.lock().unwrap();
                if st.transfer_outages > 0 {
                    st.transfer_outages -= 1;
                    return ResponseTemplate::new(500).set_body_json(json!({"error": {
                        "type": "api_error", "message": "An unknown error occurred",
                    }}));
                }
                st.transfer_delay
            };
            if s.lock().unwrap().refuse_destinations.contains(&destination) {
                return ResponseTemplate::new(400).set_body_json(json!({"error": {
                    "type": "invalid_request_error", "code": "account_invalid",
                    "message": format!("{destination} cannot receive transfers"),
                }}));
            }
            let transfer = once(&s, req, |st| {
                let id = format!("tr_test_{}", st.transfers.len() + 1);
                let amount: i64 = form_value(&form, "amount").and_then(|a| a.parse().ok()).unwrap_or(0);
                let transfer = json!({
                    "id": id, "object": "transfer", "amount": amount, "amount_reversed": 0,
                    "created": 1_795_000_000, "currency": form_value(&form, "currency"),
                    "destination": destination, "livemode": false, "metadata": {},
                    "reversals": {"object": "list", "data": [], "has_more": false, "url": format!("/v1/transfers/{id}/reversals")},
                    "reversed": false,
                    "source_transaction": form_value(&form, "source_transaction"),
                    "transfer_group": form_value(&form, "transfer_group"),
                });
                st.transfers.push(transfer.clone());
                transfer
            });
            let answer = ResponseTemplate::new(200).set_body_json(transfer);
            match delay {
                Some(delay) => answer.set_delay(delay),
                None => answer,
            }
        })
        .mount(server)
        .await;
    let s = state;
    Mock::given(method("POST"))
        .and(path_regex(r"^/v1/transfers/[^/]+/reversals$"))
        .respond_with(move |req: &Request| {
            let transfer = req
                .url
                .path()
                .split('/')
                .nth(3)
                .unwrap_or_default()
                .to_owned();
            let form = body(req);
            let reversal = once(&s, req, |st| {
                let id = format!("trr_test_{}", st.reversals.len() + 1);
                let amount: i64 = form_value(&form, "amount")
                    .and_then(|a| a.parse().ok())
                    .unwrap_or(0);
                let reversal = json!({
                    "id": id, "object": "transfer_reversal", "amount": amount,
                    "created": 1_795_000_000, "currency": "usd", "transfer": transfer,
                });
                st.reversals.push(reversal.clone());
                reversal
            });
            ResponseTemplate::new(200).set_body_json(reversal)
        })
        .mount(server)
        .await;
}

fn not_found(what: &str) -> ResponseTemplate {
    ResponseTemplate::new(404).set_body_json(json!({"error": {
        "type": "invalid_request_error", "code": "resource_missing", "message": format!("No such {what}"),
    }}))
}
