//! The cart: a guest adds licenses of two producers' beats from their beat pages, reloads,
//! reads the quote on /cart line by line (a bulk deal and a coupon, to the cent of the
//! server's quote), tries a wrong coupon and then the right one, checks out once, pays on the
//! development page and finds every purchase in the library with the price paid.
//!
//! A checkout takes each beat once (with one tier), so the three tiers come from three beat
//! pages: two of one producer (whose "buy 1, get 1 free" deal applies) and one of another
//! (whose coupon applies).

use anyhow::{Context, Result, ensure};
use entity::beat;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use trackout_tests::TestApp;
use trackout_tests::app::Account;
use uuid::Uuid;

use super::page::{Page, WAIT};
use super::seed::register_producer;

/// A beat on sale with the default tiers, without rendering its files: the cart is about
/// prices, and the purchase story covers the files.
async fn beat_on_sale(app: &TestApp, producer: &Account, title: &str) -> Result<Uuid> {
    let created = app
        .create_beat(
            producer,
            &json!({"title": title, "bpm": 140, "key": "A min", "genre": "Trap", "moods": ["dark"], "tags": []}),
        )
        .await;
    let id: Uuid = created["id"].as_str().context("beat id")?.parse()?;
    let row = beat::Entity::find_by_id(id)
        .one(&app.state.db)
        .await?
        .context("the beat")?;
    let mut row: beat::ActiveModel = row.into();
    row.status = Set("published".into());
    row.published_at = Set(Some(chrono::Utc::now()));
    row.update(&app.state.db).await?;
    Ok(id)
}

/// Cents as the storefront writes dollars: `$29.99`, a discount `−$29.99`, none `—`.
fn usd(cents: i64) -> String {
    format!("${}.{:02}", cents / 100, cents % 100)
}

fn off(cents: i64) -> String {
    if cents == 0 {
        "—".into()
    } else {
        format!("−{}", usd(cents))
    }
}

fn cents(v: &Value) -> i64 {
    v.as_i64().unwrap_or(-1)
}

/// The server's own quote of what the page shows.
async fn server_quote(app: &TestApp, items: &Value, coupon: Option<&str>) -> Result<Value> {
    let response = app
        .post(
            "/api/v1/checkout/quote",
            None,
            &json!({"items": items, "coupon": coupon}),
        )
        .await;
    ensure!(
        response.status().is_success(),
        "quote: {}",
        response.status()
    );
    Ok(response.json().await?)
}

/// Every line and total on /cart against the server's quote, to the cent.
async fn table_matches(page: &Page, quote: &Value) -> Result<()> {
    for line in quote["lines"].as_array().context("lines")? {
        let row = format!(
            "#quote-table tr[data-line='{}']",
            line["beat_id"].as_str().unwrap_or("")
        );
        for (col, want) in [
            ("list", usd(cents(&line["list_price_cents"]))),
            ("deal", off(cents(&line["deal_cents"]))),
            ("coupon", off(cents(&line["coupon_cents"]))),
            ("paid", usd(cents(&line["price_cents"]))),
        ] {
            let shown = page
                .property(&format!("{row} td[data-col={col}]"), "textContent")
                .await?;
            ensure!(
                shown == want,
                "{} {col}: shown {shown:?}, quoted {want:?}",
                line["title"]
            );
        }
    }
    for (col, want) in [
        ("list", usd(cents(&quote["list_total_cents"]))),
        ("deal", off(cents(&quote["deal_cents"]))),
        ("coupon", off(cents(&quote["coupon_cents"]))),
        ("paid", usd(cents(&quote["total_cents"]))),
    ] {
        let shown = page
            .property(
                &format!("#quote-totals td[data-total={col}]"),
                "textContent",
            )
            .await?;
        ensure!(
            shown == want,
            "total {col}: shown {shown:?}, quoted {want:?}"
        );
    }
    Ok(())
}

