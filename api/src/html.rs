//! The few pages the API itself serves (the development payment page, an engineer's share
//! page), written out plainly: escaped text in a dark, readable frame.

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page around `body` (which must already be escaped where it holds user text).
pub fn page(title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Trackout</title>
<style>
body{{margin:0;font:16px/1.5 system-ui,sans-serif;background:#0e0f13;color:#e8e8ee}}
main{{max-width:760px;margin:0 auto;padding:32px 20px}}
h1{{font-size:1.6rem;margin:0 0 4px}} .muted{{color:#9a9aab}}
.banner{{background:#5a1d1d;border:1px solid #e5484d;color:#ffd7d7;padding:12px 16px;border-radius:8px;font-weight:600}}
table{{width:100%;border-collapse:collapse;margin-top:16px}} td,th{{padding:8px 6px;border-bottom:1px solid #23242c;text-align:left}}
a,button{{color:#0e0f13;background:#7c5cff;border:0;border-radius:6px;padding:8px 14px;font-weight:600;text-decoration:none;cursor:pointer}}
a:focus,button:focus{{outline:3px solid #c4b5fd;outline-offset:2px}}
</style></head><body><main>{body}</main></body></html>"#,
        title = escape(title)
    )
}
