use maud::{Markup, html};

/// What a link to a page shows where it is pasted (chat apps, social sites): Open Graph and
/// Twitter card tags. Crawlers run no script, so the server writes them into the HTML.
pub struct LinkPreview {
    pub title: String,
    pub description: String,
    /// Absolute URLs.
    pub url: String,
    pub image: Option<String>,
    /// `music.song` for a beat, `profile` for a producer.
    pub kind: &'static str,
}

pub fn link_preview(p: &LinkPreview) -> Markup {
    html! {
        meta name="description" content=(p.description);
        meta property="og:site_name" content="Trackout";
        meta property="og:type" content=(p.kind);
        meta property="og:title" content=(p.title);
        meta property="og:description" content=(p.description);
        meta property="og:url" content=(p.url);
        @if let Some(image) = &p.image {
            meta property="og:image" content=(image);
            meta property="og:image:width" content="960";
            meta property="og:image:height" content="960";
            meta name="twitter:card" content="summary_large_image";
            meta name="twitter:image" content=(image);
        } @else {
            meta name="twitter:card" content="summary";
        }
        meta name="twitter:title" content=(p.title);
        meta name="twitter:description" content=(p.description);
        link rel="canonical" href=(p.url);
    }
}
