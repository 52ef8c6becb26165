//! What a test does with a page, as a person would: wait for something to show, click it,
//! type into it. Every wait polls a condition until a timeout (never a fixed sleep), and the
//! pages seen along the way are kept as screenshots, written out only if the test fails.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::webdriver::{Browser, Element};

pub const WAIT: Duration = Duration::from_secs(20);

pub struct Page {
    pub browser: Browser,
    /// `http://127.0.0.1:<port>` of the store under test.
    pub origin: String,
    shots: Vec<(String, Vec<u8>)>,
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

impl Page {
    pub fn new(browser: Browser, origin: &str) -> Page {
        Page {
            browser,
            origin: origin.to_owned(),
            shots: Vec::new(),
        }
    }

    pub async fn open(&self, path: &str) -> Result<()> {
        self.browser.goto(&format!("{}{path}", self.origin)).await
    }

    /// The current path and query, e.g. `/library/…?checkout=success`.
    pub async fn location(&self) -> Result<String> {
        let url = self.browser.current_url().await?;
        Ok(url.strip_prefix(&self.origin).unwrap_or(&url).to_owned())
    }

    /// Polls `script` until it returns something truthy, and returns that.
    pub async fn wait_js(
        &self,
        what: &str,
        timeout: Duration,
        script: &str,
        args: Vec<Value>,
    ) -> Result<Value> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let value = self.browser.exec(script, args.clone()).await?;
            if truthy(&value) {
                return Ok(value);
            }
            if tokio::time::Instant::now() > deadline {
                bail!(
                    "timed out after {timeout:?} waiting for {what} (on {}; last answer {value})",
                    self.location().await.unwrap_or_default()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn wait_visible(&self, css: &str) -> Result<Element> {
        self.wait_visible_for(css, WAIT).await
    }

    pub async fn wait_visible_for(&self, css: &str, timeout: Duration) -> Result<Element> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(element) = self.browser.visible(css).await? {
                return Ok(element);
            }
            if tokio::time::Instant::now() > deadline {
                bail!(
                    "timed out after {timeout:?} waiting for `{css}` to show (on {})",
                    self.location().await.unwrap_or_default()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the text of `css` contains `needle`; returns the whole text.
    pub async fn wait_text(&self, css: &str, needle: &str, timeout: Duration) -> Result<String> {
        let found = self
            .wait_js(
                &format!("`{css}` to say “{needle}”"),
                timeout,
                "const el = document.querySelector(arguments[0]);
                 return el && el.textContent.includes(arguments[1]) ? el.textContent : null;",
                vec![json!(css), json!(needle)],
            )
            .await?;
        Ok(found.as_str().unwrap_or_default().to_owned())
    }

    pub async fn wait_path(&self, prefix: &str) -> Result<String> {
        let found = self
            .wait_js(
                &format!("the address to start with {prefix}"),
                WAIT,
                "const here = location.pathname + location.search;
                 return here.startsWith(arguments[0]) ? here : null;",
                vec![json!(prefix)],
            )
            .await?;
        Ok(found.as_str().unwrap_or_default().to_owned())
    }

    /// Clicks `css` once it shows (retrying while something else still covers it).
    pub async fn click(&self, css: &str) -> Result<()> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let element = self.wait_visible(css).await?;
            match self.browser.click_element(&element).await {
                Ok(()) => return Ok(()),
                Err(e) if tokio::time::Instant::now() < deadline => {
                    tracing::debug!("retrying a click on {css}: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e).with_context(|| format!("clicking `{css}`")),
            }
        }
    }

    /// Replaces the content of the field `css` with `text`, typed as keys.
    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let element = self.wait_visible(css).await?;
        self.browser.clear_element(&element).await?;
        self.browser
            .type_into(&element, text)
            .await
            .with_context(|| format!("typing into `{css}`"))
    }

    /// Chooses `file` in the file input `css`.
    pub async fn choose_file(&self, css: &str, file: &Path) -> Result<()> {
        let element = self.wait_visible(css).await?;
        self.browser
            .type_into(&element, &file.display().to_string())
            .await
    }

    /// A property of the first element matching `css` (`href`, `value`, `textContent`…).
    pub async fn property(&self, css: &str, name: &str) -> Result<String> {
        self.wait_visible(css).await?;
        let value = self
            .browser
            .exec(
                "return String(document.querySelector(arguments[0])[arguments[1]] ?? '');",
                vec![json!(css), json!(name)],
            )
            .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Keeps a screenshot of the whole page as it is now, named for the step (the window
    /// grows to the page's height for it, then returns to its size).
    pub async fn shot(&mut self, name: &str) -> Result<()> {
        let png = self.full_page_screenshot().await?;
        self.shots.push((name.to_owned(), png));
        Ok(())
    }

    async fn full_page_screenshot(&self) -> Result<Vec<u8>> {
        let (width, height) = self.browser.window_size().await?;
        let page_height = self
            .browser
            .exec("return document.documentElement.scrollHeight", vec![])
            .await?
            .as_u64()
            .unwrap_or(0) as u32;
        // The window is taller than its viewport by the browser's own frame.
        let full = (page_height + 100).clamp(height, 6000);
        if full == height {
            return self.browser.screenshot().await;
        }
        self.browser.set_window(width, full).await?;
        let png = self.browser.screenshot().await;
        self.browser.set_window(width, height).await?;
        png
    }

    /// Writes every kept screenshot to `dir`, numbered in the order they were taken.
    pub fn save_shots(&self, dir: &Path) {
        let _ = std::fs::create_dir_all(dir);
        for (i, (name, png)) in self.shots.iter().enumerate() {
            let _ = std::fs::write(dir.join(format!("{:02}-{name}.png", i + 1)), png);
        }
    }

    /// Writes every kept screenshot, the page as it is now (screenshot and HTML) and the
    /// browser's console to `dir`, for a failed run.
    pub async fn save_artifacts(&self, dir: &Path, error: &anyhow::Error) -> PathBuf {
        let _ = std::fs::remove_dir_all(dir);
        self.save_shots(dir);
        if let Ok(png) = self.full_page_screenshot().await {
            let _ = std::fs::write(dir.join("failure.png"), png);
        }
        if let Ok(html) = self.browser.page_source().await {
            let _ = std::fs::write(dir.join("failure.html"), html);
        }
        let console = self.browser.console().await.unwrap_or_default();
        let log: String = console.iter().map(|entry| format!("{entry}\n")).collect();
        let _ = std::fs::write(dir.join("console.log"), log);
        let _ = std::fs::write(
            dir.join("error.txt"),
            format!(
                "{error:#}\n\nat {}\n",
                self.location().await.unwrap_or_default()
            ),
        );
        dir.to_owned()
    }
}
