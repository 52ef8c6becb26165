//! The storefront in a real browser: headless Chromium (Debian's `chromium` and
//! `chromium-driver`) driven over WebDriver through the whole story. A producer signs up,
//! uploads a master, a voice tag and a trackout, reads the check report, fixes the trackout
//! and publishes; an artist finds the beat through the filters, plays the preview, buys on
//! the development payment page, downloads the bundle and shares it; the engineer opens the
//! share page and downloads a stem.
//!
//! On failure the screenshots of every page seen, the page's HTML and the browser's console
//! are written to `test-artifacts/browser/`. With `TRACKOUT_README_SCREENSHOTS=1` the run also
//! writes the README's screenshots to `docs/screenshots/`.

mod page;
mod webdriver;

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, ensure};
use reqwest::StatusCode;
use serde_json::{Value, json};
use trackout_tests::app::Account;
use trackout_tests::{TestApp, fixtures};
use uuid::Uuid;

use page::{Page, WAIT};
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

/// A trackout a mixing engineer would send back: one stem ends early (an error), one has a
/// default name and another bit depth (warnings).
fn flawed_trackout() -> Vec<u8> {
    let stem = |seconds, freq| fixtures::sine_wav(44_100, 2, 24, seconds, freq, 0.5);
    fixtures::zip_of(&[
        ("Velvet Hours/Kick.wav", stem(3.0, 55.0)),
        ("Velvet Hours/808.wav", stem(3.0, 41.2)),
        ("Velvet Hours/Hi Hats.wav", stem(2.5, 8_000.0)),
        (
            "Velvet Hours/Audio 01.wav",
            fixtures::sine_wav(44_100, 2, 16, 3.0, 440.0, 0.3),
        ),
    ])
}

struct Files {
    _dir: tempfile::TempDir,
    master: PathBuf,
    voice_tag: PathBuf,
    flawed: PathBuf,
    trackout: PathBuf,
}

/// The producer's files, on disk where the browser's file picker can take them.
fn files() -> Result<Files> {
    let dir = tempfile::tempdir()?;
    let write = |name: &str, bytes: Vec<u8>| -> Result<PathBuf> {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes)?;
        Ok(path)
    };
    Ok(Files {
        master: write(
            "Velvet Hours (Master).wav",
            fixtures::sine_wav(44_100, 2, 24, 8.0, 220.0, 0.5),
        )?,
        voice_tag: write("Tag.wav", fixtures::voice_tag())?,
        flawed: write("Velvet Hours Stems.zip", flawed_trackout())?,
        trackout: write(
            "Velvet Hours Stems (fixed).zip",
            fixtures::good_trackout_of(3.0),
        )?,
        _dir: dir,
    })
}

/// Another producer's beat, published through the API, so that the catalog has something
/// for the filters to leave out.
async fn publish_beat(app: &TestApp, producer: &Account, meta: Value) -> Result<Uuid> {
    let beat = app.create_beat(producer, &meta).await;
    let id: Uuid = beat["id"].as_str().context("beat id")?.parse()?;
    let master = app
        .upload(producer, id, "master", "audio/wav", fixtures::master())
        .await;
    ensure!(master.status() == StatusCode::ACCEPTED, "master upload");
    let trackout = app
        .upload(
            producer,
            id,
            "trackout",
            "application/zip",
            fixtures::good_trackout(),
        )
        .await;
    ensure!(trackout.status() == StatusCode::ACCEPTED, "trackout upload");
    app.wait_for_processing(producer, id, PROCESSING, |p| {
        p["check"]["state"] == "passed"
            && p["deliverables"].as_array().is_some_and(|d| {
                d.len() >= 5 && d.iter().all(|d| d["state"] == "done")
            })
    })
    .await;
    let published = app
        .post(
            &format!("/api/v1/beats/{id}/publish"),
            Some(&producer.token),
            &json!({}),
        )
        .await;
    ensure!(published.status() == StatusCode::OK, "publishing {meta}");
    Ok(id)
}

