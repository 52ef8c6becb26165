//! Reading mail as a mail client would: headers, the multipart/alternative parts, their
//! transfer encodings (7bit, quoted-printable, base64), and the links in the text.

use base64::Engine;

/// One message as it arrived (over SMTP or in an `.eml` file).
#[derive(Debug, Clone)]
pub struct MailMessage {
    pub raw: String,
    /// SMTP envelope recipients (empty for a file).
    pub envelope_to: Vec<String>,
}

fn unfold_headers(head: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n").flat_map(|l| l.split('\n')) {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            out.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    out
}

fn split_head(text: &str) -> (&str, &str) {
    if let Some(i) = text.find("\r\n\r\n") {
        (&text[..i], &text[i + 4..])
    } else if let Some(i) = text.find("\n\n") {
        (&text[..i], &text[i + 2..])
    } else {
        (text, "")
    }
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) in a header value.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("=?") {
        out.push_str(&rest[..start]);
        let word = &rest[start + 2..];
        let parts: Vec<&str> = word.splitn(3, '?').collect();
        if parts.len() == 3
            && let Some(end) = parts[2].find("?=")
        {
            let (encoding, text) = (parts[1], &parts[2][..end]);
            let bytes = if encoding.eq_ignore_ascii_case("b") {
                base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .unwrap_or_default()
            } else {
                quoted_printable(&text.replace('_', " ")).into_bytes()
            };
            out.push_str(&String::from_utf8_lossy(&bytes));
            rest = &parts[2][end + 2..];
            // Whitespace between two encoded words is not part of the text.
            if rest.trim_start().starts_with("=?") {
                rest = rest.trim_start();
            }
            continue;
        }
        out.push_str("=?");
        rest = word;
    }
    out.push_str(rest);
    out
}

/// Quoted-printable to text (soft line breaks removed, `=XX` decoded as UTF-8 bytes).
pub fn quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn decode_body(headers: &[(String, String)], body: &str) -> String {
    let encoding = headers
        .iter()
        .find(|(n, _)| n == "content-transfer-encoding")
        .map(|(_, v)| v.to_ascii_lowercase())
        .unwrap_or_default();
    match encoding.as_str() {
        "quoted-printable" => quoted_printable(body),
        "base64" => {
            let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            String::from_utf8_lossy(
                &base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .unwrap_or_default(),
            )
            .into_owned()
        }
        _ => body.to_owned(),
    }
}

impl MailMessage {
    pub fn parse(raw: impl Into<String>, envelope_to: Vec<String>) -> MailMessage {
        MailMessage {
            raw: raw.into(),
            envelope_to,
        }
    }

    fn headers(&self) -> Vec<(String, String)> {
        unfold_headers(split_head(&self.raw).0)
    }

    pub fn header(&self, name: &str) -> Option<String> {
        let name = name.to_ascii_lowercase();
        self.headers()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| decode_words(&v))
    }

    pub fn subject(&self) -> String {
        self.header("subject").unwrap_or_default()
    }

    /// The address in `To:` (without a display name).
    pub fn to(&self) -> String {
        let to = self.header("to").unwrap_or_default();
        match (to.rfind('<'), to.rfind('>')) {
            (Some(a), Some(b)) if a < b => to[a + 1..b].to_owned(),
            _ => to.trim().to_owned(),
        }
    }

    /// Each part's content type and decoded body.
    pub fn parts(&self) -> Vec<(String, String)> {
        let headers = self.headers();
        let body = split_head(&self.raw).1;
        let content_type = headers
            .iter()
            .find(|(n, _)| n == "content-type")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| "text/plain".into());
        let Some(boundary) = content_type.split(';').find_map(|p| {
            p.trim()
                .strip_prefix("boundary=")
                .map(|b| b.trim_matches('"').to_owned())
        }) else {
            return vec![(content_type, decode_body(&headers, body))];
        };
        let marker = format!("--{boundary}");
        body.split(&marker)
            .skip(1)
            .filter(|part| !part.starts_with("--"))
            .map(|part| {
                let part = part.trim_start_matches(['\r', '\n']);
                let (head, body) = split_head(part);
                let headers = unfold_headers(head);
                let kind = headers
                    .iter()
                    .find(|(n, _)| n == "content-type")
                    .map(|(_, v)| v.split(';').next().unwrap_or("").trim().to_owned())
                    .unwrap_or_default();
                (kind, decode_body(&headers, body.trim_end()))
            })
            .collect()
    }

    pub fn text(&self) -> String {
        self.parts()
            .into_iter()
            .find(|(kind, _)| kind.starts_with("text/plain"))
            .map(|(_, body)| body)
            .unwrap_or_default()
    }

    pub fn html(&self) -> String {
        self.parts()
            .into_iter()
            .find(|(kind, _)| kind.starts_with("text/html"))
            .map(|(_, body)| body)
            .unwrap_or_default()
    }

    /// Every `http(s)://` link in the text part.
    pub fn links(&self) -> Vec<String> {
        self.text()
            .split_whitespace()
            .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
            .map(str::to_owned)
            .collect()
    }

    /// The first link whose path starts with `path` (e.g. `/reset-password`).
    pub fn link(&self, path: &str) -> Option<String> {
        self.links().into_iter().find(|l| {
            l.split_once("://")
                .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
                .is_some_and(|p| p.starts_with(path))
        })
    }

    /// The `token` query parameter of the first link to `path`.
    pub fn token(&self, path: &str) -> Option<String> {
        let link = self.link(path)?;
        let (_, query) = link.split_once('?')?;
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix("token=").map(str::to_owned))
    }
}

/// Every `.eml` in `dir`, in no particular order.
pub fn eml_files(dir: &std::path::Path) -> Vec<MailMessage> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|raw| MailMessage::parse(raw, Vec::new()))
        .collect()
}