pub(super) async fn story(app: &TestApp, page: &mut Page) -> Result<()> {
    let metro = register_producer(app, "Metro Nights").await?;
    let kay = register_producer(app, "Kay Loops").await?;
    let (night, dawn) = (
        beat_on_sale(app, &metro, "Night Drive").await?,
        beat_on_sale(app, &metro, "Dawn Chorus").await?,
    );
    let velvet = beat_on_sale(app, &kay, "Velvet Hours").await?;
    let deal = app
        .send_json(
            reqwest::Method::PUT,
            "/api/v1/deals",
            Some(&metro.token),
            &json!([{"buy": 1, "free": 1, "tiers": ["mp3_lease"]}]),
        )
        .await;
    ensure!(deal.status().is_success(), "the deal: {}", deal.status());
    let coupon = app
        .post(
            "/api/v1/coupons",
            Some(&kay.token),
            &json!({"code": "VELVET20", "percent_off": 20}),
        )
        .await;
    ensure!(
        coupon.status().is_success(),
        "the coupon: {}",
        coupon.status()
    );

    // Three tiers from three beat pages.
    for (beat, tier) in [
        (night, "mp3_lease"),
        (dawn, "mp3_lease"),
        (velvet, "wav_lease"),
    ] {
        page.open(&format!("/beats/{beat}")).await?;
        page.click(&format!("#add-{tier}")).await?;
        page.wait_visible(&format!("#in-cart-{tier}")).await?;
    }
    page.wait_text("#cart-count", "3", WAIT).await?;
    page.shot("cart-beat").await?;
    // A reload keeps the cart.
    page.open(&format!("/beats/{velvet}")).await?;
    page.wait_text("#cart-count", "3", WAIT).await?;
    page.wait_visible("#in-cart-wav_lease").await?;
    page.click("#cart-link").await?;
    page.wait_path("/cart").await?;

    let items = json!([
        {"beat_id": night, "tier": "mp3_lease"},
        {"beat_id": dawn, "tier": "mp3_lease"},
        {"beat_id": velvet, "tier": "wav_lease"},
    ]);
    page.wait_visible("#quote-table").await?;
    let plain = server_quote(app, &items, None).await?;
    ensure!(cents(&plain["deal_cents"]) > 0, "the deal applies: {plain}");
    table_matches(page, &plain).await?;

    // A code that does not apply says why, in the server's words.
    page.fill("#coupon", "METRO50").await?;
    page.click("#apply-coupon").await?;
    let wrong = server_quote(app, &items, Some("METRO50")).await?;
    let why = wrong["coupon"]["message"].as_str().context("a reason")?;
    page.wait_text("#coupon-status", why, WAIT).await?;
    table_matches(page, &wrong).await?;

    page.fill("#coupon", "velvet20").await?;
    page.click("#apply-coupon").await?;
    page.wait_text("#coupon-status", "VELVET20 applied", WAIT)
        .await?;
    let right = server_quote(app, &items, Some("velvet20")).await?;
    ensure!(
        cents(&right["coupon_cents"]) > 0,
        "the coupon applies: {right}"
    );
    table_matches(page, &right).await?;
    page.shot("cart").await?;

    // Check out as a guest, pay once on the development page.
    let email = format!("cart-{}@example.com", Uuid::new_v4().simple());
    page.fill("#guest-email", &email).await?;
    page.click("#checkout").await?;
    page.wait_path("/pay/dev/").await?;
    let total = usd(cents(&right["total_cents"]));
    page.wait_text("body", &total.replace('$', ""), WAIT)
        .await?;
    page.click("#pay").await?;
    let back = page.wait_path("/library").await?;
    ensure!(
        back == "/library?checkout=success",
        "a paid cart returns to the library: {back}"
    );
    page.wait_visible("#guest-paid").await?;
    let count = page
        .browser
        .exec(
            "return document.querySelectorAll('#cart-count').length;",
            vec![],
        )
        .await?;
    ensure!(count == json!(0), "the cart is empty after checking out");

    // The receipt's claim link opens the library: every purchase at the price paid.
    let receipt = app.wait_for_eml(&email, "Your receipt").await;
    let claim = receipt.link("/claim").context("a claim link")?;
    let claim = &claim[claim.find("/claim").unwrap_or(0)..];
    page.open(claim).await?;
    page.wait_path("/library/").await?;
    page.open("/library").await?;
    for line in right["lines"].as_array().context("lines")? {
        let title = line["title"].as_str().unwrap_or("");
        page.wait_text("#purchases", title, WAIT)
            .await
            .with_context(|| format!("{title} in the library"))?;
        let shown = page
            .browser
            .exec(
                "const cards = [...document.querySelectorAll('#purchases .purchase')];
                 return cards.map((c) => c.textContent).find((t) => t.includes(arguments[0])) || '';",
                vec![json!(title)],
            )
            .await?;
        let shown = shown.as_str().unwrap_or("");
        let paid = usd(cents(&line["price_cents"]));
        ensure!(
            shown.contains(line["tier_name"].as_str().unwrap_or("?")) && shown.contains(&paid),
            "{title} in the library at {paid}: {shown}"
        );
    }
    page.shot("cart-library").await?;
    Ok(())
}