async fn seed_catalog(app: &TestApp) -> Result<()> {
    let producer = app.register("producer").await;
    let mut beats = vec![json!({"title": "Sunday Service", "bpm": 92, "key": "C maj",
        "genre": "R&B", "moods": ["smooth"], "tags": ["keys"]})];
    if readme_screenshots().is_some() {
        beats.extend([
            json!({"title": "Cold Money", "bpm": 144, "key": "F# min", "genre": "Drill",
                "moods": ["aggressive"], "tags": ["slide", "uk"]}),
            json!({"title": "Sunset Lane", "bpm": 104, "key": "E min", "genre": "Afrobeats",
                "moods": ["happy"], "tags": ["guitar"]}),
            json!({"title": "Ghost Town", "bpm": 88, "key": "D min", "genre": "Hip Hop",
                "moods": ["dark", "sad"], "tags": ["boom bap"]}),
            json!({"title": "Neon Lights", "bpm": 120, "key": "G maj", "genre": "Pop",
                "moods": ["energetic"], "tags": ["synth"]}),
        ]);
    }
    for beat in beats {
        publish_beat(app, &producer, beat).await?;
    }
    Ok(())
}

async fn sign_up(page: &Page, role: &str, name: &str, email: &str) -> Result<()> {
    page.open("/signup").await?;
    page.click(&format!("input[name=role][value={role}]")).await?;
    page.fill("input[name=display_name]", name).await?;
    page.fill("input[name=email]", email).await?;
    page.fill("input[name=password]", PASSWORD).await?;
    page.click("form button[type=submit]").await
}

async fn upload(page: &Page, kind: &str, file: &Path) -> Result<()> {
    page.choose_file(&format!("#file-{kind}"), file).await?;
    page.click(&format!("#upload-{kind}")).await?;
    page.wait_text(&format!("#status-{kind}"), "uploaded", PROCESSING)
        .await?;
    let progress = page
        .property(&format!("form[data-kind={kind}] progress"), "value")
        .await?;
    ensure!(progress == "100", "the {kind} progress bar ends at {progress}");
    Ok(())
}

/// The producer: sign up, create the beat, upload, read the report, fix, price, publish.
async fn producer_publishes(page: &mut Page, files: &Files, email: &str) -> Result<Uuid> {
    sign_up(page, "producer", "Night Shift", email).await?;
    page.wait_path("/dashboard").await?;
    page.click("#new-beat").await?;
    page.wait_path("/dashboard/new").await?;
    page.fill("#beat-form input[name=title]", "Velvet Hours").await?;
    page.fill("#beat-form input[name=bpm]", "140").await?;
    page.fill("#beat-form input[name=key]", "A min").await?;
    page.fill("#beat-form input[name=genre]", "Trap").await?;
    page.fill("#beat-form input[name=moods]", "dark, night").await?;
    page.fill("#beat-form input[name=tags]", "808, piano").await?;
    page.click("#save-beat").await?;
    let path = page.wait_path("/dashboard/beats/").await?;
    let beat: Uuid = path["/dashboard/beats/".len()..]
        .split('?')
        .next()
        .unwrap_or_default()
        .parse()
        .with_context(|| format!("a beat id in {path}"))?;
    page.shot("new-draft").await?;

    upload(page, "master", &files.master).await?;
    upload(page, "voice_tag", &files.voice_tag).await?;
    upload(page, "trackout", &files.flawed).await?;

    // The report: the stem with the error comes first and says what to fix.
    page.wait_visible_for("#check-report[data-state=failed]", PROCESSING)
        .await?;
    let first = page
        .property("#findings .finding-group", "textContent")
        .await?;
    ensure!(
        first.contains("Hi Hats") && first.contains("shorter than the longest stem"),
        "the first group of findings is the short stem's: {first}"
    );
    ensure!(first.contains("How to fix"), "findings say how to fix: {first}");
    page.wait_visible("#findings [data-code=generic_name]").await?;
    page.wait_visible("#findings [data-code=bit_depth_mismatch]")
        .await?;
    let stems = page
        .browser
        .exec(
            "return document.querySelectorAll('#stems-table tbody tr').length",
            vec![],
        )
        .await?;
    ensure!(stems == 4, "the stems table lists every stem ({stems})");
    page.wait_text("#master-loudness", "LUFS", WAIT).await?;
    page.shot("check-report").await?;
    if let Some(dir) = readme_screenshots() {
        readme_shot(page, "#report", &dir.join("check-report.png")).await?;
    }

    // Publishing is refused, with the errors in words.
    page.click("#publish").await?;
    page.wait_text("#publish-problems", "shorter than the longest stem", WAIT)
        .await?;
    page.shot("publish-refused").await?;

    // The fixed trackout passes; every file is rendered; prices are set; it goes on sale.
    upload(page, "trackout", &files.trackout).await?;
    page.wait_visible_for("#check-report[data-state=passed]", PROCESSING)
        .await?;
    page.wait_js(
        "every processing step to be done",
        PROCESSING,
        "const b = [...document.querySelectorAll('#processing-steps .badge')];
         return b.length >= 6 && b.every(x => ['done', 'passed'].includes(x.dataset.state));",
        vec![],
    )
    .await?;
    page.fill("input[name='mp3_lease.price']", "24.99").await?;
    page.click("#save-tiers").await?;
    page.wait_text("#toasts", "Tiers and prices saved", WAIT)
        .await?;
    page.click("#publish").await?;
    page.wait_text("#beat-status", "Published", WAIT).await?;
    page.shot("published").await?;
    Ok(beat)
}

