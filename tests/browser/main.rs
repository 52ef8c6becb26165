//! The storefront in a real browser: headless Chromium (Debian's `chromium` and
//! `chromium-driver`) driven over WebDriver through the whole story. A producer signs up,
//! uploads a master, a voice tag and a trackout, reads the check report, fixes the trackout
//! and publishes; an artist finds the beat through the filters, plays the preview, buys on
//! the development payment page, downloads the bundle and shares it; the engineer opens the
//! share page and downloads a stem.
//!
//! On failure the screenshots of every page seen, the page's HTML and the browser's console
//! are written to `test-artifacts/browser/`; with `TRACKOUT_BROWSER_SCREENSHOTS=1` the
//! screenshots are written when it passes too. With `TRACKOUT_README_SCREENSHOTS=1` the run
//! also writes the README's screenshots to `docs/screenshots/`.

// Test code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

mod cart;
mod catalog;
mod page;
mod producer;
mod proxy;
mod purchase;
mod readme;
mod resumable;
mod seed;
mod storefront;
mod webdriver;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, anyhow, ensure};
use serde_json::Value;
use trackout_tests::TestApp;
use uuid::Uuid;

use page::Page;
use webdriver::Browser;

/// Processing (check, preview, lease files, bundle) of a few seconds of audio.
const PROCESSING: Duration = Duration::from_secs(90);
const PASSWORD: &str = "a long enough password";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the workspace")
        .to_owned()
}

fn readme_screenshots() -> Option<PathBuf> {
    std::env::var_os("TRACKOUT_README_SCREENSHOTS").map(|_| workspace().join("docs/screenshots"))
}

/// Signs up through the form, as a `producer` or an `artist`. A producer on a single-seller
/// store comes through the operator's invitation link.
async fn sign_up(
    page: &Page,
    role: &str,
    name: &str,
    email: &str,
    invitation: Option<&str>,
) -> Result<()> {
    match invitation {
        Some(token) => {
            page.open(&format!("/signup?role={role}&invitation={token}"))
                .await?
        }
        None => page.open("/signup").await?,
    }
    page.click(&format!("input[name=role][value={role}]"))
        .await?;
    page.fill("input[name=display_name]", name).await?;
    page.fill("input[name=email]", email).await?;
    page.fill("input[name=password]", PASSWORD).await?;
    page.click("form button[type=submit]").await
}

async fn story(app: &TestApp, page: &mut Page) -> Result<()> {
    // Printed with the failure: how far the story got, and when.
    let started = std::time::Instant::now();
    let phase = |name: &str| println!("{:>6.1} s  {name}", started.elapsed().as_secs_f64());
    let files = seed::files()?;
    phase("seeding the catalog");
    seed::seed_catalog(app).await?;
    let producer = format!("night-shift-{}@example.com", Uuid::new_v4().simple());
    phase("the producer publishes");
    let beat = producer::publishes(app, page, &files, &producer).await?;
    page.click("#logout").await?;
    page.wait_visible("nav a[href='/signup']").await?;

    let artist = format!("luna-{}@example.com", Uuid::new_v4().simple());
    phase("the artist finds and plays the beat");
    sign_up(page, "artist", "Luna Ray", &artist, None).await?;
    catalog::artist_finds_and_plays(page, beat).await?;
    phase("the artist buys");
    let purchase = purchase::artist_buys(app, page, beat).await?;
    phase("the engineer downloads a stem");
    purchase::engineer_gets_a_stem(app, page, purchase).await?;
    phase("the artist's account page");
    account_page(page).await?;
    phase("the producer sees the sale");
    producer::sees_the_sale(app, page, &producer).await?;
    phase("after signing in, only same-origin paths are followed");
    next_is_same_origin_only(page).await?;
    phase("on a phone");
    catalog::fits_a_phone(page).await?;
    phase("done");

    // No script error anywhere along the way, and nothing the Content-Security-Policy had to
    // refuse (an inline style or script the store's own pages tried).
    let errors: Vec<Value> = page
        .browser
        .console()
        .await?
        .into_iter()
        .filter(|entry| entry["source"] == "javascript" || entry["source"] == "security")
        .collect();
    ensure!(
        errors.is_empty(),
        "script errors or refused content in the console: {errors:#?}"
    );
    Ok(())
}

/// The account page: the email, the signed-in devices, and two-factor enrolment with the QR
/// code the server drew (started, not confirmed: the story goes on without it).
async fn account_page(page: &mut Page) -> Result<()> {
    page.click("#account-link").await?;
    page.wait_path("/account").await?;
    page.wait_visible("#sessions li").await?;
    page.wait_text("#sessions", "This device", page::WAIT)
        .await?;
    page.click("#enable-2fa").await?;
    page.wait_visible("#two-factor-qr").await?;
    let secret = page.property("#two-factor-secret", "textContent").await?;
    ensure!(secret.len() >= 32, "the secret is shown: {secret:?}");
    let drawn = page
        .browser
        .exec(
            "const img = document.getElementById('two-factor-qr'); return img.complete && img.naturalWidth > 0;",
            vec![],
        )
        .await?;
    ensure!(drawn == Value::Bool(true), "the QR code draws");
    page.shot("account").await?;
    Ok(())
}

