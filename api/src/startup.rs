use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{App, HttpServer, middleware, web};
use anyhow::Context;
use trackout_core::auth::{PasswordHasher, Tokens, signing_secret};
use trackout_core::config::{Config, HashingLimits};
use trackout_core::services::sessions::SessionStore;
use trackout_core::{db, storage};
use utoipa_actix_web::AppExt;

use crate::connections::{ConnectionCap, idle_timeout};
use crate::limits::Limits;
use crate::{ApiError, AppState, openapi, routes};

/// Opens the database (migrating it) and the storage backend the configuration names.
pub async fn open_state(config: Config) -> anyhow::Result<AppState> {
    db::migrate(&config)
        .await
        .with_context(|| format!("migrating {}", redact(&config.database_url())))?;
    let db = db::connect(&config)
        .await
        .with_context(|| format!("connecting to {}", redact(&config.database_url())))?;
    let storage = storage::from_config(&config)
        .await
        .context("opening object storage")?;
    let secret = signing_secret(&config).context("loading the token signing key")?;
    let tokens = Tokens::new(secret, Duration::from_secs(config.session_ttl_hours * 3600));
    let payments = trackout_core::payments::from_config(&config).context("setting up payments")?;
    let downloads = trackout_core::services::commerce::download_log::DownloadLog::start(db.clone());
    let hashing = &config.limits.hashing;
    let hasher = PasswordHasher::new(hashing).context("setting up password hashing")?;
    if hashing.below_recommended() {
        tracing::warn!(
            memory_kib = hashing.memory_kib,
            passes = hashing.passes,
            recommended_memory_kib = HashingLimits::RECOMMENDED_MEMORY_KIB,
            recommended_passes = HashingLimits::RECOMMENDED_PASSES,
            "passwords are hashed below Argon2id's recommended cost: stolen hashes are cheaper to guess"
        );
    }
    let sessions = SessionStore::start(db.clone());
    let limits = Arc::new(Limits::new(&config.limits.rate));
    let trusted_proxies = Arc::new(config.limits.server.trusted_proxies());
    let catalog = trackout_core::services::catalog::page_cache(&config.cache);
    let links = trackout_core::services::commerce::downloads::LinkCache::new(&config.cache);
    Ok(AppState {
        catalog,
        links,
        downloads,
        hasher,
        sessions,
        limits,
        trusted_proxies,
        db,
        storage,
        config: Arc::new(config),
        tokens,
        payments,
    })
}

/// Hides the password in a database URL before it reaches a log line.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The API bound to its port, ready to run. Binding happens here so that tests can ask for
/// port 0 and learn which port they got.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

impl Application {
    pub async fn build(state: AppState) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(state.config.bind)
            .with_context(|| format!("binding {}", state.config.bind))?;
        Application::with_listener(state, listener)
    }

    /// For callers that bind first to learn the port (tests asking for port 0), so that the
    /// configuration already names the real address.
    pub fn with_listener(state: AppState, listener: TcpListener) -> anyhow::Result<Application> {
        let port = listener.local_addr()?.port();
        let data = web::Data::new(state.clone());
        let limits = state.config.limits.server.clone();
        let cap = ConnectionCap::new(limits.max_connections_per_address, limits.trusted_proxies());
        let body_idle = Duration::from_secs(limits.body_idle_timeout_seconds);
        crate::metrics::init();
        let server = HttpServer::new(move || {
            let (app, api) = App::new()
                .into_utoipa_app()
                .openapi(openapi::base())
                .app_data(data.clone())
                .app_data(query_config())
                .app_data(path_config())
                .service(routes::health::healthz)
                .service(routes::health::readyz)
                .service(routes::api())
                .service(routes::downloads::download)
                .service(routes::downloads::share_page)
                .service(routes::dev_pay::page)
                .service(routes::dev_pay::pay)
                .split_for_parts();
            let api = web::Data::new(openapi::with_links(api));
            app.app_data(api)
                .route("/api/openapi.json", web::get().to(openapi::serve))
                .route("/metrics", web::get().to(crate::metrics::serve))
                .default_service(web::to(crate::frontend::serve))
                .wrap(crate::security::default_headers(&data.config))
                .wrap(middleware::from_fn(crate::human_errors::for_people))
                .wrap(middleware::from_fn(crate::metrics::record))
                .wrap_fn(move |mut req, srv| {
                    idle_timeout(&mut req, body_idle);
                    actix_web::dev::Service::call(srv, req)
                })
                // `%r` would log download and share tokens; the request line is redacted.
                .wrap(
                    middleware::Logger::new("%{request}xi %s %b %Dms")
                        .custom_request_replace("request", crate::security::redacted_request_line),
                )
        })
        // Counts connections per address (and sets NODELAY on each).
        .on_connect(move |connection, extensions| cap.on_connect(connection, extensions))
        .client_request_timeout(Duration::from_secs(limits.header_timeout_seconds))
        .client_disconnect_timeout(Duration::from_secs(2))
        .keep_alive(Duration::from_secs(limits.keep_alive_seconds))
        .listen(listener)?
        .disable_signals()
        // Requests in flight (a long download) get the same grace as jobs in hand.
        .shutdown_timeout(state.config.worker.shutdown_grace_seconds)
        .run();
        Ok(Application {
            port,
            server,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn into_server(self) -> Server {
        self.server
    }
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        ApiError::Core(trackout_core::Error::invalid("query", err.to_string())).into()
    })
}

fn path_config() -> web::PathConfig {
    // An id that is not even a UUID names nothing, exactly like one that names nothing.
    web::PathConfig::default().error_handler(|_err, _req| {
        ApiError::Core(trackout_core::Error::NotFound("resource")).into()
    })
}

/// Turns off Nagle's algorithm on each accepted connection (for servers without the cap).
pub fn no_delay(connection: &dyn std::any::Any, _: &mut actix_web::dev::Extensions) {
    if let Some(tcp) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
        let _ = tcp.set_nodelay(true);
    }
}
