//! Buying through the development payment page, the downloads, and sharing with an engineer.

use std::io::Cursor;

use anyhow::{Context, Result, ensure};
use reqwest::StatusCode;
use trackout_tests::TestApp;
use uuid::Uuid;

use super::PROCESSING;
use super::page::{Page, WAIT};

pub(super) async fn download(app: &TestApp, url: &str) -> Result<Vec<u8>> {
    let response = app.client.get(url).send().await?;
    ensure!(
        response.status() == StatusCode::OK,
        "{url} answered {}",
        response.status()
    );
    Ok(response.bytes().await?.to_vec())
}

/// The artist: buy the trackout lease, wait for the files, download the bundle and license.
pub(super) async fn artist_buys(app: &TestApp, page: &mut Page, beat: Uuid) -> Result<Uuid> {
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
    for wanted in [
        "Kick.wav",
        "808.wav",
        "Hi Hats.wav",
        "Piano.wav",
        "LICENSE.pdf",
    ] {
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
pub(super) async fn engineer_gets_a_stem(
    app: &TestApp,
    page: &mut Page,
    purchase: Uuid,
) -> Result<()> {
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
        // Eight seconds of 24-bit stereo at 44.1 kHz: 2,116,800 bytes of samples.
        text.contains("kick") && text.contains("2.0 MB"),
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
