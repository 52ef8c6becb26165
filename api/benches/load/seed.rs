//! A store with a catalog of 60 published beats and one paid purchase whose license is made.

use std::sync::Arc;
use std::time::Duration;

use actix_web::{App, HttpServer};
use entity::beat;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, Database, EntityTrait, QueryFilter, Set,
};
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;
use trackout_api::Application;
use trackout_api::startup::open_state;
use trackout_core::config::Config;
use trackout_core::domain::Role;
use trackout_core::services::commerce::{checkout, library, payment_events};
use trackout_core::services::{Actor, accounts, beats};
use trackout_worker::{JobContext, Registry, Worker};

pub struct Store {
    pub base: String,
    pub static_base: String,
    pub download_path: String,
    pub object_key: String,
    pub file_bytes: u64,
    /// Where the local store keeps its objects (the static servers serve it).
    pub objects_dir: std::path::PathBuf,
    pub state: trackout_api::AppState,
    pub artist: Actor,
    /// The catalog's beats, newest last; the first has the paid purchase.
    pub beats: Vec<uuid::Uuid>,
    _dir: tempfile::TempDir,
    stop: CancellationToken,
}

impl Drop for Store {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn database(server: Option<&str>, dir: &std::path::Path) -> String {
    match server {
        None => format!("sqlite://{}?mode=rwc", dir.join("bench.db").display()),
        Some(server) => {
            let server = server.trim_end_matches('/');
            let admin = Database::connect(format!("{server}/postgres"))
                .await
                .unwrap();
            let name = format!("trackout_bench_{}", std::process::id());
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .unwrap();
            format!("{server}/{name}")
        }
    }
}

pub async fn store(server: Option<&str>) -> Store {
    let dir = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let config = Config {
        bind: listener.local_addr().unwrap(),
        data_dir: dir.path().to_owned(),
        database_url: Some(database(server, dir.path()).await),
        jwt_secret: Some(SecretString::from("a benchmark secret, long enough")),
        ..Config::default()
    };
    let state = open_state(config).await.unwrap();
    let db = state.db.clone();
    let tokens = state.tokens.clone();
    let register = |email: &str, role: &str, invitation: Option<String>| {
        serde_json::from_value::<accounts::Registration>(serde_json::json!({
            "email": email, "password": "a long enough password", "display_name": email,
            "role": role, "invitation": invitation,
        }))
        .unwrap()
    };
    let mut actors = Vec::new();
    for (email, role) in [
        ("producer@bench.test", "producer"),
        ("artist@bench.test", "artist"),
    ] {
        // Producers sign up by the operator's invitation on a single-seller store.
        let invitation = match role {
            "producer" => Some(
                trackout_core::services::invitations::create(
                    &db,
                    &trackout_core::domain::Email::parse(email).unwrap(),
                )
                .await
                .unwrap(),
            ),
            _ => None,
        };
        accounts::register(state.accounts(), register(email, role, invitation))
            .await
            .unwrap();
        let row = entity::user::Entity::find()
            .filter(entity::user::Column::Email.eq(email))
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        trackout_core::services::verification::mark_verified_without_mail(&db, row.id)
            .await
            .unwrap();
        actors.push(Actor {
            user_id: row.id,
            role: if role == "producer" {
                Role::Producer
            } else {
                Role::Artist
            },
        });
    }
    let (producer, artist) = (actors[0], actors[1]);
    let mut beats = Vec::new();
    for i in 0..60 {
        let new: beats::NewBeat = serde_json::from_value(serde_json::json!({
            "title": format!("Beat {i:02}"), "bpm": 80 + i, "key": "A min", "genre": "trap",
            "moods": ["dark"], "tags": ["808", format!("tag{}", i % 7)]
        }))
        .unwrap();
        let view = beats::create(&db, &state.config.quotas, &producer, new)
            .await
            .unwrap();
        let row = beat::Entity::find_by_id(view.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        let mut row: beat::ActiveModel = row.into();
        row.status = Set("published".into());
        row.published_at = Set(Some(chrono::Utc::now()));
        row.update(&db).await.unwrap();
        beats.push(view.id);
    }

    // One paid purchase, fulfilled by a worker, for a real download link.
    let stop = CancellationToken::new();
    let ctx = Arc::new(JobContext::new(
        state.db.clone(),
        state.storage.clone(),
        state.config.clone(),
        state.payments.clone(),
    ));
    tokio::spawn(Worker::new(ctx, Registry::store_jobs()).run(stop.clone()));
    let body: checkout::CheckoutBody =
        serde_json::from_value(serde_json::json!({"beat_id": beats[0], "tier": "mp3_lease"}))
            .unwrap();
    let started = checkout::start(&db, state.payments.as_ref(), &state.config, &artist, body)
        .await
        .unwrap();
    let purchase = entity::purchase::Entity::find_by_id(started.purchase_id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let event = payment_events::dev_payment_event(std::slice::from_ref(&purchase)).unwrap();
    payment_events::apply(&db, &event).await.unwrap();
    let (path, key, bytes) = loop {
        let view = library::get(&db, &tokens, &artist, purchase.id, 3600)
            .await
            .unwrap();
        let pdf = view
            .files
            .iter()
            .find(|f| f.file == "license.pdf" && f.ready);
        if let Some(pdf) = pdf {
            let made =
                entity::purchase_file::Entity::find_by_id((purchase.id, "license_pdf".to_owned()))
                    .one(&db)
                    .await
                    .unwrap()
                    .unwrap();
            break (
                pdf.url.clone().unwrap(),
                made.storage_key,
                pdf.size_bytes.unwrap(),
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };

    let app = Application::with_listener(state.clone(), listener).unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.into_server());

    // The baseline: the same objects served by nothing but actix-files.
    let objects = state.config.objects_dir();
    let plain =
        HttpServer::new(move || App::new().service(actix_files::Files::new("/", objects.clone())))
            .on_connect(trackout_api::startup::no_delay)
            .bind("127.0.0.1:0")
            .unwrap();
    let static_base = format!("http://{}", plain.addrs()[0]);
    tokio::spawn(plain.run());

    Store {
        base,
        static_base,
        download_path: path,
        object_key: key,
        file_bytes: bytes,
        objects_dir: state.config.objects_dir(),
        state,
        artist,
        beats,
        _dir: dir,
        stop,
    }
}
