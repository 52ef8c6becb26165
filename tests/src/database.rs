use std::path::{Path, PathBuf};
use std::sync::Once;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database};
use tokio::sync::OnceCell;

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

/// Database `name` on the test server, over plain TCP unless the server's URL names an
/// `sslmode`: sqlx 0.9.0 opens its sockets without `TCP_NODELAY`, and its TLS handshake
/// then waits twice on the server's delayed ACK (about 90 ms a connection; every test opens
/// a dozen, and the PostgreSQL suite took twice the SQLite one's time). Encryption on
/// loopback protects nothing.
fn database_url(server: &str, name: &str) -> String {
    let (base, query) = server.split_once('?').unwrap_or((server, ""));
    let base = base.trim_end_matches('/');
    if query.contains("sslmode=") {
        format!("{base}/{name}?{query}")
    } else if query.is_empty() {
        format!("{base}/{name}?sslmode=disable")
    } else {
        format!("{base}/{name}?{query}&sslmode=disable")
    }
}

static SWEEP: Once = Once::new();
const PREFIX: &str = "trackout_test_";

/// The schema, migrated once per test process: every store a test starts is a copy of it
/// (`CREATE DATABASE … TEMPLATE` on PostgreSQL, a file copy on SQLite). Migrating each test's
/// own database took 0.3 s on PostgreSQL and 0.1 s on SQLite.
static TEMPLATE: OnceCell<Template> = OnceCell::const_new();

enum Template {
    Postgres { server: String, name: String },
    Sqlite(PathBuf),
}

impl Template {
    async fn get() -> &'static Template {
        TEMPLATE
            .get_or_init(|| async {
                let dir = sqlite_template_dir();
                std::fs::create_dir_all(&dir).expect("creating the template's directory");
                let bare = TestDatabase::create(&dir).await;
                let db = Database::connect(&bare.url)
                    .await
                    .expect("connecting to the template database");
                Migrator::up(&db, None)
                    .await
                    .expect("migrating the template database");
                // No connection may stay open on a PostgreSQL template, and SQLite's WAL is
                // folded into the file when the last connection closes.
                db.close().await.expect("closing the template database");
                match postgres_server() {
                    Some(server) => Template::Postgres {
                        name: bare
                            .url
                            .rsplit('/')
                            .next()
                            .and_then(|last| last.split('?').next())
                            .unwrap_or_default()
                            .to_owned(),
                        server,
                    },
                    None => Template::Sqlite(dir.join("trackout.db")),
                }
            })
            .await
    }
}

impl TestDatabase {
    /// A database of its own with every migration applied, as the store leaves it on its
    /// first start.
    pub async fn migrated(dir: &Path) -> TestDatabase {
        match Template::get().await {
            Template::Sqlite(file) => {
                let copy = dir.join("trackout.db");
                std::fs::copy(file, &copy).expect("copying the migrated template database");
                TestDatabase {
                    url: format!("sqlite://{}?mode=rwc", copy.display()),
                }
            }
            Template::Postgres { server, name } => {
                let admin = Database::connect(database_url(server, "postgres"))
                    .await
                    .expect("connecting to the PostgreSQL server named by TRACKOUT_TEST_POSTGRES");
                let copy = new_name();
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{copy}\" TEMPLATE \"{name}\""))
                    .await
                    .expect("creating a test database from the migrated template");
                // A test's commits need not survive a power cut, so they need not wait for
                // the disk either.
                admin
                    .execute_unprepared(&format!(
                        "ALTER DATABASE \"{copy}\" SET synchronous_commit = off"
                    ))
                    .await
                    .expect("setting up a test database");
                TestDatabase {
                    url: database_url(server, &copy),
                }
            }
        }
    }

    /// A database of its own with nothing in it (the migrations' own tests).
    pub async fn create(dir: &Path) -> TestDatabase {
        let Some(server) = postgres_server() else {
            return TestDatabase {
                url: format!("sqlite://{}?mode=rwc", dir.join("trackout.db").display()),
            };
        };
        let admin = Database::connect(database_url(&server, "postgres"))
            .await
            .expect("connecting to the PostgreSQL server named by TRACKOUT_TEST_POSTGRES");
        SWEEP.call_once(|| sweep_finished_runs(server.clone()));
        let name = new_name();
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("creating a test database");
        TestDatabase {
            url: database_url(&server, &name),
        }
    }
}

fn new_name() -> String {
    format!(
        "{PREFIX}{}_{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Drops the databases left by test processes that have ended (a suite does not drop its
/// own; a crashed one could not), on a thread of its own: dropping a few hundred takes
/// seconds, and no test waits for it. Another suite's, running beside this one, are kept.
fn sweep_finished_runs(server: String) {
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async {
            let Ok(admin) = Database::connect(database_url(&server, "postgres")).await else {
                return;
            };
            let Ok(rows) = admin
                .query_all_raw(sea_orm::Statement::from_string(
                    admin.get_database_backend(),
                    format!("SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}%'"),
                ))
                .await
            else {
                return;
            };
            for row in rows {
                let Ok(name) = row.try_get::<String>("", "datname") else {
                    continue;
                };
                if left_by_a_finished_run(&name[PREFIX.len()..]) {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                }
            }
        });
    });
}

/// Whether a test database or template named `<pid>_…` (after the prefix) belongs to a test
/// process that has ended. Names without a pid are from older runs.
fn left_by_a_finished_run(after_prefix: &str) -> bool {
    match after_prefix
        .split('_')
        .next()
        .and_then(|pid| pid.parse::<u32>().ok())
    {
        Some(pid) => !Path::new(&format!("/proc/{pid}")).exists(),
        None => true,
    }
}

/// This process's SQLite template, in the temp dir (a static is never dropped, so nothing
/// removes it at exit): the templates of processes that have ended are removed here.
fn sqlite_template_dir() -> PathBuf {
    const TEMPLATES: &str = "trackout-test-template-";
    let temp = std::env::temp_dir();
    if let Ok(entries) = std::fs::read_dir(&temp) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(rest) = name.strip_prefix(TEMPLATES)
                && left_by_a_finished_run(rest)
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    temp.join(format!(
        "{TEMPLATES}{}_{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ))
}
