//! Issue 14's storefront, at a desk (1366 × 900) and on a phone (390 × 844): producer pages,
//! cover art, the share page, the embeddable player, the beat page that sells the trackout,
//! and the things that used to break (an empty library, raw JSON for a dead link, a price
//! error off screen, a pre-filled share label, buying a license twice, an abandoned checkout,
//! the purchase forgotten on sign-up).

use anyhow::{Context, Result, ensure};
use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_tests::app::Account;
use trackout_tests::{TestApp, images};
use uuid::Uuid;

use super::page::{Page, WAIT};
use super::seed::{publish_beat, register_producer};
use super::{PASSWORD, PROCESSING, readme, readme_screenshots};

pub(super) struct Shop {
    producer: Account,
    beat: Uuid,
    other: Uuid,
}

async fn api(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    who: &Account,
    body: Value,
) -> Result<Value> {
    let response = app.send_json(method, path, Some(&who.token), &body).await;
    let status = response.status();
    let text = response.text().await?;
    ensure!(status.is_success(), "{path} answered {status}: {text}");
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// A producer with a page, two published beats, one with cover art.
pub(super) async fn open_shop(app: &TestApp) -> Result<Shop> {
    let producer = register_producer(app, "Night Shift").await?;
    api(app, reqwest::Method::PATCH, "/api/v1/me", &producer, json!({
        "handle": "NightShift",
        "bio": "Dark trap and drill from Rotterdam. Every lease above MP3 comes with checked stems.",
        "links": ["https://www.instagram.com/nightshift", "https://www.youtube.com/@nightshift", "https://nightshift.studio"],
    })).await?;
    let beat = publish_beat(
        app,
        &producer,
        json!({"title": "Velvet Hours", "bpm": 140, "key": "A min",
        "genre": "Trap", "moods": ["dark"], "tags": ["808", "piano"]}),
    )
    .await?;
    let other = publish_beat(
        app,
        &producer,
        json!({"title": "Cold Money", "bpm": 144, "key": "F# min",
        "genre": "Drill", "moods": ["aggressive"], "tags": ["slide"]}),
    )
    .await?;
    let put = app
        .upload(
            &producer,
            beat,
            "cover",
            "image/png",
            images::png(1400, 1400),
        )
        .await;
    ensure!(
        put.status() == StatusCode::ACCEPTED,
        "cover upload: {}",
        put.status()
    );
    let deadline = tokio::time::Instant::now() + PROCESSING;
    loop {
        let status = api(
            app,
            reqwest::Method::GET,
            &format!("/api/v1/beats/{beat}/cover"),
            &producer,
            Value::Null,
        )
        .await?;
        if status["state"] == "done" {
            break;
        }
        ensure!(
            status["state"] != "failed" && tokio::time::Instant::now() < deadline,
            "cover: {status}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Ok(Shop {
        producer,
        beat,
        other,
    })
}

/// Signs `account` in as the page would (the session in localStorage), on `path`.
async fn signed_in(page: &Page, app: &TestApp, account: &Account, path: &str) -> Result<()> {
    let body: Value = app
        .post(
            "/api/v1/auth/login",
            None,
            &json!({"email": account.email, "password": PASSWORD}),
        )
        .await
        .json()
        .await?;
    page.open("/").await?;
    page.browser
        .exec(
            "localStorage.setItem('trackout.session', JSON.stringify(arguments[0]))",
            vec![body],
        )
        .await?;
    page.open(path).await
}

async fn artist(app: &TestApp) -> Result<Account> {
    let email = format!("artist-{}@example.com", Uuid::new_v4().simple());
    let response = app
        .post("/api/v1/auth/register", None,
            &json!({"email": email, "password": PASSWORD, "display_name": "Luna Ray", "role": "artist"}))
        .await;
    ensure!(
        response.status() == reqwest::StatusCode::ACCEPTED,
        "signing up"
    );
    Ok(app.login(&email, PASSWORD).await)
}

/// Buys `tier` through the development checkout over HTTP; returns the purchase.
async fn bought(app: &TestApp, buyer: &Account, beat: Uuid, tier: &str, pay: bool) -> Result<Uuid> {
    let started = api(
        app,
        reqwest::Method::POST,
        "/api/v1/checkout",
        buyer,
        json!({"beat_id": beat, "tier": tier}),
    )
    .await?;
    if pay {
        let url = started["checkout_url"].as_str().context("checkout url")?;
        let paid = app.client.post(url).send().await?;
        ensure!(
            paid.status() == StatusCode::SEE_OTHER,
            "paying: {}",
            paid.status()
        );
    }
    Ok(started["purchase_id"]
        .as_str()
        .context("purchase id")?
        .parse()?)
}

async fn no_sideways_scroll(page: &Page, what: &str) -> Result<()> {
    let fits = page
        .browser
        .exec(
            "return document.documentElement.scrollWidth <= window.innerWidth + 1",
            vec![],
        )
        .await?;
    ensure!(fits == true, "{what} scrolls sideways at this width");
    Ok(())
}

async fn in_view(page: &Page, css: &str) -> Result<()> {
    page.wait_js(
        &format!("`{css}` in view"),
        WAIT,
        "const r = document.querySelector(arguments[0])?.getBoundingClientRect();
         return r && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;",
        vec![json!(css)],
    )
    .await
    .map(drop)
}

/// Everything, at the window size set before.
pub(super) async fn at_this_size(
    app: &TestApp,
    page: &mut Page,
    shop: &Shop,
    phone: bool,
    size: &str,
) -> Result<()> {
    let beat = shop.beat;

    // 1. A new artist's library shows its empty state, with the way to the catalog.
    let luna = artist(app).await?;
    signed_in(page, app, &luna, "/library").await?;
    page.wait_text("#library-empty", "Nothing here yet", WAIT)
        .await?;
    page.wait_visible("#library-empty a[href='/']").await?;
    page.shot(&format!("{size}-library-empty")).await?;

    // 2. Dead links: a page in the store's style that says what to do.
    for (path, says) in [
        (
            "/s/not-a-share-link".to_owned(),
            "This share link doesn't work",
        ),
        (
            "/d/eyJhbGciOiJIUzI1NiJ9.e30.tampered".to_owned(),
            "This download link has expired",
        ),
        (
            format!("/pay/dev/{}", Uuid::new_v4()),
            "This checkout cannot be paid",
        ),
    ] {
        page.open(&path).await?;
        page.wait_text(".error-page h1", says, WAIT).await?;
        page.wait_visible(".error-page a.btn").await?;
        page.wait_visible("header .brand").await?;
        no_sideways_scroll(page, &path).await?;
    }
    page.shot(&format!("{size}-error-page")).await?;

    // 6a. Intent through sign-up: Buy while logged out, sign up, land in the checkout.
    page.browser.exec("localStorage.clear()", vec![]).await?;
    page.open(&format!("/beats/{beat}")).await?;
    if phone {
        page.click("#tier-chooser [data-choice=mp3_lease]").await?;
    }
    page.click("#buy-mp3_lease").await?;
    page.wait_path("/login").await?;
    page.click("main a[href^='/signup']").await?;
    page.wait_path("/signup").await?;
    let email = format!("new-{}@example.com", Uuid::new_v4().simple());
    page.fill("input[name=display_name]", "Kai Verse").await?;
    page.fill("input[name=email]", &email).await?;
    page.fill("input[name=password]", PASSWORD).await?;
    page.click("form button[type=submit]").await?;
    page.wait_path("/pay/dev/").await?;
    page.wait_text("h1", "Velvet Hours", WAIT).await?;

    // 6b. What you own says so; an abandoned checkout can be cancelled.
    let pending = bought(app, &luna, beat, "wav_lease", false).await?;
    let purchase = bought(app, &luna, beat, "trackout_lease", true).await?;
    signed_in(page, app, &luna, "/library").await?;
    page.click(&format!("[data-cancel='{pending}']")).await?;
    page.wait_js("the cancelled checkout to leave the library", WAIT,
        "return !document.querySelector(`[data-purchase='${arguments[0]}']`) && document.querySelector(`[data-purchase='${arguments[1]}']`)",
        vec![json!(pending.to_string()), json!(purchase.to_string())]).await?;
    page.wait_text("#toasts", "cancelled", WAIT).await?;
    page.open(&format!("/beats/{beat}")).await?;
    if phone {
        page.click("#tier-chooser [data-choice=trackout_lease]")
            .await?;
    }
    page.wait_text("#owned-trackout_lease", "You own this", WAIT)
        .await?;
    let refused = app
        .post(
            "/api/v1/checkout",
            Some(&luna.token),
            &json!({"beat_id": beat, "tier": "trackout_lease"}),
        )
        .await;
    ensure!(
        refused.status() == StatusCode::CONFLICT,
        "buying it again: {}",
        refused.status()
    );

    // 12. The beat page sells the trackout: the cover, the stems; on a phone, a chooser.
    page.wait_js(
        "the uploaded cover to show",
        WAIT,
        "const img = document.querySelector('.beat-hero .cover--art img');
         return img && img.complete && img.naturalWidth > 0 && img.currentSrc.includes('/cover/');",
        vec![],
    )
    .await?;
    let stems = page
        .browser
        .exec(
            "return document.querySelectorAll('#trackout-stems li').length",
            vec![],
        )
        .await?;
    ensure!(stems == 4, "the trackout lists its stems ({stems})");
    page.wait_text("#trackout-stems", "Kick", WAIT).await?;
    let visible_tiers = page.browser.exec("return [...document.querySelectorAll('#tiers .tier')].filter(t => t.getClientRects().length).length", vec![]).await?;
    if phone {
        page.wait_visible("#tier-chooser").await?;
        ensure!(
            visible_tiers == 1,
            "one tier at a time on a phone ({visible_tiers})"
        );
        page.click("#tier-chooser [data-choice=exclusive]").await?;
        page.wait_visible("[data-tier=exclusive] #buy-exclusive")
            .await?;
    } else {
        ensure!(
            page.browser.visible("#tier-chooser").await?.is_none(),
            "no chooser at a desk"
        );
        ensure!(
            visible_tiers == 4,
            "the four tiers side by side ({visible_tiers})"
        );
    }
    page.wait_text("#more-from-producer", "Cold Money", WAIT)
        .await?;
    no_sideways_scroll(page, "the beat page").await?;
    // 11. Link previews, in the HTML as the server sends it.
    let raw = page
        .browser
        .exec(
            "return fetch(location.pathname).then(r => r.text())",
            vec![],
        )
        .await?;
    let raw = raw.as_str().unwrap_or_default();
    ensure!(
        raw.contains("<meta property=\"og:title\" content=\"Velvet Hours by Night Shift\">")
            && raw.contains("og:image"),
        "link preview tags: {}",
        &raw[..raw.len().min(1500)]
    );
    page.shot(&format!("{size}-beat")).await?;
    if !phone && let Some(dir) = readme_screenshots() {
        readme::tidy(page).await?;
        std::fs::write(dir.join("beat-page.png"), page.browser.screenshot().await?)?;
    }

    // 10. The embed snippet, and the player it points at.
    page.click("#embed-button").await?;
    let code = page.property("#embed-code", "value").await?;
    ensure!(
        code.contains(&format!("/embed/beats/{beat}")) && code.starts_with("<iframe"),
        "the snippet: {code}"
    );
    page.browser.exec(
        "const f = document.createElement('iframe'); f.id = 'embedded'; f.src = arguments[0]; f.style.cssText = 'width:100%;height:190px;border:0';
         document.querySelector('#embed-snippet').append(f);", vec![json!(format!("/embed/beats/{beat}"))]).await?;
    page.wait_js("the embedded player with its waveform", WAIT,
        "const d = document.querySelector('#embedded')?.contentDocument;
         return d && d.querySelector('.embed__wave[data-peaks=loaded]') && d.querySelector('.embed__buy[target=_blank]')?.href.endsWith(arguments[0]);",
        vec![json!(format!("/beats/{beat}"))]).await?;
    page.browser.exec("document.querySelector('#embedded').contentDocument.querySelector('.embed__play').click()", vec![]).await?;
    page.wait_js("the embedded player to play", WAIT,
        "const d = document.querySelector('#embedded').contentDocument; return d.querySelector('#embed').dataset.state === 'playing';", vec![]).await?;
    page.browser
        .exec(
            "document.querySelector('#embedded').contentDocument.querySelector('audio').pause()",
            vec![],
        )
        .await?;

    // 9. The producer's page: the beat links to it, and it sells their beats with the filters.
    page.click("#beat-producer").await?;
    page.wait_path("/p/nightshift").await?;
    page.wait_text("#producer h1", "Night Shift", WAIT).await?;
    page.wait_text("#producer-bio", "Rotterdam", WAIT).await?;
    page.wait_text("#producer-links", "Instagram", WAIT).await?;
    page.wait_js(
        "both beats on the page",
        WAIT,
        "return document.querySelectorAll('#results .beat-card').length === 2",
        vec![],
    )
    .await?;
    page.wait_js("the cover on the card", WAIT, "return document.querySelector(`.beat-card[data-beat='${arguments[0]}'] .cover--art img`)?.naturalWidth > 0", vec![json!(beat.to_string())]).await?;
    no_sideways_scroll(page, "the producer page").await?;
    page.shot(&format!("{size}-producer")).await?;
    if !phone && let Some(dir) = readme_screenshots() {
        readme::tidy(page).await?;
        std::fs::write(
            dir.join("producer-page.png"),
            page.browser.screenshot().await?,
        )?;
    }
    if phone {
        page.click(".filters-toggle").await?;
    }
    super::catalog::choose(page, "select[name=genre]", "drill").await?;
    page.wait_path("/p/nightshift?genre=drill").await?;
    super::catalog::titles_are(page, "only the drill beat", &["Cold Money"]).await?;
    page.browser.back().await?;
    super::catalog::titles_are(page, "both beats again", &["Cold Money", "Velvet Hours"]).await?;

    // 5 and 7. Sharing: the label is a placeholder; the engineer's page sets the session up.
    page.open(&format!("/library/{purchase}")).await?;
    page.wait_visible("#sharing input[name=label]").await?;
    let (value, placeholder) = (
        page.property("#sharing input[name=label]", "value").await?,
        page.property("#sharing input[name=label]", "placeholder")
            .await?,
    );
    ensure!(
        value.is_empty() && !placeholder.is_empty(),
        "the label is a placeholder ({value:?}, {placeholder:?})"
    );
    page.fill("#sharing input[name=label]", "Sam (mix)").await?;
    page.fill("#sharing input[name=max_downloads]", "3").await?;
    page.click("#create-share").await?;
    page.wait_text("#new-share h3", "Link for Sam (mix)", WAIT)
        .await?;
    let link = page.property("#share-url", "value").await?;
    page.browser.goto(&link).await?;
    page.wait_text("#session-bpm", "140 BPM", WAIT).await?;
    page.wait_text("#session-key", "A min", WAIT).await?;
    page.wait_text("#session-rate", "44.1 kHz", WAIT).await?;
    page.wait_text("#downloads-left", "3 of 3 downloads left", WAIT)
        .await?;
    page.wait_text("#share-stems tr[data-stem='Kick.wav']", "kick", WAIT)
        .await?;
    if !phone {
        page.wait_text("#share-stems tr[data-stem='Kick.wav']", "24-bit int", WAIT)
            .await?;
    }
    no_sideways_scroll(page, "the share page").await?;
    page.shot(&format!("{size}-share-page")).await?;
    if !phone && let Some(dir) = readme_screenshots() {
        readme::tidy(page).await?;
        std::fs::write(dir.join("share-page.png"), page.browser.screenshot().await?)?;
    }
    let name = page.browser.exec(
        "return fetch(document.querySelector(\"#share-stems tr[data-stem='Kick.wav'] a\").href).then(r => r.headers.get('content-disposition'))",
        vec![]).await?;
    ensure!(
        name.as_str()
            .unwrap_or_default()
            .contains("filename=\"Velvet Hours - Kick.wav\""),
        "the stem's name: {name}"
    );

    // 3. The license: its verify link is the page, and the PDF's title shows its dash.
    signed_in(page, app, &luna, &format!("/library/{purchase}")).await?;
    let text = page
        .property("#license-files a[data-file='license.txt']", "href")
        .await?;
    let text = String::from_utf8(super::purchase::download(app, &text).await?)?;
    ensure!(
        text.contains(&format!("{}/licenses/TRK-", page.origin))
            && !text.contains("/api/v1/licenses"),
        "verify link: {text}"
    );
    let pdf = page
        .property("#license-files a[data-file='license.pdf']", "href")
        .await?;
    let pdf = super::purchase::download(app, &pdf).await?;
    ensure!(
        String::from_utf8_lossy(&pdf).contains("/Title <FEFF"),
        "the PDF title is UTF-16"
    );
    let verify = text
        .lines()
        .find_map(|l| l.split_once(": http").map(|(_, u)| format!("http{u}")))
        .context("a verify line")?;
    page.browser.goto(verify.trim()).await?;
    page.wait_text("main", "Genuine and valid", WAIT).await?;

    // 4. A price out of range: said at the field, in dollars, naming the tier, in view.
    signed_in(
        page,
        app,
        &shop.producer,
        &format!("/dashboard/beats/{}", shop.other),
    )
    .await?;
    page.fill("input[name='wav_lease.price']", "0.10").await?;
    page.click("#save-tiers").await?;
    page.wait_text(
        "[data-price-error=wav_lease]",
        "WAV Lease: the price must be from $0.50 to $1,000,000.00",
        WAIT,
    )
    .await?;
    in_view(page, "[data-price-error=wav_lease]").await?;
    page.shot(&format!("{size}-price-error")).await?;
    // The producer edits their page on the dashboard.
    page.open("/dashboard").await?;
    page.wait_visible("#profile-form").await?;
    let handle = page
        .property("#profile-form input[name=handle]", "value")
        .await?;
    ensure!(handle == "nightshift", "the handle in the form: {handle}");
    page.wait_visible("#view-my-page").await?;
    Ok(())
}

pub(super) async fn story(app: &TestApp, page: &mut Page) -> Result<()> {
    let shop = open_shop(app).await?;
    page.browser.set_window(1366, 900).await?;
    at_this_size(app, page, &shop, false, "desk").await?;
    page.browser.set_window(390, 844).await?;
    at_this_size(app, page, &shop, true, "phone").await?;
    // Cover upload through the editor, refused with the reason at once.
    signed_in(
        page,
        app,
        &shop.producer,
        &format!("/dashboard/beats/{}", shop.other),
    )
    .await?;
    let dir = tempfile::tempdir()?;
    let svg = dir.path().join("cover.svg");
    std::fs::write(&svg, images::svg())?;
    let good = dir.path().join("cover.jpg");
    std::fs::write(&good, images::jpeg(900, 900))?;
    page.choose_file("#file-cover", &svg).await?;
    page.click("#upload-cover").await?;
    page.wait_text("#status-cover", "is not a JPEG, PNG or WebP", WAIT)
        .await?;
    page.choose_file("#file-cover", &good).await?;
    page.click("#upload-cover").await?;
    page.wait_text("#status-cover", "Cover ready", PROCESSING)
        .await?;
    page.wait_visible("#cover-form .cover--art img").await?;
    Ok(())
}
