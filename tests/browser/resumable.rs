//! The dashboard's resumable uploads in Chromium, with a proxy standing in for the network:
//! a connection dropped mid-upload goes on by itself from the store's offset, a reload
//! mid-upload goes on from the store's offset once the same file is chosen again, rather
//! than from zero, and a 3 GB upload under way is cancelled with nothing left behind.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use entity::upload_session;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use trackout_tests::TestApp;
use uuid::Uuid;

use super::page::{Page, WAIT};
use super::proxy::Proxy;

/// Slow enough that the cut lands mid-upload, fast enough to finish.
const RATE: u64 = 3_000_000;
/// Slower still while the page reloads: on a loaded machine a reload can take seconds.
const RELOAD_RATE: u64 = 1_000_000;
const UPLOAD: Duration = Duration::from_secs(120);

/// A stereo 24-bit master of `seconds` (about 265 kB a second).
fn master(dir: &Path, name: &str, seconds: u32, freq: f64) -> PathBuf {
    let path = dir.join(name);
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 44_100,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(&path, spec).unwrap();
    for n in 0..seconds * 44_100 {
        let v = (0.4 * 8_388_607.0 * (std::f64::consts::TAU * freq * f64::from(n) / 44_100.0).sin())
            as i32;
        writer.write_sample(v).unwrap();
        writer.write_sample(v).unwrap();
    }
    writer.finalize().unwrap();
    path
}

fn sha256(path: &Path) -> Result<String> {
    Ok(hex::encode(Sha256::digest(std::fs::read(path)?)))
}

async fn stored_master(app: &TestApp, token: &str, beat: Uuid) -> Result<Value> {
    let processing: Value = app
        .get(&format!("/api/v1/beats/{beat}/processing"), Some(token))
        .await
        .json()
        .await?;
    processing["uploads"]
        .as_array()
        .and_then(|u| u.iter().find(|u| u["kind"] == "master").cloned())
        .with_context(|| format!("no master in {processing}"))
}

/// The one open session's offset, as the store records it.
async fn session_offset(app: &TestApp, beat: Uuid) -> Result<Option<i64>> {
    Ok(upload_session::Entity::find()
        .filter(upload_session::Column::BeatId.eq(beat))
        .one(&app.state.db)
        .await?
        .map(|s| s.offset_bytes))
}

