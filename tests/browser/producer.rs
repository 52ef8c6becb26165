//! The producer's side: sign up, create a beat, upload, read the check report, fix the
//! trackout, price, publish; later, log in and see the sale.

use std::path::Path;

use anyhow::{Context, Result, ensure};
use uuid::Uuid;

use super::page::{Page, WAIT};
use super::seed::Files;
use trackout_tests::TestApp;

use super::{PASSWORD, PROCESSING, readme, readme_screenshots, sign_up};

const NEW_PASSWORD: &str = "my new studio password";

pub(super) async fn upload(page: &Page, kind: &str, file: &Path) -> Result<()> {
    page.choose_file(&format!("#file-{kind}"), file).await?;
    page.click(&format!("#upload-{kind}")).await?;
    page.wait_text(&format!("#status-{kind}"), "uploaded", PROCESSING)
        .await?;
    let progress = page
        .property(&format!("form[data-kind={kind}] progress"), "value")
        .await?;
    ensure!(
        progress == "100",
        "the {kind} progress bar ends at {progress}"
    );
    Ok(())
}

/// The producer: sign up, create the beat, upload, read the report, fix, price, publish.
pub(super) async fn publishes(
    app: &TestApp,
    page: &mut Page,
    files: &Files,
    email: &str,
) -> Result<Uuid> {
    // The operator invites the producer (`trackout invite-producer` does just this).
    let invited = trackout_core::services::invitations::create(
        &app.state.db,
        &trackout_core::domain::Email::parse(email).map_err(|e| anyhow::anyhow!("{e}"))?,
    )
    .await?;
    sign_up(page, "producer", "Night Shift", email, Some(&invited)).await?;
    page.wait_path("/dashboard").await?;
    // Producers confirm their email before publishing: the banner says so, and the link in
    // the mail (an .eml in the outbox folder: no SMTP here) confirms it.
    page.wait_text("#verify-banner", "Confirm your email", WAIT)
        .await?;
    let mail = app.wait_for_eml(email, "Confirm your email").await;
    let link = mail.link("/verify-email").context("a verify link")?;
    page.open(
        link.strip_prefix(&page.origin)
            .context("a link to the store")?,
    )
    .await?;
    page.wait_visible("#email-verified").await?;
    page.shot("email-verified").await?;
    page.open("/dashboard").await?;
    page.wait_js(
        "the banner to go",
        WAIT,
        "const b = document.getElementById('verify-banner'); return !b || b.hidden;",
        vec![],
    )
    .await?;
    page.click("#new-beat").await?;
    page.wait_path("/dashboard/new").await?;
    page.fill("#beat-form input[name=title]", "Velvet Hours")
        .await?;
    page.fill("#beat-form input[name=bpm]", "140").await?;
    page.fill("#beat-form input[name=key]", "A min").await?;
    page.fill("#beat-form input[name=genre]", "Trap").await?;
    page.fill("#beat-form input[name=moods]", "dark, night")
        .await?;
    page.fill("#beat-form input[name=tags]", "808, piano")
        .await?;
    page.click("#save-beat").await?;
    let path = page.wait_path("/dashboard/beats/").await?;
    let beat: Uuid = path["/dashboard/beats/".len()..]
        .split('?')
        .next()
        .unwrap_or_default()
        .parse()
        .with_context(|| format!("a beat id in {path}"))?;
    page.shot("new-draft").await?;

    upload(page, "master", &files.master).await?;
    upload(page, "voice_tag", &files.voice_tag).await?;
    upload(page, "trackout", &files.flawed).await?;

    // The report: the stem with the error comes first and says what to fix.
    page.wait_visible_for("#check-report[data-state=failed]", PROCESSING)
        .await?;
    let first = page
        .property("#findings .finding-group", "textContent")
        .await?;
    ensure!(
        first.contains("Hi Hats") && first.contains("shorter than the longest stem"),
        "the first group of findings is the short stem's: {first}"
    );
    ensure!(
        first.contains("How to fix"),
        "findings say how to fix: {first}"
    );
    page.wait_visible("#findings [data-code=generic_name]")
        .await?;
    page.wait_visible("#findings [data-code=bit_depth_mismatch]")
        .await?;
    let stems = page
        .browser
        .exec(
            "return document.querySelectorAll('#stems-table tbody tr').length",
            vec![],
        )
        .await?;
    ensure!(stems == 4, "the stems table lists every stem ({stems})");
    page.wait_text("#master-loudness", "LUFS", WAIT).await?;
    page.shot("check-report").await?;
    if let Some(dir) = readme_screenshots() {
        readme::element(page, "#report", &dir.join("check-report.png")).await?;
    }

    // Publishing is refused, with the errors in words.
    page.click("#publish").await?;
    page.wait_text("#publish-problems", "shorter than the longest stem", WAIT)
        .await?;
    page.shot("publish-refused").await?;

    // The fixed trackout passes; every file is rendered; prices are set; it goes on sale.
    upload(page, "trackout", &files.trackout).await?;
    page.wait_visible_for("#check-report[data-state=passed]", PROCESSING)
        .await?;
    page.wait_js(
        "every processing step to be done",
        PROCESSING,
        "const b = [...document.querySelectorAll('#processing-steps .badge')];
         return b.length >= 6 && b.every(x => ['done', 'passed'].includes(x.dataset.state));",
        vec![],
    )
    .await?;
    page.fill("input[name='mp3_lease.price']", "24.99").await?;
    page.click("#save-tiers").await?;
    page.wait_text("#toasts", "Tiers and prices saved", WAIT)
        .await?;
    page.click("#publish").await?;
    page.wait_text("#beat-status", "Published", WAIT).await?;
    page.shot("published").await?;
    Ok(beat)
}

/// Forgot the password: asks for a link, follows it from the mail, sets a new password, and
/// logs in with it (through a hostile `next=`, which must fall back to the dashboard); then
/// the sale is on the dashboard.
pub(super) async fn sees_the_sale(app: &TestApp, page: &mut Page, email: &str) -> Result<()> {
    page.click("#logout").await?;
    page.wait_visible("nav a[href='/login']").await?;
    page.open("/login").await?;
    page.click("#forgot-link").await?;
    page.wait_path("/forgot-password").await?;
    page.fill("input[name=email]", email).await?;
    page.click("#send-reset").await?;
    page.wait_visible("#reset-sent").await?;
    page.shot("reset-sent").await?;
    let mail = app.wait_for_eml(email, "Reset your password").await;
    let link = mail.link("/reset-password").context("a reset link")?;
    page.open(
        link.strip_prefix(&page.origin)
            .context("a link to the store")?,
    )
    .await?;
    page.fill("#new-password", NEW_PASSWORD).await?;
    page.click("#save-password").await?;
    page.wait_visible("#password-reset").await?;
    page.shot("password-reset").await?;

    page.open("/login?next=/%5Cevil.example").await?;
    page.fill("input[name=email]", email).await?;
    page.fill("input[name=password]", PASSWORD).await?;
    page.click("form button[type=submit]").await?;
    page.wait_text(".form-error", "do not match", WAIT).await?;
    page.fill("input[name=password]", NEW_PASSWORD).await?;
    page.click("form button[type=submit]").await?;
    page.wait_path("/dashboard").await?;
    page.wait_text("#sales-count", "1", WAIT).await?;
    page.wait_text("#recent-sales", "Luna Ray", WAIT).await?;
    page.shot("dashboard").await?;
    Ok(())
}