/// Chooses the option `value` of the select `css`, as a click on that option.
async fn choose(page: &Page, css: &str, value: &str) -> Result<()> {
    page.wait_visible(css).await?;
    let option = page
        .browser
        .exec(
            "return [...document.querySelector(arguments[0]).options].find(o => o.value === arguments[1]) || null;",
            vec![json!(css), json!(value)],
        )
        .await?;
    let option = webdriver::Element::from_json(&option)
        .ok_or_else(|| anyhow!("no option {value} in {css}"))?;
    page.browser.click_element(&option).await
}

async fn titles_are(page: &Page, what: &str, titles: &[&str]) -> Result<()> {
    page.wait_js(
        what,
        WAIT,
        "const shown = [...document.querySelectorAll('#results .beat-card__title')].map(e => e.textContent);
         return !document.querySelector('#results[aria-busy]') && JSON.stringify(shown) === JSON.stringify(arguments[0]);",
        vec![json!(titles)],
    )
    .await
    .map(drop)
}

/// The artist: find the beat with the filters (and the back button), play and seek the preview.
async fn artist_finds_and_plays(page: &mut Page, beat: Uuid) -> Result<()> {
    page.wait_js(
        "the catalog after signing up",
        WAIT,
        "return location.pathname === '/'",
        vec![],
    )
    .await?;
    page.wait_js(
        "the catalog to list both beats",
        WAIT,
        "return document.querySelectorAll('#results .beat-card').length >= 2",
        vec![],
    )
    .await?;
    choose(page, "select[name=genre]", "trap").await?;
    page.wait_path("/?genre=trap").await?;
    titles_are(page, "only the trap beat", &["Velvet Hours"]).await?;
    choose(page, "select[name=key]", "A min").await?;
    page.wait_path("/?genre=trap&key=A+min").await?;
    titles_are(page, "the trap beat in A minor", &["Velvet Hours"])
        .await?;
    page.fill("input[name=bpm_min]", "150").await?;
    titles_are(page, "nothing at 150 BPM and up", &[]).await?;
    page.wait_visible("#results .empty").await?;
    // Back: the filters come back from the address.
    page.browser.back().await?;
    page.wait_js(
        "the key filter to be back",
        WAIT,
        "return location.search === '?genre=trap&key=A+min' && document.querySelector('select[name=key]').value === 'A min'",
        vec![],
    )
    .await?;
    page.browser.back().await?;
    page.browser.back().await?;
    page.wait_js(
        "the genre filter to be cleared",
        WAIT,
        "return location.search === '' && document.querySelector('select[name=genre]').value === ''",
        vec![],
    )
    .await?;
    page.browser.forward().await?;
    page.wait_js(
        "the genre filter to be back",
        WAIT,
        "return document.querySelector('select[name=genre]').value === 'trap'",
        vec![],
    )
    .await?;
    titles_are(page, "only the trap beat again", &["Velvet Hours"])
        .await?;

    // Play, see the waveform, seek to the middle by clicking it, pause.
    page.click(&format!(".beat-card[data-beat='{beat}'] .beat-card__play"))
        .await?;
    page.wait_js(
        "the preview to play",
        WAIT,
        "const a = document.querySelector('#player audio');
         return document.querySelector('#player').dataset.state === 'playing' && a.currentTime > 0.2;",
        vec![],
    )
    .await?;
    page.wait_visible("#player .waveform[data-peaks=loaded]")
        .await?;
    page.click("#player .waveform").await?;
    page.wait_js(
        "a click in the middle of the waveform to seek to the middle",
        WAIT,
        "const a = document.querySelector('#player audio');
         return a.duration > 0 && Math.abs(a.currentTime - a.duration / 2) < 1.2 ? a.currentTime : null;",
        vec![],
    )
    .await?;
    page.shot("catalog-playing").await?;
    if let Some(dir) = readme_screenshots() {
        choose(page, "select[name=genre]", "").await?;
        page.wait_js(
            "the whole catalog",
            WAIT,
            "return document.querySelectorAll('#results .beat-card').length >= 6",
            vec![],
        )
        .await?;
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("catalog.png"), page.browser.screenshot().await?)?;
    }
    page.click("#player-toggle").await?;
    page.wait_js(
        "the preview to pause",
        WAIT,
        "return document.querySelector('#player').dataset.state === 'paused'",
        vec![],
    )
    .await?;
    Ok(())
}

