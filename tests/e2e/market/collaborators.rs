//! Collaborators: a producer names who shares a beat's sales and publishing; each purchase
//! freezes that split at checkout; the ledger pays every party its share to the cent (one
//! transfer each, a refund reversing all of them), a collaborator without an account accrues
//! until they prove their address and onboard, and the license and bundle print the split.

use std::io::{Cursor, Read};

use entity::beat;
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use trackout_tests::TestApp;
use trackout_tests::app::{Account, assert_problem};
use uuid::Uuid;

use super::connect::{connected, payouts, reversals, stripe_marketplace, transfers};
use super::ledger::{jobs_settle, ledger, refunded, webhook};
use crate::commerce::{
    Stripe, catalog_beat, decoded, fulfilled, licensed, link, now, pay_dev, post_webhook,
    processed_beat, session_charging, started, stripe_event,
};

async fn put_collaborators(
    app: &TestApp,
    who: &Account,
    beat: Uuid,
    list: Value,
) -> reqwest::Response {
    app.send_json(
        Method::PUT,
        &format!("/api/v1/beats/{beat}/collaborators"),
        Some(&who.token),
        &list,
    )
    .await
}

fn one(email: &str, profit: Value, publishing: Value) -> Value {
    json!({"email": email, "role": "co-producer", "profit_percent": profit, "publishing_percent": publishing})
}

