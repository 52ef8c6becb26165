//! What a pasted link to a beat or a producer shows (the server writes it into the page for
//! crawlers, which run no script): only what the public pages show anyway.

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::{beats, profiles};
use crate::Result;

pub struct Preview {
    pub title: String,
    pub description: String,
    /// The largest JPEG of a cover (`/api/v1/…`, relative to the store).
    pub image: Option<String>,
}

fn largest_jpeg(cover: Option<&super::covers::CoverView>) -> Option<String> {
    cover.and_then(|c| c.sizes.last()).map(|s| s.jpeg.clone())
}

/// A published beat: "Velvet Hours by Night Shift", "140 BPM · A min · Trap · leases from $24.99".
pub async fn beat(db: &DatabaseConnection, id: Uuid) -> Result<Option<Preview>> {
    let beat = match beats::get(db, None, id).await {
        Ok(beat) => beat,
        Err(crate::Error::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    // A published beat has both; a missing one is left out rather than printed blank.
    let mut facts: Vec<String> = beat
        .bpm
        .map(|b| format!("{b} BPM"))
        .into_iter()
        .chain(beat.key.clone())
        .chain([beat.genre.clone()])
        .collect();
    if let Some(cents) = beat.lowest_price_cents {
        facts.push(format!("leases from ${}.{:02}", cents / 100, cents % 100));
    }
    Ok(Some(Preview {
        title: format!("{} by {}", beat.title, beat.producer.display_name),
        description: format!(
            "{}. Tagged preview, licenses in plain words, checked trackout.",
            facts.join(" · ")
        ),
        image: largest_jpeg(beat.cover.as_ref()),
    }))
}

/// A producer's page: their name, bio and how many beats they sell, with their newest cover.
pub async fn producer(db: &DatabaseConnection, handle: &str) -> Result<Option<Preview>> {
    let profile = match profiles::producer(db, handle).await {
        Ok(profile) => profile,
        Err(crate::Error::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let query = super::catalog::CatalogQuery::parse(&super::catalog::CatalogParams {
        producer: Some(profile.id.to_string()),
        per_page: Some(1),
        ..Default::default()
    })?;
    let newest = super::catalog::search(db, &query).await?;
    let beats = profile.published_beats;
    let bio: String = profile.bio.chars().take(160).collect();
    let count = format!(
        "{beats} beat{} for lease",
        if beats == 1 { "" } else { "s" }
    );
    Ok(Some(Preview {
        title: format!("{} · beats on Trackout", profile.display_name),
        description: if bio.is_empty() {
            format!("{count}: tagged previews, licenses in plain words.")
        } else {
            format!("{bio} · {count}")
        },
        image: largest_jpeg(newest.items.first().and_then(|b| b.cover.as_ref())),
    }))
}
