//! thirdspace's server: the application layer ([`app`]: every operation once, with its permission
//! checks and typed errors), and two adapters over it, the JSON API under `/api/v1` with its
//! OpenAPI document (`routes`) and the server-rendered pages (`pages`); the relay of the outbox to
//! live streams, and the background sweep that releases no-shows and checks everyone out at
//! closing. [`error::ApiError`] decides an HTTP status in one place.

pub mod app;
pub mod auth;
pub mod calendar;
pub mod clock;
pub mod courier;
pub mod error;
pub mod extract;
pub mod here;
pub mod limits;
pub mod mail;
pub mod matching;
pub mod metrics;
pub mod network;
mod pages;
pub mod password;
pub mod postman;
pub mod recent;
pub mod relay;
mod routes;
pub mod serve;
mod sweep;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use thirdspace_store::Store;
use tokio::net::TcpListener;

use crate::clock::Clock;

pub use routes::openapi;

/// The whole HTTP application: the API and the pages, each an adapter over the application
/// layer ([`app`]); neither knows the other, they meet only here.
pub fn router(state: AppState) -> axum::Router {
    use axum::response::Response;
    use tower_http::catch_panic::CatchPanicLayer;
    use tower_http::trace::TraceLayer;

    let (api, doc) = routes::api_router();
    let max_body = state.config.max_body_bytes;
    // The page is served from the binary and asks nothing of the internet (no online validator).
    let docs = utoipa_swagger_ui::Config::new(["/api/openapi.json"]).validator_url("none").try_it_out_enabled(true);
    let app = api
        .merge(utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/openapi.json", doc).config(docs))
        .merge(pages::router(state.clone()))
        .fallback(|headers: axum::http::HeaderMap| async move {
            if pages::wants_html(&headers) {
                pages::not_found()
            } else {
                routes::no_route(false)
            }
        })
        .method_not_allowed_fallback(|headers: axum::http::HeaderMap| async move {
            if pages::wants_html(&headers) {
                pages::not_found()
            } else {
                routes::no_route(true)
            }
        })
        .layer(axum::middleware::from_fn(pages::page_headers))
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(state.config.request_timeout, serve::deadline))
        .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| -> Response { routes::panicked() }))
        .layer(TraceLayer::new_for_http());
    let app = match state.config.metrics_bind {
        Some(_) => app.layer(axum::middleware::from_fn_with_state(state.metrics.clone(), metrics::track)),
        None => app,
    };
    app.with_state(state)
}
/// Live events: the bus and what it carries.
pub use thirdspace_store::events;

/// Settings of the HTTP server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Mark cookies `Secure` (serve over HTTPS).
    pub secure_cookies: bool,
    /// How long a browser session lasts.
    pub session_days: i64,
    /// How often no-shows are released and closed venues emptied.
    pub sweep_every: Duration,
    /// How often queued e-mails are looked at when no change wakes the sender.
    pub mail_every: Duration,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How often an open live stream checks that its screen's token still works.
    pub screen_recheck: Duration,
    /// Where people reach this server, for links in e-mails, e.g. `https://seats.example.org`
    /// (never taken from a request's `Host` header).
    pub public_url: String,
    /// Passwords hashed at once (each hash holds about 19 MiB while it runs).
    pub password_threads: usize,
    /// Hashes that may wait for a thread; beyond them log-ins and sign-ups get `503`.
    pub password_queue: usize,
    /// How long a client may take to send a request's head.
    pub request_head_timeout: Duration,
    /// How long a request may take to be answered, its body included (`408` after).
    pub request_timeout: Duration,
    /// How long a stopping server waits for requests in flight.
    pub shutdown_grace: Duration,
    /// The key of the form tokens given before log-in (several instances must share it).
    pub form_key: [u8; 32],
    /// Where Prometheus metrics are served (`GET /metrics`), apart from the public address;
    /// `None` serves none and counts no HTTP requests.
    pub metrics_bind: Option<SocketAddr>,
    /// How often webhook deliveries are looked at when no change wakes the courier.
    pub webhook_every: Duration,
    /// Hosts (lowercase) webhooks may reach although they resolve to loopback, private or other
    /// special addresses; every other such address is refused.
    pub webhook_allow_hosts: Vec<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_days: 30,
            sweep_every: Duration::from_secs(30),
            mail_every: Duration::from_secs(5),
            max_body_bytes: 64 * 1024,
            screen_recheck: Duration::from_secs(10),
            public_url: "http://localhost:8080".to_owned(),
            password_threads: cores(),
            password_queue: cores() * 8,
            request_head_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(10),
            form_key: rand::random(),
            metrics_bind: None,
            webhook_every: Duration::from_secs(1),
            webhook_allow_hosts: Vec::new(),
        }
    }
}