async fn download(app: &TestApp, url: &str) -> Result<Vec<u8>> {
    let response = app.client.get(url).send().await?;
    ensure!(
        response.status() == StatusCode::OK,
        "{url} answered {}",
        response.status()
    );
    Ok(response.bytes().await?.to_vec())
}

/// The artist: buy the trackout lease, wait for the files, download the bundle and license.
async fn artist_buys(app: &TestApp, page: &mut Page, beat: Uuid) -> Result<Uuid> {
    page.click(&format!(".beat-card[data-beat='{beat}'] .beat-card__title"))
        .await?;
    page.wait_path(&format!("/beats/{beat}")).await?;
    let mp3 = page
        .property("[data-tier=mp3_lease]", "textContent")
        .await?;
    ensure!(
        mp3.contains("$24.99") && mp3.contains("Up to 5,000 copies") && mp3.contains("5 years"),
        "the MP3 lease in words: {mp3}"
    );
    let trackout = page
        .property("[data-tier=trackout_lease]", "textContent")
        .await?;
    ensure!(
        trackout.contains("every stem as WAV"),
        "the trackout lease says it has the stems: {trackout}"
    );
    page.shot("beat").await?;
    page.click("#buy-trackout_lease").await?;
    page.wait_path("/pay/dev/").await?;
    page.shot("dev-payment").await?;
    page.click("#pay").await?;
    let path = page.wait_path("/library/").await?;
    ensure!(
        path.ends_with("?checkout=success"),
        "the payment returns to {path}"
    );
    let purchase: Uuid = path["/library/".len()..]
        .split('?')
        .next()
        .unwrap_or_default()
        .parse()?;
    page.wait_text("#checkout-status", "Thank you", PROCESSING)
        .await?;
    page.shot("purchase").await?;

    let bundle = page
        .property("#main-files a[data-file=bundle]", "href")
        .await?;
    let zip = zip::ZipArchive::new(Cursor::new(download(app, &bundle).await?))
        .context("the bundle is a zip")?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|name| name.ok().map(|n| n.into_owned()))
        .collect();
    for wanted in ["Kick.wav", "808.wav", "Hi Hats.wav", "Piano.wav", "LICENSE.pdf"] {
        ensure!(
            names.iter().any(|n| n.ends_with(&format!("/{wanted}"))),
            "{wanted} in the bundle: {names:?}"
        );
    }
    let license = page
        .property("#license-files a[data-file='license.pdf']", "href")
        .await?;
    ensure!(
        download(app, &license).await?.starts_with(b"%PDF"),
        "the license is a PDF"
    );
    Ok(purchase)
}

/// The artist shares the stems; the engineer downloads one; the artist sees it counted.
async fn engineer_gets_a_stem(app: &TestApp, page: &mut Page, purchase: Uuid) -> Result<()> {
    page.fill("#sharing input[name=label]", "Mix engineer — Sam")
        .await?;
    page.click("#create-share").await?;
    let link = page.property("#share-url", "value").await?;
    ensure!(
        link.starts_with(&format!("{}/s/", page.origin)),
        "an absolute share link: {link}"
    );
    page.click("#copy-share").await?;
    page.wait_js(
        "the copy button to answer",
        WAIT,
        "return document.querySelector('#new-share [role=status]').textContent",
        vec![],
    )
    .await?;
    page.wait_text("#shares", "0 downloads", WAIT).await?;
    page.shot("shared").await?;

    page.browser.goto(&link).await?;
    page.wait_text("table", "Kick.wav", WAIT).await?;
    let row = page
        .wait_js(
            "the Kick row",
            WAIT,
            "const row = [...document.querySelectorAll('tbody tr')].find(r => r.textContent.includes('Kick.wav'));
             return row && row.querySelector('a') ? [row.textContent, row.querySelector('a').href] : null;",
            vec![],
        )
        .await?;
    let text = row[0].as_str().unwrap_or_default();
    ensure!(
        text.contains("kick") && text.contains("KB"),
        "the stem's role and size: {text}"
    );
    page.shot("share-page").await?;
    let stem = download(app, row[1].as_str().unwrap_or_default()).await?;
    ensure!(
        stem.starts_with(b"RIFF") && stem.get(8..12) == Some(b"WAVE".as_slice()),
        "the stem is a WAV"
    );

    page.open(&format!("/library/{purchase}")).await?;
    page.wait_text("#shares", "1 download", WAIT).await?;
    page.open("/library").await?;
    page.wait_visible(&format!(
        ".purchase[data-purchase='{purchase}'] a[data-file=bundle]"
    ))
    .await?;
    page.shot("library").await?;
    Ok(())
}

