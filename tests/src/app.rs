use std::sync::Arc;
use std::time::Duration;

use reqwest::{Response, StatusCode};
use secrecy::SecretString;
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio_util::sync::CancellationToken;
use trackout_api::startup::open_state;
use trackout_api::{AppState, Application};
use trackout_core::config::Config;
use trackout_core::storage::Storage;
use trackout_worker::{JobContext, Registry, Worker};
use uuid::Uuid;

use crate::TestDatabase;

/// The store running on port 0 against its own database and storage, optionally with a worker
/// in the same process (as `trackout serve` runs it).
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub config: Config,
    pub dir: TempDir,
    stop: CancellationToken,
    server: actix_web::dev::ServerHandle,
}

type StorageWrapper = Box<dyn FnOnce(Arc<dyn Storage>) -> Arc<dyn Storage> + Send>;
type ConfigTweak = Box<dyn FnOnce(&mut Config) + Send>;

pub struct TestAppBuilder {
    wrap_storage: Option<StorageWrapper>,
    worker: bool,
    registry: Registry,
    tweak: Vec<ConfigTweak>,
}

impl TestAppBuilder {
    pub fn without_worker(mut self) -> Self {
        self.worker = false;
        self
    }

    /// Puts a wrapper (fault injection, counting) around the configured storage backend.
    pub fn wrap_storage(
        mut self,
        wrap: impl FnOnce(Arc<dyn Storage>) -> Arc<dyn Storage> + Send + 'static,
    ) -> Self {
        self.wrap_storage = Some(Box::new(wrap));
        self
    }

    pub fn registry(mut self, registry: Registry) -> Self {
        self.registry = registry;
        self
    }

    pub fn config(mut self, tweak: impl FnOnce(&mut Config) + Send + 'static) -> Self {
        self.tweak.push(Box::new(tweak));
        self
    }

    /// Sends mail to `smtp` (over TCP) instead of writing `.eml` files.
    pub fn smtp(self, smtp: &crate::SmtpServer) -> Self {
        let url = smtp.url();
        self.config(move |c| c.mail.smtp_url = Some(SecretString::from(url)))
    }

    pub async fn spawn(self) -> TestApp {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into()))
            .with_test_writer()
            .try_init();
        let dir = tempfile::tempdir().expect("temp dir");
        let database = TestDatabase::migrated(dir.path()).await;
        // Bind first, so that the configuration (and every link the store makes) has the port.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding a port");
        let mut config = Config {
            bind: listener.local_addr().unwrap(),
            data_dir: dir.path().to_owned(),
            database_url: Some(database.url),
            jwt_secret: Some(SecretString::from("a test secret that is long enough")),
            ..Config::default()
        };
        config.worker.poll_interval_ms = 25;
        // Tests that upload a master alone expect its preview; the ones about the settle
        // window set their own.
        config.worker.settle_ms = 0;
        // Tests read their own writes at once; the ones about staleness set their own.
        config.cache.staleness_ms = 0;
        config.worker.retry_backoff_ms = 20;
        config.worker.concurrency = 2;
        // Argon2 at its least cost: at the recommended one it was a seventh of the end-to-end
        // suite's CPU. The cost itself is the hasher's own tests' business (core's
        // auth::password), and the binary suite's sign-in flood runs at the real one.
        config.limits.hashing.memory_kib = 8;
        config.limits.hashing.passes = 1;
        // Every test talks from 127.0.0.1 and signs up its own cast: the limits stay on, with
        // room for that (the rate-limit tests set their own).
        let roomy = trackout_core::config::Rate::per_minute(1000);
        let rate = &mut config.limits.rate;
        rate.login_per_address = roomy;
        rate.login_per_account = roomy;
        rate.signup_per_address = roomy;
        rate.password_per_address = roomy;
        rate.password_per_account = roomy;
        rate.claim_per_address = roomy;
        rate.checkout_per_address = roomy;
        rate.checkout_per_account = roomy;
        for tweak in self.tweak {
            tweak(&mut config);
        }
        let mut state = open_state(config.clone()).await.expect("opening the store");
        if let Some(wrap) = self.wrap_storage {
            state.storage = wrap(state.storage);
        }
        let app = Application::with_listener(state.clone(), listener).expect("building the app");
        let address = format!("http://127.0.0.1:{}", app.port());
        let server = app.into_server();
        let handle = server.handle();
        tokio::spawn(server);
        let stop = CancellationToken::new();
        if self.worker {
            let ctx = Arc::new(JobContext::new(
                state.db.clone(),
                state.storage.clone(),
                state.config.clone(),
                state.payments.clone(),
            ));
            tokio::spawn(Worker::new(ctx, self.registry).run(stop.clone()));
        }
        TestApp {
            address,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            state,
            config,
            dir,
            stop,
            server: handle,
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop.cancel();
        let server = self.server.clone();
        // Stopping is asynchronous; the runtime of the test ends right after anyway.
        tokio::spawn(async move { server.stop(false).await });
    }
}

/// The password every test account gets.
pub const PASSWORD: &str = "a long enough password";

/// A signed-in account.
#[derive(Clone, Debug)]
pub struct Account {
    pub token: String,
    pub id: Uuid,
    pub email: String,
}

