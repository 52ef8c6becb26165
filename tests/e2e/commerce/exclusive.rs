use entity::beat;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::Value;
use trackout_tests::app::assert_problem;

use super::*;

#[tokio::test]
async fn of_two_buyers_racing_for_the_exclusive_exactly_one_gets_to_pay() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat = catalog_beat(&app, &producer).await;
    let a = app.register("artist").await;
    let b = app.register("artist").await;
    let (ra, rb) = tokio::join!(
        checkout(&app, &a, beat, "exclusive"),
        checkout(&app, &b, beat, "exclusive")
    );
    let mut statuses = [ra.status(), rb.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let c = app.register("artist").await;
    assert_problem(
        checkout(&app, &c, beat, "exclusive").await,
        StatusCode::CONFLICT,
        "exclusive_on_hold",
    )
    .await;
    // Leases are still for sale while the exclusive is on hold.
    assert_eq!(
        checkout(&app, &c, beat, "mp3_lease").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_expired_hold_frees_the_exclusive_and_a_sale_ends_all_sales() {
    let app = TestApp::spawn().await;
    let producer = app.register("producer").await;
    let beat_id = catalog_beat(&app, &producer).await;
    let lessee = app.register("artist").await;
    let (lease, lease_url) = started(&app, &lessee, beat_id, "mp3_lease").await;
    pay_dev(&app, &lease_url).await;

    let first = app.register("artist").await;
    let (abandoned, abandoned_url) = started(&app, &first, beat_id, "exclusive").await;
    // Time passes: the hold runs out.
    let row = beat::Entity::find_by_id(beat_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.exclusive_hold_purchase_id, Some(abandoned));
    let mut row: beat::ActiveModel = row.into();
    row.exclusive_hold_until_ms = Set(Some(chrono::Utc::now().timestamp_millis() - 1));
    row.update(&app.state.db).await.unwrap();

    let second = app.register("artist").await;
    let (bought, url) = started(&app, &second, beat_id, "exclusive").await;
    pay_dev(&app, &url).await;
    assert_eq!(status_of(&app, bought).await, "paid");

    // Out of the catalog, and nothing more for sale.
    let catalog: Value = app.get("/api/v1/beats", None).await.json().await.unwrap();
    assert_eq!(catalog["total"], 0);
    assert_eq!(
        app.get(&format!("/api/v1/beats/{beat_id}"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let late = app.register("artist").await;
    assert_problem(
        checkout(&app, &late, beat_id, "mp3_lease").await,
        StatusCode::CONFLICT,
        "sold_exclusively",
    )
    .await;
    // The abandoned checkout cannot be paid any more.
    let paid_late = app.client.post(&abandoned_url).send().await.unwrap();
    assert_problem(paid_late, StatusCode::CONFLICT, "checkout_expired").await;
    assert_eq!(
        status_of(&app, abandoned).await,
        "cancelled",
        "a sold exclusive is never sold twice: its other checkouts are closed"
    );

    // The earlier lessee keeps their files and their license.
    let kept = licensed(&app, &lessee, lease).await;
    assert_eq!(kept["status"], "paid");
    let mp3 = app.get(link(&kept, "license.pdf"), None).await;
    assert_eq!(mp3.status(), StatusCode::OK);
}