pub(super) async fn story(app: &TestApp, page: &mut Page, proxy: &Proxy) -> Result<()> {
    let producer = app.register("producer").await;
    let beat = app.new_beat(&producer).await;
    let me: Value = app
        .get("/api/v1/me", Some(&producer.token))
        .await
        .json()
        .await?;
    // Signed in as the login form leaves it: the session in localStorage.
    page.open("/").await?;
    let expires = chrono::Utc::now().timestamp() + 3600;
    page.browser
        .exec(
            "localStorage.setItem('trackout.session', JSON.stringify(arguments[0])); return true;",
            vec![json!({"token": producer.token, "expires_at": expires, "user": me})],
        )
        .await?;
    let dashboard = format!("/dashboard/beats/{beat}");
    page.open(&dashboard).await?;
    page.wait_visible("#file-master").await?;
    let files = tempfile::tempdir()?;
    proxy.limit_rate(RATE);

    // 1. The connection drops 4 MB into a 16 MB master: the upload goes on by itself.
    let first = master(files.path(), "Velvet Hours (Master).wav", 60, 220.0);
    proxy.take_offsets();
    proxy.cut_after(4 << 20);
    page.choose_file("#file-master", &first).await?;
    page.click("#upload-master").await?;
    page.wait_text("#status-master", "uploaded", UPLOAD).await?;
    ensure!(proxy.was_cut(), "the proxy dropped the connection");
    let offsets = proxy.take_offsets();
    ensure!(
        offsets.first() == Some(&0),
        "the first PATCH starts at 0: {offsets:?}"
    );
    // The file fits one PATCH, so the request that completed it is the last one, and it
    // started where the store had stopped. (Chrome itself resends a request whose reused
    // connection dropped, from its first byte: the store refuses that one with 409
    // offset_mismatch, and tus-js-client asks for the offset and goes on from there.)
    let last = *offsets.last().context("no PATCH")?;
    ensure!(
        last > 3 << 20 && last < 4 << 20,
        "the PATCH that completed the upload starts where the store stopped, about 4 MB in: {offsets:?}"
    );
    ensure!(
        offsets.len() <= 3,
        "one PATCH, at most one resent by the browser, and the resumed one: {offsets:?}"
    );
    let stored = stored_master(app, &producer.token, beat).await?;
    ensure!(
        stored["sha256"] == sha256(&first)?,
        "the store has the file byte for byte: {stored}"
    );
    page.shot("upload-resumed-after-a-cut").await?;

    // 2. A reload a quarter of the way through another master.
    let second = master(files.path(), "Velvet Hours (Master v2).wav", 60, 330.0);
    let size = std::fs::metadata(&second)?.len();
    proxy.limit_rate(RELOAD_RATE);
    page.choose_file("#file-master", &second).await?;
    page.click("#upload-master").await?;
    let start = proxy.forwarded();
    page.wait_text("#status-master", "left", WAIT).await?;
    let deadline = tokio::time::Instant::now() + UPLOAD;
    while proxy.forwarded() - start < size / 4 {
        ensure!(
            tokio::time::Instant::now() < deadline,
            "the upload never got a quarter of the way"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    page.open(&dashboard).await?;
    // The store keeps what arrived before the page went away.
    let deadline = tokio::time::Instant::now() + WAIT;
    let kept = loop {
        match session_offset(app, beat).await? {
            Some(at) if at > 0 => break at as u64,
            _ => {
                ensure!(
                    tokio::time::Instant::now() < deadline,
                    "the store recorded no offset for the interrupted upload"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    ensure!(kept < size, "interrupted midway: {kept} of {size}");
    let note = page
        .wait_text("#resume-master", "interrupted", WAIT)
        .await?;
    ensure!(
        note.contains("Velvet Hours (Master v2).wav"),
        "the page names the file to choose again: {note}"
    );
    page.shot("upload-interrupted-by-a-reload").await?;
    proxy.take_offsets();
    proxy.limit_rate(RATE);
    page.choose_file("#file-master", &second).await?;
    page.click("#upload-master").await?;
    page.wait_text("#status-master", "uploaded", UPLOAD).await?;
    let offsets = proxy.take_offsets();
    ensure!(
        offsets.first() == Some(&kept),
        "after the reload the first PATCH starts at the store's offset {kept}: {offsets:?}"
    );
    ensure!(
        !offsets.contains(&0),
        "nothing started again from zero: {offsets:?}"
    );
    let stored = stored_master(app, &producer.token, beat).await?;
    ensure!(
        stored["sha256"] == sha256(&second)? && stored["size_bytes"] == size,
        "the store has the second file byte for byte: {stored}"
    );
    ensure!(
        session_offset(app, beat).await?.is_none(),
        "the finished session is closed"
    );
    let hidden = page
        .browser
        .exec(
            "return document.getElementById('resume-master').hidden;",
            vec![],
        )
        .await?;
    ensure!(hidden == Value::Bool(true), "the interrupted note is gone");

    // 3. A 3 GB trackout (sparse: no disk is used for it) goes up in slices from the first
    // second, and Cancel ends the session and removes what the store received.
    let huge = files.path().join("Velvet Hours stems.zip");
    std::fs::File::create(&huge)?.set_len(3 << 30)?;
    proxy.limit_rate(20_000_000);
    let start = proxy.forwarded();
    page.choose_file("#file-trackout", &huge).await?;
    page.click("#upload-trackout").await?;
    let status = page.wait_text("#status-trackout", "left", WAIT).await?;
    ensure!(status.contains("of 3.00 GB"), "{status}");
    let deadline = tokio::time::Instant::now() + WAIT;
    while proxy.forwarded() - start < 20 << 20 {
        ensure!(
            tokio::time::Instant::now() < deadline,
            "the big upload did not get going"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    page.shot("upload-in-progress").await?;
    page.click("form[data-kind=trackout] button.btn--ghost")
        .await?;
    page.wait_text("#status-trackout", "cancelled", WAIT)
        .await?;
    let parts = app.config.data_dir.join("upload-sessions");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let open = upload_session::Entity::find()
            .filter(upload_session::Column::BeatId.eq(beat))
            .one(&app.state.db)
            .await?;
        let left = std::fs::read_dir(&parts)?.count();
        if open.is_none() && left == 0 {
            break;
        }
        ensure!(
            tokio::time::Instant::now() < deadline,
            "cancelling left the session ({open:?}) or {left} part file(s)"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}
