use migration::{Migrator, MigratorTrait};
use sea_orm::Database;
use trackout_tests::TestDatabase;

#[tokio::test]
async fn migrations_apply_roll_back_and_apply_again() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(dir.path()).await;
    let db = Database::connect(&database.url).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let applied = Migrator::get_applied_migrations(&db).await.unwrap().len();
    assert_eq!(applied, Migrator::migrations().len());
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );

    Migrator::down(&db, None).await.unwrap();
    assert_eq!(
        Migrator::get_applied_migrations(&db).await.unwrap().len(),
        0
    );
    Migrator::up(&db, None).await.unwrap();
    assert_eq!(
        Migrator::get_applied_migrations(&db).await.unwrap().len(),
        applied
    );
}

/// Making a beat's tempo and key optional rebuilds the columns on SQLite: the beats made
/// before keep their values, and nothing hanging off them (their labels) is cascaded away.
#[tokio::test]
async fn beats_keep_their_tempo_key_and_tiers_when_both_become_optional() {
    use chrono::Utc;
    use entity::{beat, beat_label, user};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    use sea_orm::{ConnectionTrait, Statement};

    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(dir.path()).await;
    let db = Database::connect(&database.url).await.unwrap();
    // Found by name: later migrations are applied only after the beats exist, and rolling
    // back one step must reach this migration whatever is added after it.
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let before = names
        .iter()
        .position(|n| n == "m20261220_000001_beats_tempo_and_key_optional")
        .unwrap();
    let later = names.len() - before - 1;
    Migrator::up(&db, Some(u32::try_from(before).unwrap()))
        .await
        .unwrap();

    let producer = uuid::Uuid::now_v7();
    user::ActiveModel {
        id: Set(producer),
        email: Set("old@example.com".into()),
        password_hash: Set(String::new()),
        display_name: Set("Old Producer".into()),
        role: Set("producer".into()),
        created_at: Set(Utc::now()),
        email_verified_at: Set(None),
    }
    .insert(&db)
    .await
    .unwrap();
    let id = uuid::Uuid::now_v7();
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        match backend {
            sea_orm::DatabaseBackend::Postgres => {
                "INSERT INTO beats (id, producer_id, title, bpm, musical_key, genre, description, \
                 status, created_at, updated_at) VALUES ($1, $2, 'Old', 97, 'F# maj', 'trap', '', \
                 'draft', $3, $3)"
            }
            _ => {
                "INSERT INTO beats (id, producer_id, title, bpm, musical_key, genre, description, \
                 status, created_at, updated_at) VALUES (?, ?, 'Old', 97, 'F# maj', 'trap', '', \
                 'draft', ?, ?)"
            }
        },
        match backend {
            sea_orm::DatabaseBackend::Postgres => {
                vec![id.into(), producer.into(), Utc::now().into()]
            }
            _ => vec![
                id.into(),
                producer.into(),
                Utc::now().into(),
                Utc::now().into(),
            ],
        },
    ))
    .await
    .unwrap();
    beat_label::ActiveModel {
        beat_id: Set(id),
        kind: Set("mood".into()),
        value: Set("dark".into()),
        position: Set(0),
    }
    .insert(&db)
    .await
    .unwrap();

    Migrator::up(&db, Some(1)).await.unwrap();
    let old = beat::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.bpm, Some(97));
    assert_eq!(old.musical_key.as_deref(), Some("F# maj"));
    assert_eq!(old.bpm_detected_confidence, None);
    let kept = beat_label::Entity::find()
        .filter(beat_label::Column::BeatId.eq(id))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(kept.len(), 1, "the beat's labels were cascaded away");

    // A new beat may now have neither.
    let mut empty: beat::ActiveModel = old.into();
    empty.id = Set(uuid::Uuid::now_v7());
    empty.bpm = Set(None);
    empty.musical_key = Set(None);
    empty.insert(&db).await.unwrap();
    // Rolling back would have to invent a tempo: refused, and the schema is left as it was.
    let refused = Migrator::down(&db, Some(1)).await;
    assert!(refused.is_err(), "rolled back over a beat without a BPM");
    assert_eq!(
        Migrator::get_pending_migrations(&db).await.unwrap().len(),
        later,
        "the migration stays applied"
    );
}
