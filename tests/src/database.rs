use std::sync::Once;

use sea_orm::{ConnectionTrait, Database};

/// A database of its own for one test. SQLite by default (a file in the test's temp dir);
/// a freshly created PostgreSQL database when `TRACKOUT_TEST_POSTGRES` holds a server URL
/// such as `postgres://postgres@127.0.0.1:5432`.
pub struct TestDatabase {
    pub url: String,
}

pub fn postgres_server() -> Option<String> {
    std::env::var("TRACKOUT_TEST_POSTGRES")
        .ok()
        .filter(|v| !v.is_empty())
        .map(|v| v.trim_end_matches('/').to_owned())
}

pub fn is_postgres() -> bool {
    postgres_server().is_some()
}

static SWEEP: Once = Once::new();
const PREFIX: &str = "trackout_test_";

impl TestDatabase {
    pub async fn create(dir: &std::path::Path) -> TestDatabase {
        let Some(server) = postgres_server() else {
            return TestDatabase {
                url: format!("sqlite://{}?mode=rwc", dir.join("trackout.db").display()),
            };
        };
        let admin = Database::connect(format!("{server}/postgres"))
            .await
            .expect("connecting to the PostgreSQL server named by TRACKOUT_TEST_POSTGRES");
        let pid = std::process::id();
        let mut stale = Vec::new();
        SWEEP.call_once(|| stale.push(()));
        if !stale.is_empty() {
            // Databases left by earlier runs (a crashed or interrupted test) are dropped once.
            let rows = admin
                .query_all_raw(sea_orm::Statement::from_string(
                    admin.get_database_backend(),
                    format!("SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}%'"),
                ))
                .await
                .expect("listing test databases");
            for row in rows {
                let name: String = row.try_get("", "datname").expect("datname");
                if !name.starts_with(&format!("{PREFIX}{pid}_")) {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                }
            }
        }
        let name = format!("{PREFIX}{pid}_{}", uuid::Uuid::new_v4().simple());
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("creating a test database");
        TestDatabase {
            url: format!("{server}/{name}"),
        }
    }
}