/// The machine's cores, the default for work bounded by the processor.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<ServerConfig>,
    pub events: Arc<events::LocalBus>,
    pub mailer: Arc<mail::Mailer>,
    pub hashing: Arc<password::Hashing>,
    pub metrics: Arc<metrics::Metrics>,
    /// Who is present at each venue, kept current by the events.
    pub presence: Arc<here::PresenceViews>,
    /// Everyone across the network who may be suggested or asked, kept current by the events.
    pub network: Arc<network::NetworkPeople>,
    /// Who each token presented a moment ago belongs to (by the token's hash).
    pub tokens: Arc<recent::Recent<String, (thirdspace_store::User, thirdspace_store::TokenKind)>>,
    /// Venues read a moment ago.
    pub venues: Arc<recent::Recent<uuid::Uuid, thirdspace_store::Venue>>,
    /// Each person's role at a venue (none included), read a moment ago.
    pub roles: Arc<recent::Recent<(uuid::Uuid, uuid::Uuid), Option<thirdspace_store::StaffRole>>>,
    /// Venues' check-in secrets, read a moment ago.
    pub secrets: Arc<recent::Recent<uuid::Uuid, Vec<u8>>>,
    /// Bookings waiting to be written together, where the database has one writer.
    pub group_commit: Arc<app::group::GroupCommit>,
}

/// How long a token's holder or a venue read from the store is used before it is read again (a
/// change made through another instance shows within it; this instance's own, at once).
pub const RECENT: std::time::Duration = std::time::Duration::from_secs(1);

impl AppState {
    /// A state with its own bus for live events (fed from the store's outbox while the server
    /// runs), and e-mail written to the log.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: ServerConfig) -> Self {
        let hashing = Arc::new(password::Hashing::new(config.password_threads, config.password_queue));
        Self {
            store,
            clock,
            hashing,
            config: Arc::new(config),
            events: Arc::new(events::LocalBus::new()),
            mailer: Arc::default(),
            metrics: Arc::default(),
            presence: Arc::default(),
            network: Arc::default(),
            tokens: Arc::new(recent::Recent::new(RECENT, 10_000)),
            venues: Arc::new(recent::Recent::new(RECENT, 4096)),
            roles: Arc::new(recent::Recent::new(RECENT, 10_000)),
            secrets: Arc::new(recent::Recent::new(RECENT, 4096)),
            group_commit: Arc::default(),
        }
    }

    /// Sends e-mail with `mailer`.
    pub fn with_mailer(mut self, mailer: mail::Mailer) -> Self {
        self.mailer = Arc::new(mailer);
        self
    }
}

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    /// The metrics' own listener, when `metrics_bind` asks for one.
    metrics: Option<TcpListener>,
    state: AppState,
}

impl Application {
    /// Binds `addr` (port 0 picks a free port), and the metrics' address if there is one.
    pub async fn bind(addr: SocketAddr, state: AppState) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        Self::on(listener, state).await
    }

    /// Serves on a listener bound beforehand (to know the port is free before doing anything
    /// else); binds the metrics' address if there is one.
    pub async fn on(listener: TcpListener, state: AppState) -> std::io::Result<Self> {
        let metrics = match state.config.metrics_bind {
            Some(addr) => Some(TcpListener::bind(addr).await?),
            None => None,
        };
        Ok(Self { listener, metrics, state })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Where the metrics are served, when they are.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// Serves until `shutdown` completes, sweeping and relaying the outbox's events to the live
    /// streams in the background.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let sweeper = tokio::spawn(sweep::run(self.state.clone()));
        let postman = tokio::spawn(postman::run(self.state.clone(), self.state.config.mail_every));
        let courier = tokio::spawn(courier::run(self.state.clone()));
        // Caught up on the outbox before the first request, so a reconnecting stream finds its
        // place.
        let cursor = relay::resume(self.state.store.as_ref(), &self.state.events).await;
        let relay = tokio::spawn(relay::run(self.state.store.clone(), self.state.events.clone(), cursor));
        let views = tokio::spawn(self.state.presence.clone().follow(self.state.events.subscribe()));
        let network = self.state.network.clone();
        let (store, clock) = (self.state.store.clone(), self.state.clock.clone());
        let network = tokio::spawn(network.follow(store, clock, self.state.events.subscribe_people()));
        // The metrics listener answers only `/metrics`, quickly, and stops with the process.
        let metrics = self.metrics.map(|listener| {
            let app = metrics::router(self.state.clone());
            tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, app).await {
                    tracing::error!(error = %e, "the metrics listener stopped");
                }
            })
        });
        let events = self.state.events.clone();
        let limits =
            serve::Limits { head: self.state.config.request_head_timeout, grace: self.state.config.shutdown_grace };
        let stopping = serve::Stopping::default();
        let app = router(self.state)
            .layer(axum::middleware::from_fn_with_state(stopping.clone(), serve::close_when_stopping));
        // Live streams never end by themselves: close them, or stopping would wait for them.
        let served = serve::run(self.listener, app, limits, stopping, shutdown, move || events.close()).await;
        sweeper.abort();
        postman.abort();
        courier.abort();
        relay.abort();
        views.abort();
        network.abort();
        if let Some(metrics) = metrics {
            metrics.abort();
        }
        served
    }
}
