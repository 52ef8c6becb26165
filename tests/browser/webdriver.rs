//! Just enough of the W3C WebDriver protocol to drive headless Chromium through Debian's
//! `chromedriver`: JSON over HTTP with the reqwest client the suite already uses. (A WebDriver
//! crate would pull a second `http`, `cookie` and ICU's segmenter into the build for the dozen
//! commands used here.)

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine;
use serde_json::{Value, json};
use tempfile::TempDir;

/// The key under which WebDriver returns an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub const CHROMIUM: &str = "/usr/bin/chromium";

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// `chromedriver --port=<free port>`, in its own process group so that it and the browsers
/// it started are stopped together when this is dropped.
struct Chromedriver {
    child: Child,
    url: String,
}

impl Chromedriver {
    async fn start() -> Result<Chromedriver> {
        let binary = std::env::var_os("CHROMEDRIVER")
            .map(PathBuf::from)
            .or_else(|| find_on_path("chromedriver"))
            .filter(|path| path.is_file())
            .ok_or_else(|| {
                anyhow!(
                    "chromedriver is not installed: the browser test needs Debian's Chromium and its \
                     driver. Install them with `apt-get install -y chromium chromium-driver` \
                     (or set CHROMEDRIVER to the driver's path)"
                )
            })?;
        if !std::path::Path::new(CHROMIUM).is_file() {
            bail!(
                "{CHROMIUM} is missing: install Debian's `chromium` and `chromium-driver` packages"
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut command = Command::new(&binary);
        command
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let driver = Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let ready = client
                .get(format!("{}/status", driver.url))
                .send()
                .await
                .ok()
                .filter(|r| r.status().is_success());
            if let Some(response) = ready {
                let status: Value = response.json().await?;
                if status["value"]["ready"] == true {
                    return Ok(driver);
                }
            }
            if tokio::time::Instant::now() > deadline {
                bail!("chromedriver did not become ready on port {port} within 20 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The whole group: chromedriver and any Chromium it left running.
        #[cfg(unix)]
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A reference to an element on the current page.
#[derive(Clone, Debug)]
pub struct Element(String);

impl Element {
    pub fn from_json(value: &Value) -> Option<Element> {
        value
            .get(ELEMENT)
            .and_then(Value::as_str)
            .map(|id| Element(id.to_owned()))
    }

    pub fn to_json(&self) -> Value {
        json!({ ELEMENT: self.0 })
    }
}

/// One headless Chromium session with its own fresh profile.
pub struct Browser {
    http: reqwest::Client,
    session: String,
    _profile: TempDir,
    _driver: Chromedriver,
}

impl Browser {
    pub async fn launch(width: u32, height: u32) -> Result<Browser> {
        let driver = Chromedriver::start().await?;
        let profile = tempfile::tempdir()?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()?;
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--no-first-run".to_owned(),
            "--hide-scrollbars".to_owned(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        }}});
        let response = http
            .post(format!("{}/session", driver.url))
            .json(&capabilities)
            .send()
            .await
            .context("asking chromedriver for a session")?;
        let body: Value = response.json().await?;
        let id = body["value"]["sessionId"]
            .as_str()
            .ok_or_else(|| anyhow!("chromedriver could not start Chromium: {}", body["value"]))?;
        Ok(Browser {
            session: format!("{}/session/{id}", driver.url),
            http,
            _profile: profile,
            _driver: driver,
        })
    }

    async fn command(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value> {
        let mut request = self.http.request(method, format!("{}{path}", self.session));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.context("talking to chromedriver")?;
        let ok = response.status().is_success();
        let body: Value = response.json().await.context("chromedriver's answer")?;
        let value = body.get("value").cloned().unwrap_or(Value::Null);
        if !ok {
            bail!(
                "{}: {}",
                value["error"].as_str().unwrap_or("webdriver error"),
                value["message"]
                    .as_str()
                    .unwrap_or_default()
                    .lines()
                    .next()
                    .unwrap_or_default()
            );
        }
        Ok(value)
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value> {
        self.command(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn goto(&self, url: &str) -> Result<()> {
        self.post("/url", json!({ "url": url })).await.map(drop)
    }

    pub async fn back(&self) -> Result<()> {
        self.post("/back", json!({})).await.map(drop)
    }

    pub async fn forward(&self) -> Result<()> {
        self.post("/forward", json!({})).await.map(drop)
    }

    pub async fn current_url(&self) -> Result<String> {
        let value = self.command(reqwest::Method::GET, "/url", None).await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Runs `script` (a function body: use `arguments[i]` and `return`) in the page.
    pub async fn exec(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    pub async fn page_source(&self) -> Result<String> {
        let value = self.command(reqwest::Method::GET, "/source", None).await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// The element matching `css` if there is one now and it is visible.
    pub async fn visible(&self, css: &str) -> Result<Option<Element>> {
        let found = self
            .exec(
                "const el = document.querySelector(arguments[0]);
                 return el && el.getClientRects().length > 0 ? el : null;",
                vec![json!(css)],
            )
            .await?;
        Ok(Element::from_json(&found))
    }

    pub async fn click_element(&self, element: &Element) -> Result<()> {
        // Centre it first, so that neither the sticky header nor the player bar covers it.
        self.exec(
            "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});",
            vec![element.to_json()],
        )
        .await?;
        self.post(&format!("/element/{}/click", element.0), json!({}))
            .await
            .map(drop)
    }

    pub async fn clear_element(&self, element: &Element) -> Result<()> {
        self.post(&format!("/element/{}/clear", element.0), json!({}))
            .await
            .map(drop)
    }

    /// Types `text` into the element (for a file input: the path of the file to choose).
    pub async fn type_into(&self, element: &Element, text: &str) -> Result<()> {
        self.post(
            &format!("/element/{}/value", element.0),
            json!({ "text": text }),
        )
        .await
        .map(drop)
    }

    pub async fn set_window(&self, width: u32, height: u32) -> Result<()> {
        self.post("/window/rect", json!({ "width": width, "height": height }))
            .await
            .map(drop)
    }

    /// The window's `(width, height)`.
    pub async fn window_size(&self) -> Result<(u32, u32)> {
        let rect = self
            .command(reqwest::Method::GET, "/window/rect", None)
            .await?;
        let get = |key: &str| rect[key].as_u64().unwrap_or(0) as u32;
        Ok((get("width"), get("height")))
    }

    pub async fn screenshot(&self) -> Result<Vec<u8>> {
        let value = self
            .command(reqwest::Method::GET, "/screenshot", None)
            .await?;
        decode_png(&value)
    }

    pub async fn element_screenshot(&self, element: &Element) -> Result<Vec<u8>> {
        let value = self
            .command(
                reqwest::Method::GET,
                &format!("/element/{}/screenshot", element.0),
                None,
            )
            .await?;
        decode_png(&value)
    }

    /// The browser's console since the last call (chromedriver's log extension).
    pub async fn console(&self) -> Result<Vec<Value>> {
        let value = self.post("/se/log", json!({ "type": "browser" })).await?;
        Ok(value.as_array().cloned().unwrap_or_default())
    }

    pub async fn quit(&self) -> Result<()> {
        self.command(reqwest::Method::DELETE, "", None)
            .await
            .map(drop)
    }
}

fn decode_png(value: &Value) -> Result<Vec<u8>> {
    let text = value
        .as_str()
        .ok_or_else(|| anyhow!("no screenshot in the answer"))?;
    Ok(base64::engine::general_purpose::STANDARD.decode(text)?)
}
