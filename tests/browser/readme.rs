//! The README's screenshots, made along the way when `TRACKOUT_README_SCREENSHOTS` is set.

use std::path::Path;

use anyhow::Result;
use serde_json::json;

use super::page::Page;
use super::webdriver;

/// The page as a visitor first sees it: at the top, no focus ring, no notices.
pub(super) async fn tidy(page: &Page) -> Result<()> {
    page.browser
        .exec(
            "document.activeElement?.blur(); window.scrollTo(0, 0);
             document.querySelectorAll('.toast').forEach(t => t.remove());",
            vec![],
        )
        .await
        .map(drop)
}

/// Saves a screenshot of the element `css` for the README, in a tall window so it fits.
pub(super) async fn element(page: &Page, css: &str, path: &Path) -> Result<()> {
    tidy(page).await?;
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
