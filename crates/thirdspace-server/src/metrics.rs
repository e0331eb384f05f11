//! What an operator watches: Prometheus metrics, served on a listener of their own
//! (`metrics_bind`, off by default) so that they are never reachable from the public address.
//!
//! Labels are bounded sets: an HTTP request is known by its route's template
//! (`/api/v1/venues/{id}/bookings`), never by its path, and no label names a person or an id.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

use crate::app::AppError;
use crate::AppState;

/// The seconds an HTTP answer's latency is counted in: from a millisecond to ten seconds.
const LATENCY_BUCKETS: [f64; 14] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
/// How many bookings one transaction wrote (up to `app::group::MOST`).
const GROUP_BUCKETS: [f64; 7] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];

/// A request's method as a label: the standard ones by name, any other as `other`, so that a
/// client cannot grow the set.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Answered {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Timed {
    method: &'static str,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Reason {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Outcome {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Pool {
    pool: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolState {
    pool: &'static str,
    state: &'static str,
}

/// Every metric of one server process.
pub struct Metrics {
    registry: Registry,
    requests: Family<Answered, Counter>,
    latency: Family<Timed, Histogram, fn() -> Histogram>,
    bookings_made: Counter,
    bookings_refused: Family<Reason, Counter>,
    check_ins: Counter,
    bookings_together: Histogram,
    streams_open: Gauge,
    outbox_lag: Gauge,
    webhook_deliveries: Family<Outcome, Counter>,
    pool_connections: Family<PoolState, Gauge>,
    pool_max: Family<Pool, Gauge>,
    hashes_queued: Gauge,
    network_people: Gauge,
    network_bytes: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("thirdspace");
        let requests = Family::<Answered, Counter>::default();
        registry.register("http_requests", "HTTP requests answered, by route template and status", requests.clone());
        let latency: Family<Timed, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(|| Histogram::new(LATENCY_BUCKETS));
        registry.register_with_unit(
            "http_request_duration",
            "Time from a request's arrival to its answer's head, by route template",
            Unit::Seconds,
            latency.clone(),
        );
        let bookings_made = Counter::default();
        registry.register(
            "bookings_made",
            "Seat bookings made ahead (a walk-in is counted among check-ins)",
            bookings_made.clone(),
        );
        let bookings_refused = Family::<Reason, Counter>::default();
        registry.register(
            "bookings_refused",
            "Seat bookings refused, by the reason's code (seats_gone, invalid, …)",
            bookings_refused.clone(),
        );
        let check_ins = Counter::default();
        registry.register(
            "check_ins",
            "Check-ins accepted at venues (one repeated while checked in counts again)",
            check_ins.clone(),
        );
        let bookings_together = Histogram::new(GROUP_BUCKETS);
        registry.register(
            "bookings_per_transaction",
            "Bookings written together in one transaction (group commit, on SQLite)",
            bookings_together.clone(),
        );
        let streams_open = Gauge::default();
        registry.register("event_streams_open", "Live event streams open on this instance", streams_open.clone());
        let outbox_lag = Gauge::default();
        registry.register(
            "outbox_lag_events",
            "Events committed to the outbox and not yet passed on to this instance's live streams",
            outbox_lag.clone(),
        );
        let webhook_deliveries = Family::<Outcome, Counter>::default();
        registry.register(
            "webhook_deliveries",
            "Webhook delivery attempts by outcome (delivered, failed, refused)",
            webhook_deliveries.clone(),
        );
        let pool_connections = Family::<PoolState, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections open, by pool and state (idle, in_use)",
            pool_connections.clone(),
        );
        let pool_max = Family::<Pool, Gauge>::default();
        registry.register("db_pool_max_connections", "The most connections each pool may open", pool_max.clone());
        let hashes_queued = Gauge::default();
        registry.register(
            "password_hashes_queued",
            "Password hashes waiting for a hashing thread",
            hashes_queued.clone(),
        );
        let network_people = Gauge::default();
        registry.register(
            "network_index_people",
            "People in the network's index: shown publicly and open to meet",
            network_people.clone(),
        );
        let network_bytes = Gauge::default();
        registry.register("network_index_bytes", "Bytes the network's index holds, roughly", network_bytes.clone());
        Self {
            registry,
            requests,
            latency,
            bookings_made,
            bookings_refused,
            check_ins,
            bookings_together,
            streams_open,
            outbox_lag,
            webhook_deliveries,
            pool_connections,
            pool_max,
            hashes_queued,
            network_people,
            network_bytes,
        }
    }

    /// Counts a booking attempt's result: made, or refused for a reason a client can act on. A
    /// failure of the server's own (the database gone, say) is not a refusal and is not counted
    /// here (the HTTP metrics show it).
    pub fn booking<T>(&self, result: &Result<T, AppError>) {
        match result {
            Ok(_) => {
                self.bookings_made.inc();
            }
            Err(e @ (AppError::Invalid(_) | AppError::Refused(_) | AppError::Conflict(_))) => {
                let reason = crate::error::ApiError::from(e.clone()).code;
                self.bookings_refused.get_or_create(&Reason { reason }).inc();
            }
            Err(_) => {}
        }
    }

    /// Counts a transaction that wrote `count` bookings together.
    pub fn bookings_written_together(&self, count: usize) {
        self.bookings_together.observe(count as f64);
    }

    /// Counts a check-in.
    pub fn checked_in(&self) {
        self.check_ins.inc();
    }

    /// Counts a webhook delivery attempt: `delivered`, `failed` (the receiver did not take it) or
    /// `refused` (its address is not one thirdspace may call).
    pub fn webhook_delivery(&self, outcome: &'static str) {
        self.webhook_deliveries.get_or_create(&Outcome { outcome }).inc();
    }

    /// A live stream opened; it counts as open until the guard is dropped.
    pub fn stream_opened(&self) -> StreamOpen {
        self.streams_open.inc();
        StreamOpen(self.streams_open.clone())
    }

    fn answered(&self, method: &'static str, route: String, status: StatusCode, took: f64) {
        self.latency.get_or_create(&Timed { method, route: route.clone() }).observe(took);
        self.requests.get_or_create(&Answered { method, route, status: status.as_u16() }).inc();
    }

    /// The text exposition, after reading what is measured at the moment of asking.
    pub async fn render(&self, state: &AppState) -> Result<String, std::fmt::Error> {
        for pool in state.store.pools() {
            let in_use = pool.open.saturating_sub(pool.idle);
            self.pool_connections.get_or_create(&PoolState { pool: pool.name, state: "idle" }).set(pool.idle.into());
            self.pool_connections.get_or_create(&PoolState { pool: pool.name, state: "in_use" }).set(in_use.into());
            self.pool_max.get_or_create(&Pool { pool: pool.name }).set(pool.max.into());
        }
        self.hashes_queued.set(i64::try_from(state.hashing.queued()).unwrap_or(i64::MAX));
        let (people, bytes) = state.network.size();
        self.network_people.set(i64::try_from(people).unwrap_or(i64::MAX));
        self.network_bytes.set(i64::try_from(bytes).unwrap_or(i64::MAX));
        // An outbox that cannot be read now leaves the last figure; the HTTP metrics and
        // `/readyz` tell of the database.
        if let Ok(last) = state.store.last_event_id().await {
            let lag = last.saturating_sub(state.events.last_id());
            self.outbox_lag.set(i64::try_from(lag).unwrap_or(i64::MAX));
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// An open live stream, counted until dropped.
pub struct StreamOpen(Gauge);

impl Drop for StreamOpen {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Counts every request by its route's template and its answer's status, and times it.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let method = method_label(request.method());
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.answered(method, route, response.status(), started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics` on the metrics listener.
async fn exposition(State(state): State<AppState>) -> Response {
    match state.metrics.render(&state).await {
        Ok(text) => ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], text)
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "the metrics could not be written");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The metrics listener's application: `/metrics` and nothing else.
pub fn router(state: AppState) -> axum::Router {
    axum::Router::new().route("/metrics", axum::routing::get(exposition)).with_state(state)
}
