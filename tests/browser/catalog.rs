//! The artist in the catalog: filters that live in the address, the back button, the player.

use anyhow::{Result, anyhow, ensure};
use serde_json::json;
use uuid::Uuid;

use super::page::{Page, WAIT};
use super::{readme, readme_screenshots, webdriver};

/// Chooses the option `value` of the select `css`, as a click on that option.
pub(super) async fn choose(page: &Page, css: &str, value: &str) -> Result<()> {
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

pub(super) async fn titles_are(page: &Page, what: &str, titles: &[&str]) -> Result<()> {
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
pub(super) async fn artist_finds_and_plays(page: &mut Page, beat: Uuid) -> Result<()> {
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
    titles_are(page, "the trap beat in A minor", &["Velvet Hours"]).await?;
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
        "return location.search === '' && document.querySelector('select[name=genre]').value === ''
         && document.querySelector('input[name=bpm_min]').value === ''",
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
    titles_are(page, "only the trap beat again", &["Velvet Hours"]).await?;

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
        readme::tidy(page).await?;
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

/// A phone: the catalog fits the width and the filters fold behind a button.
pub(super) async fn fits_a_phone(page: &mut Page) -> Result<()> {
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