async fn producer_sees_the_sale(page: &mut Page, email: &str) -> Result<()> {
    page.click("#logout").await?;
    page.wait_visible("nav a[href='/login']").await?;
    page.open("/login").await?;
    page.fill("input[name=email]", email).await?;
    page.fill("input[name=password]", PASSWORD).await?;
    page.click("form button[type=submit]").await?;
    page.wait_path("/dashboard").await?;
    page.wait_text("#sales-count", "1", WAIT).await?;
    page.wait_text("#recent-sales", "Luna Ray", WAIT).await?;
    page.shot("dashboard").await?;
    Ok(())
}

/// A phone: the catalog fits the width and the filters fold behind a button.
async fn fits_a_phone(page: &mut Page) -> Result<()> {
    page.browser.set_window(390, 844).await?;
    page.open("/").await?;
    page.wait_visible("#results .beat-card").await?;
    let fits = page
        .browser
        .exec(
            "return document.documentElement.scrollWidth <= window.innerWidth",
            vec![],
        )
        .await?;
    ensure!(fits == true, "the catalog scrolls sideways on a phone");
    ensure!(
        page.browser.visible("#filters").await?.is_none(),
        "filters folded"
    );
    page.click(".filters-toggle").await?;
    page.wait_visible("#filters select[name=genre]").await?;
    page.shot("catalog-phone").await?;
    Ok(())
}

/// Saves a screenshot of the element `css` for the README, in a tall window so it fits.
async fn readme_shot(page: &Page, css: &str, path: &Path) -> Result<()> {
    let height = page
        .browser
        .exec(
            "return Math.ceil(document.querySelector(arguments[0]).getBoundingClientRect().height)",
            vec![json!(css)],
        )
        .await?
        .as_u64()
        .unwrap_or(900);
    page.browser
        .set_window(1280, (height as u32 + 300).max(900))
        .await?;
    let element = page.wait_visible(css).await?;
    page.browser
        .exec(
            "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -80);",
            vec![webdriver::Element::to_json(&element)],
        )
        .await?;
    let png = page.browser.element_screenshot(&element).await?;
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
    std::fs::write(path, png)?;
    page.browser.set_window(1280, 900).await
}

async fn story(app: &TestApp, page: &mut Page) -> Result<()> {
    let files = files()?;
    seed_catalog(app).await?;
    let producer = format!("night-shift-{}@example.com", Uuid::new_v4().simple());
    let beat = producer_publishes(page, &files, &producer).await?;
    page.click("#logout").await?;
    page.wait_visible("nav a[href='/signup']").await?;

    let artist = format!("luna-{}@example.com", Uuid::new_v4().simple());
    sign_up(page, "artist", "Luna Ray", &artist).await?;
    artist_finds_and_plays(page, beat).await?;
    let purchase = artist_buys(app, page, beat).await?;
    engineer_gets_a_stem(app, page, purchase).await?;
    producer_sees_the_sale(page, &producer).await?;
    fits_a_phone(page).await?;

    // No script error anywhere along the way.
    let errors: Vec<Value> = page
        .browser
        .console()
        .await?
        .into_iter()
        .filter(|entry| entry["source"] == "javascript")
        .collect();
    ensure!(errors.is_empty(), "script errors in the console: {errors:#?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_beat_is_published_bought_and_shared_through_the_storefront() {
    let app = TestApp::spawn().await;
    let browser = match Browser::launch(1280, 900).await {
        Ok(browser) => browser,
        Err(error) => panic!("the browser test cannot run: {error:#}"),
    };
    let mut page = Page::new(browser, &app.address);
    let outcome = match tokio::time::timeout(Duration::from_secs(300), story(&app, &mut page)).await
    {
        Ok(outcome) => outcome,
        Err(_) => Err(anyhow!("the story did not finish within 5 minutes")),
    };
    if let Err(error) = outcome {
        let dir = workspace().join("test-artifacts/browser/storefront");
        let dir = page.save_artifacts(&dir, &error).await;
        let _ = page.browser.quit().await;
        panic!(
            "{error:#}\n\nScreenshots of each page, the page's HTML and the browser console: {}",
            dir.display()
        );
    }
    page.browser.quit().await.expect("closing the browser");
}
