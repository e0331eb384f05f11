//! The HTTP edge of thirdspace: the JSON API under `/api/v1`, its OpenAPI document, health, and
//! the background sweep that releases no-shows and checks everyone out at closing.
//!
//! Handlers are thin: extract, check who may do it, call the domain and the store, and let
//! [`error::ApiError`] decide the status in one place.

pub mod auth;
pub mod clock;
pub mod error;
pub mod extract;
pub mod limits;
pub mod mail;
pub mod matching;
mod pages;
pub mod password;
mod routes;
mod sweep;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use thirdspace_store::Store;
use tokio::net::TcpListener;

use crate::clock::Clock;

pub use routes::{openapi, router};
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
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How often an open live stream checks that its screen's token still works.
    pub screen_recheck: Duration,
    /// Where people reach this server, for links in e-mails, e.g. `https://seats.example.org`
    /// (never taken from a request's `Host` header).
    pub public_url: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_days: 30,
            sweep_every: Duration::from_secs(30),
            max_body_bytes: 64 * 1024,
            screen_recheck: Duration::from_secs(10),
            public_url: "http://localhost:8080".to_owned(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<ServerConfig>,
    pub events: Arc<dyn events::EventBus>,
    pub mailer: Arc<mail::Mailer>,
}

impl AppState {
    /// A state with a fresh event bus, and e-mail written to the log.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: ServerConfig) -> Self {
        Self {
            store,
            clock,
            config: Arc::new(config),
            events: Arc::new(events::LocalBus::new()),
            mailer: Arc::default(),
        }
    }

    /// Carries live events on `bus` (one shared by every instance, when there are several).
    pub fn with_events(mut self, bus: Arc<dyn events::EventBus>) -> Self {
        self.events = bus;
        self
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
    state: AppState,
}

impl Application {
    /// Binds `addr` (port 0 picks a free port).
    pub async fn bind(addr: SocketAddr, state: AppState) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        Ok(Self { listener, state })
    }

    /// Serves on a listener bound beforehand (to know the port is free before doing anything else).
    pub fn on(listener: TcpListener, state: AppState) -> Self {
        Self { listener, state }
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, sweeping in the background.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let sweeper = tokio::spawn(sweep::run(self.state.clone()));
        let events = self.state.events.clone();
        let app = router(self.state);
        // Live streams never end by themselves: close them, or stopping would wait for ever.
        let stopping = async move {
            shutdown.await;
            events.close();
        };
        // One route table shared by every connection (a bare router would be copied into each).
        let app = app.into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(self.listener, app).with_graceful_shutdown(stopping).await;
        sweeper.abort();
        served
    }
}