#[tokio::test]
async fn a_collaborator_list_is_checked_and_each_newcomer_is_invited_once() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let other = app.register("producer").await;
    let beat = app.new_beat(&producer).await;

    let refused = [
        (
            json!([
                one("a@example.com", json!(60), json!(10)),
                one("b@example.com", json!(40.01), json!(10))
            ]),
            "profit_percent",
        ),
        (
            json!([
                one("a@example.com", json!(10), json!(70)),
                one("b@example.com", json!(10), json!("30.5"))
            ]),
            "publishing_percent",
        ),
        (
            json!([one("a@example.com", json!(33.333), json!(0))]),
            "[0].profit_percent",
        ),
        (
            json!([one("a@example.com", json!(-1), json!(0))]),
            "[0].profit_percent",
        ),
        (
            json!([one("a@example.com", json!(10), json!(100.01))]),
            "[0].publishing_percent",
        ),
        (
            json!([
                one("a@example.com", json!(1), json!(1)),
                one(" A@Example.com ", json!(1), json!(1))
            ]),
            "email",
        ),
        (json!([one(&producer.email, json!(1), json!(1))]), "email"),
        (json!([one("not-an-email", json!(1), json!(1))]), "email"),
        (
            json!([{"email": "a@example.com", "role": "", "profit_percent": 1, "publishing_percent": 1}]),
            "role",
        ),
        (
            Value::Array(
                (0..21)
                    .map(|i| one(&format!("c{i}@example.com"), json!(1), json!(1)))
                    .collect(),
            ),
            "collaborators",
        ),
    ];
    for (list, field) in refused {
        let problem = assert_problem(
            put_collaborators(&app, &producer, beat, list.clone()).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        )
        .await;
        assert_eq!(problem["field"], field, "{list} → {problem:#}");
    }
    // Nothing was stored by any refusal.
    let listed: Value = app
        .get(
            &format!("/api/v1/beats/{beat}/collaborators"),
            Some(&producer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["collaborators"], json!([]));
    assert_eq!(listed["producer_profit_percent"], "100");

    // Another producer can neither see nor set the list.
    let list = json!([
        one("kato@example.com", json!(33.33), json!(50)),
        one("lil@example.com", json!("25"), json!(12.5))
    ]);
    assert_problem(
        put_collaborators(&app, &other, beat, list.clone()).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.get(
            &format!("/api/v1/beats/{beat}/collaborators"),
            Some(&other.token),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let saved = put_collaborators(&app, &producer, beat, list.clone()).await;
    assert_eq!(saved.status(), StatusCode::OK);
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(saved["producer_profit_percent"], "41.67");
    assert_eq!(saved["producer_publishing_percent"], "37.5");
    assert_eq!(saved["collaborators"][0]["profit_percent"], "33.33");
    assert_eq!(saved["collaborators"][1]["publishing_percent"], "12.5");
    assert_eq!(saved["collaborators"][0]["has_account"], false);
    // Saved again: the same list, and nobody is invited twice.
    assert_eq!(
        put_collaborators(&app, &producer, beat, list)
            .await
            .status(),
        StatusCode::OK
    );
    let invite = app
        .wait_for_eml("kato@example.com", "named you a collaborator")
        .await;
    assert!(invite.text().contains("33.33 %"), "{}", invite.text());
    app.wait_for_eml("lil@example.com", "named you a collaborator")
        .await;
    jobs_settle(&app).await;
    let invites = trackout_tests::mail::eml_files(&app.outbox_dir())
        .into_iter()
        .filter(|m| m.subject().contains("named you a collaborator"))
        .count();
    assert_eq!(invites, 2);

    // Replacements racing each other: each succeeds, and the list is one of them whole.
    let lists: Vec<Value> = (0..4)
        .map(|i| {
            json!([
                one(&format!("race{i}@example.com"), json!(10), json!(10)),
                one("kato@example.com", json!(i), json!(i))
            ])
        })
        .collect();
    let sends = lists
        .iter()
        .map(|l| put_collaborators(&app, &producer, beat, l.clone()));
    for response in futures_util::future::join_all(sends).await {
        assert_eq!(response.status(), StatusCode::OK);
    }
    let listed: Value = app
        .get(
            &format!("/api/v1/beats/{beat}/collaborators"),
            Some(&producer.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let emails: Vec<&str> = listed["collaborators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails.len(), 2, "{listed:#}");
    let i: usize = emails[0]
        .trim_start_matches("race")
        .trim_end_matches("@example.com")
        .parse()
        .unwrap();
    assert_eq!(
        listed["collaborators"][1]["profit_percent"],
        i.to_string(),
        "{listed:#}"
    );

    // An empty list gives everything back to the producer.
    let cleared: Value = put_collaborators(&app, &producer, beat, json!([]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cleared["producer_profit_percent"], "100");
}

/// Stripe says `purchase` (the order of one item) was paid `amount` on `pi`.
async fn paid(app: &TestApp, purchase: Uuid, pi: &str, amount: i64) {
    let (body, header) = stripe_event(
        &format!("evt_paid_{pi}"),
        "checkout.session.completed",
        session_charging(purchase, "paid", pi, amount, "usd"),
        now(),
    );
    assert_eq!(
        post_webhook(app, &body, Some(&header)).await.status(),
        StatusCode::OK
    );
    jobs_settle(app).await;
}

async fn buy(app: &TestApp, artist: &Account, beat: Uuid, tier: &str) -> Uuid {
    let response = app
        .post(
            "/api/v1/checkout",
            Some(&artist.token),
            &json!({"beat_id": beat, "tier": tier}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<Value>().await.unwrap()["purchase_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn each_collaborator_is_paid_their_frozen_share_once_and_a_refund_takes_every_share_back() {
    let stripe = Stripe::start().await;
    let app = stripe_marketplace(&stripe).await;
    let metro = app.register("producer").await;
    let kato = app.register("producer").await;
    // Signed up but has not proven the address yet: no account to pay at the sale.
    let lil = app.register_unverified("artist").await;
    let metro_account = connected(&app, &metro).await;
    let kato_account = connected(&app, &kato).await;
    let beat = catalog_beat(&app, &metro).await;
    let list = json!([
        one(&kato.email, json!(33.33), json!(50)),
        one(&lil.email, json!(25), json!(0))
    ]);
    assert_eq!(
        put_collaborators(&app, &metro, beat, list).await.status(),
        StatusCode::OK
    );

    let artist = app.register("artist").await;
    let order = buy(&app, &artist, beat, "wav_lease").await;
    // The split changes after the checkout: this sale keeps the one it was made with.
    let later = json!([one(&kato.email, json!(50), json!(50))]);
    assert_eq!(
        put_collaborators(&app, &metro, beat, later).await.status(),
        StatusCode::OK
    );
    paid(&app, order, "pi_split", 4_999).await;
    // Replayed: nothing moves twice.
    paid(&app, order, "pi_split", 4_999).await;

    // 49.99 less 10 % + 30 cents = 530 fee, 4469 net, each shared 41.67 / 33.33 / 25 by
    // largest remainder: nets 1862 + 1490 + 1117, fees 221 + 177 + 132.
    let mut rows = ledger(&app).await;
    rows.sort_by_key(|r| -r.amount_cents);
    let got: Vec<(i64, i64, &str)> = rows
        .iter()
        .map(|r| (r.amount_cents, r.fee_cents, r.kind.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (1_862, 221, "transfer"),
            (1_490, 177, "transfer"),
            (1_117, 132, "accrual")
        ]
    );
    assert_eq!((rows[0].payee_id, rows[1].payee_id), (metro.id, kato.id));
    assert_eq!(
        rows.iter()
            .map(|r| r.amount_cents + r.fee_cents)
            .sum::<i64>(),
        4_999
    );
    let sent = stripe.requests_to("/v1/transfers").await;
    assert_eq!(sent.len(), 2, "{sent:#?}");
    for (payee, account, amount) in [
        (&metro, &metro_account, 1_862),
        (&kato, &kato_account, 1_490),
    ] {
        let (form, key) = sent
            .iter()
            .find(|(f, _)| decoded(f, "destination").as_deref() == Some(account.as_str()))
            .unwrap_or_else(|| panic!("no transfer to {account}: {sent:#?}"));
        assert_eq!(decoded(form, "amount"), Some(amount.to_string()));
        assert_eq!(decoded(form, "transfer_group"), Some(order.to_string()));
        assert_eq!(
            key.clone(),
            Some(format!("trackout-pay-{order}-{}", payee.id))
        );
    }
    assert_eq!(payouts(&app, &kato).await["paid_cents"], 1_490);

    // The license prints the split as it was at checkout.
    let bought = licensed(&app, &artist, order).await;
    let text = app
        .get(link(&bought, "license.txt"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("Test producer (producer): 41.67 % of the profit, 50 % of the publishing."),
        "{text}"
    );
    assert!(
        text.contains(
            "Test producer (co-producer): 33.33 % of the profit, 50 % of the publishing."
        ),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{} (co-producer): 25 % of the profit, 0 % of the publishing.",
            lil.email
        )),
        "{text}"
    );

    // Lil proves the address and onboards: what accrued is paid to them, once.
    trackout_core::services::verification::mark_verified_without_mail(&app.state.db, lil.id)
        .await
        .unwrap();
    jobs_settle(&app).await;
    assert_eq!(payouts(&app, &lil).await["owed_cents"], 1_117);
    let lil_account = connected(&app, &lil).await;
    jobs_settle(&app).await;
    super::connect::account_updated(&app, "evt_lil_again", now() + 1, &lil_account, true).await;
    jobs_settle(&app).await;
    let sent = stripe.requests_to("/v1/transfers").await;
    let to_lil: Vec<_> = sent
        .iter()
        .filter(|(f, _)| decoded(f, "destination").as_deref() == Some(lil_account.as_str()))
        .collect();
    assert!(!to_lil.is_empty(), "{sent:#?}");
    for (form, key) in &to_lil {
        assert_eq!(decoded(form, "amount"), Some("1117".into()));
        assert_eq!(
            key.clone(),
            Some(format!("trackout-pay-{order}-{}", lil.id))
        );
    }
    assert_eq!(transfers(&stripe).await.len(), 3, "one transfer per payee");
    let theirs = payouts(&app, &lil).await;
    assert_eq!(
        (theirs["owed_cents"].as_i64(), theirs["paid_cents"].as_i64()),
        (Some(0), Some(1_117)),
        "{theirs:#}"
    );

    // Refunded in full: every party's transfer is reversed whole, once.
    webhook(
        &app,
        "evt_split_refund",
        "charge.refunded",
        refunded("pi_split", 4_999),
    )
    .await;
    webhook(
        &app,
        "evt_split_refund",
        "charge.refunded",
        refunded("pi_split", 4_999),
    )
    .await;
    jobs_settle(&app).await;
    let reversed = reversals(&stripe).await;
    assert_eq!(reversed.len(), 3, "{reversed:#?}");
    let rows = ledger(&app).await;
    for (payee, amount) in [(&metro, 1_862), (&kato, 1_490), (&lil, 1_117)] {
        let transfer = rows
            .iter()
            .find(|r| r.payee_id == payee.id && r.kind == "transfer")
            .and_then(|r| r.transfer_id.clone())
            .unwrap_or_else(|| panic!("no transfer row for {}: {rows:#?}", payee.email));
        let requests = stripe
            .requests_to(&format!("/v1/transfers/{transfer}/reversals"))
            .await;
        assert_eq!(requests.len(), 1, "{requests:#?}");
        assert_eq!(decoded(&requests[0].0, "amount"), Some(amount.to_string()));
        assert_eq!(
            requests[0].1.clone(),
            Some(format!("trackout-reversal-{order}-{}", payee.id))
        );
    }
}

#[tokio::test]
async fn the_buyers_bundle_credits_the_split_frozen_on_the_purchase() {
    let app = super::marketplace_app("0", 0).await;
    let producer = app.register("producer").await;
    let artist = app.register("artist").await;
    let beat = processed_beat(&app, &producer).await;
    let row = beat::Entity::find_by_id(beat)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: beat::ActiveModel = row.into();
    row.status = Set("published".into());
    row.published_at = Set(Some(chrono::Utc::now()));
    row.update(&app.state.db).await.unwrap();
    let list = json!([{"email": "kato@example.com", "role": "songwriter", "name": "Kato, Jr.", "profit_percent": 30, "publishing_percent": "50"}]);
    assert_eq!(
        put_collaborators(&app, &producer, beat, list)
            .await
            .status(),
        StatusCode::OK
    );

    let (purchase_id, url) = started(&app, &artist, beat, "trackout_lease").await;
    pay_dev(&app, &url).await;
    let purchase = fulfilled(&app, &artist, purchase_id).await;
    let bytes = app
        .get(link(&purchase, "bundle"), None)
        .await
        .bytes()
        .await
        .unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a valid zip");
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    let read = |zip: &mut zip::ZipArchive<Cursor<Vec<u8>>>, suffix: &str| {
        let name = names
            .iter()
            .find(|n| n.ends_with(suffix))
            .unwrap_or_else(|| panic!("no {suffix} in {names:?}"));
        let mut out = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut out).unwrap();
        out
    };
    let manifest: Value = serde_json::from_slice(&read(&mut zip, "manifest.json")).unwrap();
    assert_eq!(
        manifest["splits"],
        json!([
            {"name": "Test producer", "role": "producer", "profit_percent": "70", "publishing_percent": "50"},
            {"name": "Kato, Jr.", "role": "songwriter", "profit_percent": "30", "publishing_percent": "50"},
        ])
    );
    let cue = String::from_utf8(read(&mut zip, "cue_sheet.csv")).unwrap();
    let mut lines = cue.split("\r\n");
    assert!(lines.next().unwrap().ends_with(",writers,splits"), "{cue}");
    let stems: Vec<&str> = lines.filter(|l| !l.is_empty()).collect();
    assert!(!stems.is_empty());
    for l in stems {
        assert!(
            l.ends_with(",\"Test producer (producer); Kato, Jr. (songwriter)\",\"Test producer 70% profit, 50% publishing; Kato, Jr. 30% profit, 50% publishing\""),
            "{cue}"
        );
    }
    // One cue sheet in the bundle, and the manifest's checksum is of the rewritten one.
    assert_eq!(
        names
            .iter()
            .filter(|n| n.ends_with("cue_sheet.csv"))
            .count(),
        1
    );
    let cue_entry = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("cue_sheet.csv"))
        .unwrap();
    assert_eq!(
        cue_entry["sha256"],
        hex::encode(Sha256::digest(cue.as_bytes()))
    );
    let license = String::from_utf8(read(&mut zip, "LICENSE.txt")).unwrap();
    assert!(
        license.contains("Kato, Jr. (songwriter): 30 % of the profit, 50 % of the publishing."),
        "{license}"
    );

    // A beat without collaborators prints as before: no split anywhere.
    let plain = processed_beat(&app, &producer).await;
    let row = beat::Entity::find_by_id(plain)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut row: beat::ActiveModel = row.into();
    row.status = Set("published".into());
    row.update(&app.state.db).await.unwrap();
    let (id, url) = started(&app, &artist, plain, "mp3_lease").await;
    pay_dev(&app, &url).await;
    let bought = licensed(&app, &artist, id).await;
    let text = app
        .get(link(&bought, "license.txt"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(!text.contains("Splits"), "{text}");
}