/// The login page's `next=`: every hostile form falls back, a real path is kept (checked on
/// the storefront's own module, in the browser).
async fn next_is_same_origin_only(page: &Page) -> Result<()> {
    let verdicts = page
        .browser
        .exec(
            "return import('/js/safe-next.js').then(({ safeNext }) => {
               // As they would stand in the address, read the way the login page reads them.
               const bs = String.fromCharCode(92);
               const hostile = ['/%5Cevil.example', '/%09/evil.example', '//evil.example', '/' + bs + 'evil',
                 'javascript:alert(1)', 'https://evil.example/', '/%2F/evil.example', '%2F%2Fevil.example', ''];
               const bad = hostile.filter((raw) => {
                 const next = new URLSearchParams('next=' + raw).get('next');
                 return safeNext(next, 'FALLBACK') !== 'FALLBACK';
               });
               return { bad, kept: safeNext('/library/42?x=1#f', 'FALLBACK') };
             });",
            vec![],
        )
        .await?;
    ensure!(
        verdicts["bad"].as_array().is_some_and(|b| b.is_empty()),
        "followed a hostile next=: {verdicts}"
    );
    ensure!(verdicts["kept"] == "/library/42?x=1#f", "{verdicts}");
    Ok(())
}

/// One browser at a time: two Chromiums and two stores' workers on two cores make every
/// wait a race.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_beat_is_published_bought_and_shared_through_the_storefront() {
    let _one = ONE_BROWSER.lock().await;
    let app = TestApp::spawn().await;
    let browser = launch(1280, 900).await;
    let mut page = Page::new(browser, &app.address);
    let outcome = within(5, story(&app, &mut page)).await;
    finish(page, outcome, "storefront").await;
}

/// Issue 14: producer pages, covers, the share page, embeds, and what used to break, at a
/// desk and on a phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_producer_shares_their_page_and_every_link_works_at_a_desk_and_on_a_phone() {
    let _one = ONE_BROWSER.lock().await;
    let app = TestApp::spawn().await;
    let browser = launch(1366, 900).await;
    let mut page = Page::new(browser, &app.address);
    let outcome = within(6, storefront::story(&app, &mut page)).await;
    let outcome = and_no_script_errors(outcome, &page).await;
    finish(page, outcome, "producer-pages").await;
}

/// Issue 15: a guest's cart of two producers' beats, quoted with a bulk deal and a coupon to
/// the cent, checked out and paid once, every purchase in the library.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_fills_a_cart_from_two_producers_and_pays_once_at_the_quoted_prices() {
    let _one = ONE_BROWSER.lock().await;
    let app = TestApp::spawn().await;
    let browser = launch(1280, 900).await;
    let mut page = Page::new(browser, &app.address);
    let outcome = within(4, cart::story(&app, &mut page)).await;
    let outcome = and_no_script_errors(outcome, &page).await;
    finish(page, outcome, "cart").await;
}

/// Issue 11: the dashboard's uploads survive a dropped connection and a reload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_cut_off_or_reloaded_midway_resumes_from_the_stores_offset() {
    let _one = ONE_BROWSER.lock().await;
    let app = TestApp::spawn().await;
    let proxy = proxy::Proxy::start(&app.address);
    let browser = launch(1280, 900).await;
    let mut page = Page::new(browser, &proxy.origin);
    let outcome = within(5, resumable::story(&app, &mut page, &proxy)).await;
    let outcome = and_no_script_errors(outcome, &page).await;
    finish(page, outcome, "resumable-uploads").await;
}

async fn launch(width: u32, height: u32) -> Browser {
    match Browser::launch(width, height).await {
        Ok(browser) => browser,
        Err(error) => panic!("the browser test cannot run: {error:#}"),
    }
}

/// A story, failed if it outlasts `minutes`.
async fn within<T>(minutes: u64, story: impl Future<Output = Result<T>>) -> Result<()> {
    match tokio::time::timeout(Duration::from_secs(minutes * 60), story).await {
        Ok(outcome) => outcome.map(|_| ()),
        Err(_) => Err(anyhow!("the story did not finish within {minutes} minutes")),
    }
}

/// A story that passed, failed after all if the page's scripts threw on the way.
async fn and_no_script_errors(outcome: Result<()>, page: &Page) -> Result<()> {
    match outcome {
        Ok(()) => no_script_errors(page).await,
        Err(e) => Err(e),
    }
}

async fn no_script_errors(page: &Page) -> Result<()> {
    let errors: Vec<Value> = page
        .browser
        .console()
        .await?
        .into_iter()
        .filter(|entry| entry["source"] == "javascript")
        .collect();
    ensure!(
        errors.is_empty(),
        "script errors in the console: {errors:#?}"
    );
    Ok(())
}

/// Writes the artifacts of a failed run (or, when asked, the screenshots of a passing one).
async fn finish(page: Page, outcome: Result<()>, name: &str) {
    if let Err(error) = outcome {
        let dir = workspace().join(format!("test-artifacts/browser/{name}"));
        let dir = page.save_artifacts(&dir, &error).await;
        let _ = page.browser.quit().await;
        panic!(
            "{error:#}\n\nScreenshots of each page, the page's HTML and the browser console: {}",
            dir.display()
        );
    }
    let dir = workspace().join(format!("test-artifacts/browser/{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    if std::env::var_os("TRACKOUT_BROWSER_SCREENSHOTS").is_some() {
        page.save_shots(&dir);
    }
    page.browser.quit().await.expect("closing the browser");
}