impl TestApp {
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder {
            wrap_storage: None,
            worker: true,
            registry: Registry::store_jobs(),
            tweak: Vec::new(),
        }
    }

    pub async fn spawn() -> TestApp {
        TestApp::builder().spawn().await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request")
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> Response {
        let mut request = self.client.request(method, self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request")
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.send_json(reqwest::Method::POST, path, token, body)
            .await
    }

    /// Signs up (`202`), marks the email verified (the verification mail itself is tested in
    /// `accounts::verify`), and logs in.
    pub async fn register(&self, role: &str) -> Account {
        let account = self.register_unverified(role).await;
        trackout_core::services::verification::mark_verified_without_mail(
            &self.state.db,
            account.id,
        )
        .await
        .expect("marking the email verified");
        account
    }

    /// Signs up and logs in, leaving the email unverified. A producer on a single-seller store
    /// signs up with an invitation, as the operator's `trackout invite-producer` makes it.
    pub async fn register_unverified(&self, role: &str) -> Account {
        let email = format!("{role}-{}@example.com", Uuid::new_v4().simple());
        let invited = role == "producer"
            && self.config.commerce.selling == trackout_core::domain::SellingMode::SingleSeller;
        let invitation = if invited {
            Some(self.invite_producer(&email).await)
        } else {
            None
        };
        let response = self
            .post(
                "/api/v1/auth/register",
                None,
                &json!({
                    "email": email,
                    "password": PASSWORD,
                    "display_name": format!("Test {role}"),
                    "role": role,
                    "invitation": invitation,
                }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        self.login(&email, PASSWORD).await
    }

    /// The operator's invitation token for `email` to sign up as a producer.
    pub async fn invite_producer(&self, email: &str) -> String {
        let email = trackout_core::domain::Email::parse(email).expect("an email");
        trackout_core::services::invitations::create(&self.state.db, &email)
            .await
            .expect("recording an invitation")
    }

    /// Logs in with a password (the account must not have two-factor sign-in).
    pub async fn login(&self, email: &str, password: &str) -> Account {
        let response = self
            .post(
                "/api/v1/auth/login",
                None,
                &json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "logging in {email}");
        let body: Value = response.json().await.unwrap();
        Account {
            token: body["token"].as_str().expect("a session token").to_owned(),
            id: body["user"]["id"].as_str().unwrap().parse().unwrap(),
            email: email.to_owned(),
        }
    }

    /// Where mail goes with no SMTP configured.
    pub fn outbox_dir(&self) -> std::path::PathBuf {
        self.config.data_dir.join("outbox")
    }

    /// Waits for an `.eml` to `to` whose subject contains `subject` in the outbox folder.
    pub async fn wait_for_eml(&self, to: &str, subject: &str) -> crate::MailMessage {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(found) = crate::mail::eml_files(&self.outbox_dir())
                .into_iter()
                .find(|m| m.to().eq_ignore_ascii_case(to) && m.subject().contains(subject))
            {
                return found;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no .eml to {to} about “{subject}” in {}",
                self.outbox_dir().display()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn create_beat(&self, producer: &Account, body: &Value) -> Value {
        let response = self
            .post("/api/v1/beats", Some(&producer.token), body)
            .await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "{:?}",
            response.text().await
        );
        response.json().await.unwrap()
    }

    pub async fn new_beat(&self, producer: &Account) -> Uuid {
        let beat = self
            .create_beat(
                producer,
                &json!({"title": "Midnight Run", "bpm": 140, "key": "A min", "genre": "Trap",
                        "moods": ["dark"], "tags": ["808", "night"]}),
            )
            .await;
        beat["id"].as_str().unwrap().parse().unwrap()
    }

    pub async fn upload(
        &self,
        account: &Account,
        beat: Uuid,
        what: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Response {
        self.client
            .put(self.url(&format!("/api/v1/beats/{beat}/{what}")))
            .bearer_auth(&account.token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("upload")
    }

    /// Polls the processing route until `done` says so, or fails after `timeout`.
    /// Waits until no job is queued to run by now or running, whichever beat it is for: a
    /// purge of a superseded file has no beat, so a beat's processing view does not show it.
    pub async fn wait_for_idle_queue(&self, timeout: Duration) {
        use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter};
        use trackout_core::queue::JobState;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let now = chrono::Utc::now().timestamp_millis();
            let due = entity::job::Entity::find()
                .filter(
                    entity::job::Column::State
                        .eq(JobState::Running.as_str())
                        .or(entity::job::Column::State
                            .eq(JobState::Queued.as_str())
                            .and(entity::job::Column::RunAtMs.lte(now))),
                )
                .count(&self.state.db)
                .await
                .expect("counting jobs");
            if due == 0 {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{due} jobs still queued or running after {timeout:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_for_processing(
        &self,
        producer: &Account,
        beat: Uuid,
        timeout: Duration,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let response = self
                .get(
                    &format!("/api/v1/beats/{beat}/processing"),
                    Some(&producer.token),
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK);
            let body: Value = response.json().await.unwrap();
            if done(&body) {
                return body;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "processing did not finish in {timeout:?}: {body:#}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Reads a problem+json answer and checks its status and code.
pub async fn assert_problem(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status, "unexpected status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.expect("problem body");
    assert_eq!(body["code"], code, "{body:#}");
    assert_eq!(body["status"], status.as_u16());
    body
}
